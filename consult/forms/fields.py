"""The one field for text people type: cleaned by consult.text before its length is checked."""

from typing import Any

from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from consult.text import clean_text


class PlainTextField(forms.CharField):
    """A CharField whose length limit and "required" apply to the cleaned text.

    One line unless `single_line=False`, which keeps line breaks and shows a text area. A null
    character is refused, as by every CharField, rather than cleaned away: nobody types one.
    """

    def __init__(self, *, single_line: bool = True, **kwargs: Any) -> None:
        self.single_line = single_line
        if not single_line:
            kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 6}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> str:
        if isinstance(value, str):
            ProhibitNullCharactersValidator()(value)
        return clean_text(super().to_python(value) or "", single_line=self.single_line)
