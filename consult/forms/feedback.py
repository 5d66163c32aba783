"""The phase banner's feedback form: how satisfied, what to improve, and an address for a reply."""

from django import forms
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _

from config.log_filters import redact
from consult.addresses import check_deliverable
from consult.forms.fields import PlainTextField
from consult.models import Feedback

COMMENTS_LENGTH: int = Feedback._meta.get_field("comments").max_length or 2000
PAGE_LENGTH: int = Feedback._meta.get_field("page").max_length or 200


class ReplyEmailField(forms.EmailField):
    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            check_deliverable(value)


def local_path(value: str) -> str:
    """The page the reader came from, if it is a path on this site; anything else is dropped.

    Signers' links carry tokens that work as keys: those are redacted before anyone stores them.
    """
    path = redact(value.partition("?")[0].partition("#")[0])
    if not path.startswith("/") or len(path) > PAGE_LENGTH or not path.isprintable():
        return ""
    return path if url_has_allowed_host_and_scheme(path, allowed_hosts=None) else ""


class FeedbackForm(forms.ModelForm):  # type: ignore[type-arg]
    satisfaction = forms.ChoiceField(
        label=_("Overall, how did you feel about this site? (optional)"),
        choices=Feedback.Satisfaction.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    comments = PlainTextField(
        label=_("How could we improve it?"),
        help_text=_(
            "At most 2,000 characters. Do not include personal details such as your name, "
            "address or how you would vote."
        ),
        max_length=COMMENTS_LENGTH,
        single_line=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Tell us how we could improve the site.")},
    )
    email = ReplyEmailField(
        label=_("Email address, if you would like a reply (optional)"),
        required=False,
        max_length=Feedback._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={"invalid": _("Enter an email address in the correct format, like name@example.org.")},
    )
    page = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Feedback
        fields = ["satisfaction", "comments", "email", "page"]

    def clean_page(self) -> str:
        return local_path(self.cleaned_data["page"])
