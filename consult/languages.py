"""The site's two languages, English and Welsh: which one a code means, and links between them.

English pages live at their own address and Welsh ones under /cy/ (config/urls.py). English is
activated as LANGUAGE_CODE (British English), the code whose addresses carry no prefix.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, ResolverMatch, get_urlconf, reverse, translate_url
from django.utils import translation


def supported(code: str | None) -> str:
    """One of the LANGUAGES codes ("en" or "cy") for any code Django may hand us ("en-gb")."""
    try:
        return translation.get_supported_language_variant(code or settings.LANGUAGE_CODE)
    except LookupError:
        return translation.get_supported_language_variant(settings.LANGUAGE_CODE)


def activation_code(language: str) -> str:
    """The code to activate for `language`: for English, LANGUAGE_CODE, so links have no prefix."""
    language = supported(language)
    return settings.LANGUAGE_CODE if language == supported(settings.LANGUAGE_CODE) else language


def current() -> str:
    """The active language, as one of the LANGUAGES codes."""
    return supported(translation.get_language())


@contextmanager
def override(language: str) -> Iterator[None]:
    """Render (an email, say) in `language`, with its links to that language's pages."""
    with translation.override(activation_code(language)):
        yield


def alternates(request: HttpRequest) -> list[dict[str, str]]:
    """The page in each language: code, name and address; empty for a page in one language only."""
    # Every page shows the switcher, and translating an address resolves it and reverses it again
    # in each language: each process remembers the answer for the paths it was last asked about,
    # and adds the query string (which translating keeps as it is) afterwards.
    path, mark, query = request.get_full_path().partition("?")
    key = (translation.get_language(), get_urlconf(), path)
    pages = known_alternates.get(key)
    if pages is None:
        if len(known_alternates) >= ALTERNATES_MAX:
            known_alternates.clear()
        pages = known_alternates[key] = addresses_in_each_language(path, request.resolver_match)
    return [page | {"url": page["url"] + mark + query} for page in pages]


ALTERNATES_MAX = 1000
known_alternates: dict[tuple[str | None, str | None, str], list[dict[str, str]]] = {}


def addresses_in_each_language(here: str, match: ResolverMatch | None = None) -> list[dict[str, str]]:
    pages = [
        {"code": code, "name": name, "url": address_in(here, activation_code(code), match)}
        for code, name in settings.LANGUAGES
    ]
    return pages if len({page["url"] for page in pages}) == len(pages) else []


def address_in(here: str, language: str, match: ResolverMatch | None) -> str:
    """`here` in `language`, as translate_url() gives it, from the match the request already made
    if there is one (a page with a token in its address, such as a confirmation link, is never
    remembered: resolving it again for each language was most of the switcher's cost)."""
    if match is None:
        return translate_url(here, language)
    name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
    with translation.override(language):
        try:
            return reverse(name, args=match.args, kwargs=match.kwargs)
        except NoReverseMatch:
            return here
