"""What other sites embed: the widget (an iframe), the SVG badge, embed.js and oEmbed.

Like the API, these views never touch the session, the user or the CSRF token, and render
their templates without the request, so no cookie is ever set and one cached copy serves all.
Only the widget may be framed, by any site; every other page keeps the site's framing ban.
"""

import json
from functools import cache, lru_cache
from urllib.parse import urlencode, urlsplit

from csp.constants import NONE
from csp.decorators import csp_replace
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language, get_language_from_path, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from consult import languages
from consult.emails import absolute
from consult.embeds import statement_document
from consult.models import StatementSlug
from consult.views import former_slugs
from consult.views.former_slugs import follow_former_slug
from consult.views.headers import open_cors, public_cache
from consult.views.pages import get_public_statement

THEMES = {"light", "dark"}
# The widget's size in an iframe, regular and compact, in CSS pixels.
WIDGET_SIZE = {"regular": (400, 180), "compact": (400, 96)}
# oEmbed consumers may keep the iframe HTML this long: the counts refresh inside the iframe.
OEMBED_CACHE_AGE = 86400


def get_document_or_404(slug: str) -> dict:
    document = statement_document(slug)
    if document is None:
        raise Http404("No public statement has this slug.")
    return document


def widget_url(slug: str, compact: bool = False) -> str:
    url = absolute(reverse("embed_widget", args=[slug]))
    return url + "?size=compact" if compact else url


def iframe_html(document: dict, width: int, height: int, compact: bool = False) -> str:
    return render_to_string(
        "consult/embed/iframe.html",
        {
            "document": document,
            "src": widget_url(document["slug"], compact),
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
    context = {
        "document": document,
        "theme": theme,
        "compact": compact,
        "label": signatures_label(document["signatures"]),
    }
    return render_to_string("consult/embed/widget.html", context)


@lru_cache(maxsize=512)
def render_badge(total: int, language: str) -> str:
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


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"], "script-src": [NONE], "form-action": [NONE]})
@require_safe
@public_cache()
@follow_former_slug
def widget(request: HttpRequest, slug: str) -> HttpResponse:
    document = get_document_or_404(slug)
    theme = request.GET.get("theme", "light")
    html = render_widget(
        # Without the corrections (texts the widget never shows), so the key stays small.
        json.dumps({key: value for key, value in document.items() if key != "corrections"}),
        theme if theme in THEMES else "light",
        request.GET.get("size") == "compact",
        get_language(),
    )
    return embeddable(HttpResponse(html))


@require_safe
@public_cache()
@follow_former_slug
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    svg = render_badge(get_document_or_404(slug)["signatures"], get_language())
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


@require_safe
@public_cache(max_age=300)
def oembed(request: HttpRequest) -> HttpResponse:
    if request.GET.get("format", "json") != "json":
        return JsonResponse({"detail": _("Only the json format is supported.")}, status=501)
    if not request.GET.get("url"):
        return JsonResponse({"detail": _("The url parameter is required.")}, status=400)
    slug = statement_slug_from_url(request.GET["url"])
    document = statement_document(slug) if slug else None
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
            "provider_url": settings.SITE_URL + "/",
            "cache_age": OEMBED_CACHE_AGE,
            "html": iframe_html(document, width, height, compact),
            "width": width,
            "height": height,
        }
    )


@require_safe
@follow_former_slug
def statement_embed(request: HttpRequest, slug: str) -> HttpResponse:
    """The "Embed this statement" page: a snippet for each method and a live preview."""
    statement = get_public_statement(slug)
    document = get_document_or_404(slug)
    width, height = WIDGET_SIZE["regular"]
    compact_width, compact_height = WIDGET_SIZE["compact"]
    context = {
        "statement": statement,
        "document": document,
        "iframe": iframe_html(document, width, height),
        "iframe_compact": iframe_html(document, compact_width, compact_height, compact=True),
        "script_src": absolute(reverse("embed_script")),
        "oembed_url": absolute(reverse("oembed"))
        + "?"
        + urlencode({"url": document["url"], "format": "json"}),
        "preview_src": reverse("embed_widget", args=[slug]),
        "width": width,
        "height": height,
    }
    return render(request, "consult/statement_embed.html", context)
