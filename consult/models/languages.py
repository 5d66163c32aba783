"""Content written in English with an optional Welsh version beside it.

A bilingual model has, for each translatable field `f`, a field `f_cy`, blank until someone
writes the Welsh. Pages and emails ask the model for the text in the active language, so the
choice (Welsh when written, else English) is made here and nowhere else.
"""

from django.utils import translation

WELSH = "cy"


def is_welsh(language: str | None = None) -> bool:
    """Whether `language` (by default the active one) is Welsh."""
    return (language or translation.get_language() or "").split("-")[0] == WELSH


class Bilingual:
    """Mixin for models whose fields named in `bilingual_fields` have a `<field>_cy` twin."""

    bilingual_fields: tuple[str, ...] = ()

    def localised(self, field: str, language: str | None = None) -> str:
        """The field in `language` (by default the active one): the Welsh if written, else English."""
        if is_welsh(language) and not self.falls_back(field, language):
            return getattr(self, f"{field}_cy")
        return getattr(self, field)

    def falls_back(self, field: str, language: str | None = None) -> bool:
        """Whether a Welsh reader gets the English text of `field`, its Welsh being unwritten."""
        if field not in self.bilingual_fields:
            raise ValueError(f"{type(self).__name__}.{field} has no Welsh version")
        return is_welsh(language) and not getattr(self, f"{field}_cy").strip()
