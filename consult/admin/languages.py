"""Welsh versions of content in the admin, each on the same row as the English it translates."""

from django.http import HttpRequest


class BilingualAdmin:
    """For a model with `bilingual_fields` (consult.models.languages.Bilingual)."""

    def get_fields(self, request: HttpRequest, obj=None) -> list:
        fields = super().get_fields(request, obj)
        english = [name for name in self.model.bilingual_fields if f"{name}_cy" in fields]
        welsh = {f"{name}_cy" for name in english}
        return [(name, f"{name}_cy") if name in english else name for name in fields if name not in welsh]
