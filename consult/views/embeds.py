"""What other sites embed: the widget (an iframe), the SVG badge, embed.js and oEmbed.

Like the API, these views never touch the session, the user or the CSRF token, and render
their templates without the request, so no cookie is ever set and one cached copy serves all.
Only the widget (and its "not found" page) may be framed, by any site; every other page keeps
the site's framing ban.

Their addresses carry no language prefix (config/urls.py): `?lang=cy` asks for Welsh, and any
other value, or none, gives the English, so the English addresses and responses stay as they were.
"""

import json
from collections.abc import Callable
from functools import cache, lru_cache, wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from csp.constants import NONE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotFound, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language_from_path, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from consult import languages
from consult.embeds import statement_document
from consult.links import absolute
from consult.models import StatementSlug
from consult.models.languages import WELSH
from consult.views import former_slugs
from consult.views.former_slugs import follow_former_slug
from consult.views.headers import open_cors, public_cache
from consult.views.pages import get_public_statement

THEMES = {"light", "dark"}
# The widget's size in an iframe, regular and compact, in CSS pixels.
WIDGET_SIZE = {"regular": (400, 180), "compact": (400, 96)}
# oEmbed consumers may keep the iframe HTML this long: the counts refresh inside the iframe.
OEMBED_CACHE_AGE = 86400

View = Callable[..., HttpResponse]


def embed_language(request: HttpRequest) -> str:
    """ "cy" when the embed was asked for in Welsh (`?lang=cy`), else "en": nothing else is read."""
    return WELSH if request.GET.get("lang") == WELSH else "en"


def get_document_or_404(slug: str, language: str = "en") -> dict:
    document = statement_document(slug, language)
    if document is None:
        raise Http404("No public statement has this slug.")
    return document


def widget_url(slug: str, compact: bool = False, language: str = "en") -> str:
    url = absolute(reverse("embed_widget", args=[slug]))
    query: dict[str, str] = {}
    if compact:
        query["size"] = "compact"
    if language == WELSH:
        query["lang"] = WELSH
    return url + "?" + urlencode(query) if query else url


def iframe_html(document: dict, width: int, height: int, compact: bool = False, language: str = "en") -> str:
    with languages.override(language):
        return render_to_string(
            "consult/embed/iframe.html",
            {
                "document": document,
                "src": widget_url(document["slug"], compact, language),
                "width": width,
                "height": height,
            },
        ).strip()


def signatures_label(total: int) -> str:
    return ngettext("%(count)s signature", "%(count)s signatures", total) % {"count": f"{total:,}"}


def embeddable(response: HttpResponse) -> HttpResponse:
    # Pages with COEP: require-corp may load these from another origin.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


# Rendering is most of a widget's or badge's cost, and under a flood thousands of requests a
# second render the same few documents: each process keeps the latest renderings, keyed by
# everything they depend on (the document itself included), so they are never stale.
@lru_cache(maxsize=512)
def render_widget(document_json: str, theme: str, compact: bool, language: str) -> str:
    document = json.loads(document_json)
    with languages.override(language):
        context = {
            "document": document,
            "theme": theme,
            "compact": compact,
            "label": signatures_label(document["signatures"]),
        }
        return render_to_string("consult/embed/widget.html", context)


@lru_cache(maxsize=512)
def render_badge(total: int, language: str) -> str:
    with languages.override(language):
        return badge_svg(total)


def badge_svg(total: int) -> str:
    count = f"{total:,}"
    label = ngettext("signature", "signatures", total)
    # Verdana at 11px is about 7px a character; 10px padding each side.
    label_width, count_width = 7 * len(label) + 10, 7 * len(count) + 10
    context = {
        "title": signatures_label(total),
        "label": label,
        "count": count,
        # Numbers as strings: the template would localise a float's decimal point.
        "label_width": str(label_width),
        "count_width": str(count_width),
        "width": str(label_width + count_width),
        "label_x": f"{label_width / 2:g}",
        "count_x": f"{label_width + count_width / 2:g}",
    }
    return render_to_string("consult/embed/badge.svg", context)


def framable_not_found(view: View) -> View:
    """Answer an unknown statement with a small "not found" page that an iframe can show.

    Site pages (the 404 page among them) refuse to be framed, so a mistyped address in another
    site's iframe would otherwise show the browser's own "refused to connect".
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except Http404:
            with languages.override(embed_language(request)):
                html = render_to_string("consult/embed/not_found.html", {"home": absolute(reverse("home"))})
            return embeddable(HttpResponseNotFound(html))

    return wrapped


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"], "script-src": [NONE], "form-action": [NONE]})
@require_safe
@public_cache()
@framable_not_found
@follow_former_slug
def widget(request: HttpRequest, slug: str) -> HttpResponse:
    language = embed_language(request)
    document = get_document_or_404(slug, language)
    theme = request.GET.get("theme", "light")
    html = render_widget(
        # Without the corrections (texts the widget never shows), so the key stays small.
        json.dumps({key: value for key, value in document.items() if key != "corrections"}),
        theme if theme in THEMES else "light",
        request.GET.get("size") == "compact",
        language,
    )
    return embeddable(HttpResponse(html))


@require_safe
@public_cache()
@follow_former_slug
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    language = embed_language(request)
    svg = render_badge(get_document_or_404(slug, language)["signatures"], language)
    return embeddable(HttpResponse(svg, content_type="image/svg+xml; charset=utf-8"))


@cache
def embed_script_source() -> bytes:
    with open(finders.find("js/embed.js"), "rb") as source:
        return source.read()


@require_safe
@open_cors
@public_cache(max_age=3600)
def embed_script(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(embed_script_source(), content_type="text/javascript; charset=utf-8")
    return embeddable(response)


def statement_slug_from_url(url: str) -> str | None:
    """The slug of the statement page this URL names on this site, or None."""
    try:
        parts = urlsplit(url.strip())
        site = urlsplit(settings.SITE_URL)
        path = parts.path or "/"
        # A Welsh page's address (/cy/…) resolves only with Welsh active.
        with languages.override(get_language_from_path(path) or settings.LANGUAGE_CODE):
            match = resolve(path)
    except (ValueError, Resolver404):
        return None
    same_site = parts.scheme in {"http", "https"} and parts.netloc.lower() == site.netloc.lower()
    if not same_site or match.url_name != "statement_detail":
        return None
    return match.kwargs["slug"]


def statement_page_url(url: str, slug: str) -> str:
    """The address of statement `slug`'s page in the language of the page `url` names."""
    path = urlsplit(url.strip()).path or "/"
    with languages.override(get_language_from_path(path) or settings.LANGUAGE_CODE):
        return absolute(reverse("statement_detail", args=[slug]))


def bounded(value: str | None, default: int) -> int:
    """A maxwidth or maxheight: the default unless a smaller positive integer (ASCII digits) is asked."""
    if not value or not (value.isascii() and value.isdigit() and len(value) <= 9):
        return default
    return min(default, int(value)) if int(value) > 0 else default


def page_language(url: str) -> str:
    """ "cy" for the address of a Welsh page (under /cy/), else "en"."""
    path = urlsplit(url.strip()).path or "/"
    return WELSH if get_language_from_path(path) == WELSH else "en"


@require_safe
@public_cache(max_age=300)
def oembed(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format", "json") != "json":
        return JsonResponse({"detail": _("Only the json format is supported.")}, status=501)
    if not request.GET.get("url"):
        return JsonResponse({"detail": _("The url parameter is required.")}, status=400)
    slug = statement_slug_from_url(request.GET["url"])
    # A Welsh page's address, or lang=cy, gives the Welsh widget (a found slug means a sound URL).
    language = embed_language(request)
    if slug and language != WELSH:
        language = page_language(request.GET["url"])
    document = statement_document(slug, language) if slug else None
    if document is None:
        current = StatementSlug.current(slug) if slug else None
        if current is not None:  # A statement's former address: ask again with its address now.
            query = request.GET.copy()
            query["url"] = statement_page_url(request.GET["url"], current)
            return former_slugs.redirect(reverse("oembed") + "?" + query.urlencode())
        return JsonResponse({"detail": _("This URL is not a statement on this site.")}, status=404)
    width = bounded(request.GET.get("maxwidth"), WIDGET_SIZE["regular"][0])
    regular_height = WIDGET_SIZE["regular"][1]
    height = bounded(request.GET.get("maxheight"), regular_height)
    compact = height < regular_height
    return JsonResponse(
        {
            "type": "rich",
            "version": "1.0",
            "title": document["title"],
            "provider_name": "Consult",
            "provider_url": absolute("/"),
            "cache_age": OEMBED_CACHE_AGE,
            "html": iframe_html(document, width, height, compact, language),
            "width": width,
            "height": height,
        }
    )


def previews(slug: str, language: str) -> list[dict]:
    """The embed page's live previews, one per variant (same-origin, whatever SITE_URL says)."""
    src = reverse("embed_widget", args=[slug])
    regular, compact = WIDGET_SIZE["regular"], WIDGET_SIZE["compact"]
    variants = [
        (_("Light"), {}, regular),
        (_("Dark"), {"theme": "dark"}, regular),
        (_("Compact"), {"size": "compact"}, compact),
    ]
    if language != WELSH:
        variants.append((_("Welsh"), {"lang": WELSH}, regular))
    lang = {"lang": WELSH} if language == WELSH else {}
    return [
        {
            "name": name,
            "src": src + ("?" + urlencode(query | lang) if query | lang else ""),
            "width": size[0],
            "height": size[1],
        }
        for name, query, size in variants
    ]


def welsh_embed_page(slug: str) -> str:
    with languages.override(WELSH):
        return reverse("statement_embed", args=[slug])


@require_safe
@follow_former_slug
def statement_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The "Embed this statement" page: a snippet for each method and a live preview of each variant.

    On the Welsh page every snippet asks for the Welsh embeds.
    """
    statement = get_public_statement(slug)
    language = languages.current()
    document = get_document_or_404(slug, language)
    width, height = WIDGET_SIZE["regular"]
    compact_width, compact_height = WIDGET_SIZE["compact"]
    context = {
        "statement": statement,
        "document": document,
        "embed_language": language if language == WELSH else "",
        "iframe": iframe_html(document, width, height, language=language),
        "iframe_compact": iframe_html(document, compact_width, compact_height, True, language),
        "script_src": absolute(reverse("embed_script")),
        "oembed_url": absolute(reverse("oembed"))
        + "?"
        + urlencode({"url": document["url"], "format": "json"}),
        "previews": previews(slug, language),
        "badge_label": signatures_label(document["signatures"]),
        "welsh_page": welsh_embed_page(slug) if language != WELSH else "",
    }
    return render(request, "consult/statement_embed.html", context)
