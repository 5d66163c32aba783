"""Render the plain text people write: paragraphs, line breaks and http(s) links, nothing else.

Django's urlize would also link email addresses (mailto:) and bare domains; an argument's text
links only full web addresses, so what becomes a link is exactly what the author pasted.
"""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

WEB_ADDRESS = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Punctuation that usually ends the sentence around an address rather than the address itself.
TRAILING_PUNCTUATION = ".,;:!?)]}'\""


def link_addresses(text: str) -> str:
    html, position = [], 0
    for match in WEB_ADDRESS.finditer(text):
        address = match.group().rstrip(TRAILING_PUNCTUATION)
        end = match.start() + len(address)
        html.append(escape(text[position : match.start()]))
        html.append(f'<a href="{escape(address)}" rel="nofollow ugc noopener">{escape(address)}</a>')
        position = end
    html.append(escape(text[position:]))
    return "".join(html)


@register.filter(is_safe=True)
def paragraphs(text: str) -> SafeString:
    """Blank lines separate paragraphs, single newlines become <br>, web addresses become links."""
    text = str(text).replace("\r\n", "\n").strip()
    blocks = [block.strip() for block in PARAGRAPH_BREAK.split(text) if block.strip()]
    return mark_safe(  # noqa: S308 - every piece of user text went through escape() above.
        "".join("<p>" + link_addresses(block).replace("\n", "<br>") + "</p>" for block in blocks)
    )
