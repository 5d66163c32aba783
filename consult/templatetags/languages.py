"""Bilingual content and the language switcher in templates.

`{{ statement|localised:"title" }}` is the title in the page's language (the Welsh when written,
else the English); put `{{ statement|lang_of:"title" }}` inside the element holding it, so a
Welsh page marks an English fallback `lang="en"` for screen readers and translation tools.
"""

from django import template
from django.utils.safestring import SafeString, mark_safe

from consult import languages
from consult.models.languages import Bilingual

register = template.Library()


@register.filter
def localised(content: Bilingual, field: str) -> str:
    return content.localised(field)


@register.filter
def lang_of(content: Bilingual, field: str) -> SafeString:
    return mark_safe(' lang="en"') if content.falls_back(field) else mark_safe("")


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict[str, str]]:
    """This page in every language (see consult.languages.alternates), marking the current one."""
    request = context.get("request")
    if request is None:
        return []
    here = languages.current()
    return [page | {"current": page["code"] == here} for page in languages.alternates(request)]
