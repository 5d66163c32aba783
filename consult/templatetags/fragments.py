"""Parts of pages the same on every page in one language, rendered once per process.

    {% load fragments %}{% same_on_every_page "footer" %}…{% end_same_on_every_page %}

renders what it holds the first time a page in a language needs it, and gives every later page
that rendering: for text that depends on nothing but the language, the settings and the site's
addresses (the footer: its links and the operator's name). Nothing that differs between readers
or requests (the user, a token, the page's own address) may go inside.
"""

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

Key = tuple[str, str | None, str, str | None]
rendered: dict[Key, SafeString] = {}


@receiver(setting_changed)
def forget_rendered(**kwargs: object) -> None:
    """A setting changed (in tests): the operator's name, say, or the languages."""
    rendered.clear()


class SameOnEveryPage(template.Node):
    def __init__(self, name: str, nodelist: template.NodeList) -> None:
        self.name = name
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        key = (self.name, get_language(), get_script_prefix(), get_urlconf())
        found = rendered.get(key)
        if found is None:
            # Rendered by the template engine, which escaped every value.
            found = rendered[key] = mark_safe(self.nodelist.render(context))
        return found


@register.tag
def same_on_every_page(parser: template.base.Parser, token: template.base.Token) -> SameOnEveryPage:
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(f"{bits[0]} takes one quoted name.")
    nodelist = parser.parse(("end_same_on_every_page",))
    parser.delete_first_token()
    return SameOnEveryPage(bits[1][1:-1], nodelist)
