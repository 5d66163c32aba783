"""The widget, the badge, embed.js and the "Embed this statement" page."""

import re
import xml.etree.ElementTree as ElementTree
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.urls import reverse

from consult.embeds import forget_local_documents
from consult.models import Statement
from consult.views.embeds import signatures_label
from tests.factories import SignatureFactory, StatementFactory

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    "<script>alert(1)</script>",
    "\x00",
    "\u202edark",
    "\u200b",
    "dark\x00",
    "9" * 5000,
    "javascript:x",
]


def widget(slug: str) -> str:
    return f"/embed/statements/{slug}/"


def badge(slug: str) -> str:
    return f"/embed/statements/{slug}/badge.svg"


def expire_cached_counts() -> None:
    """What a few seconds' wait does: the shared and the per-process copies of the counts expire."""
    cache.clear()
    forget_local_documents()


def confirmed(statement: Statement, number: int = 1) -> None:
    for _ in range(number):
        SignatureFactory(statement=statement).confirm()


class Links(HTMLParser):
    """Collects the attributes of every tag, by tag name."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, list[dict]] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.setdefault(tag, []).append(dict(attrs))


def parse(content: bytes) -> dict[str, list[dict]]:
    parser = Links()
    parser.feed(content.decode())
    return parser.tags


def csp_directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


# The widget


def test_widget_shows_title_count_progress_and_a_sign_link_to_a_new_tab(client, statement, settings):
    confirmed(statement, 3)
    response = client.get(widget(statement.slug))
    assert response.status_code == 200
    content = response.content.decode()
    assert statement.title in content
    assert "<strong>3</strong> signatures" in content
    tags = parse(response.content)
    assert tags["progress"] == [{"id": "goal", "max": "1000", "value": "3"}]
    sign = next(link for link in tags["a"] if "widget__sign" in link.get("class", ""))
    assert sign["href"].startswith(f"{settings.SITE_URL}/statements/{statement.slug}/")
    assert (sign["target"], sign["rel"]) == ("_blank", "noopener")


def test_widget_is_a_standalone_page_without_script_or_site_chrome(client, statement):
    content = client.get(widget(statement.slug)).content.decode()
    assert "<script" not in content
    assert "csrfmiddlewaretoken" not in content
    assert "site-header" not in content and "Log in" not in content


def test_widget_with_its_css_is_under_10_kb(client, statement):
    response = client.get(widget(statement.slug))
    stylesheets = [
        link["href"] for link in parse(response.content)["link"] if link.get("rel") == "stylesheet"
    ]
    assert stylesheets == ["/static/css/embed.css"]
    assert "<img" not in response.content.decode()
    with open(finders.find("css/embed.css"), "rb") as css:
        total = len(response.content) + len(css.read())
    assert total < 10 * 1024


@pytest.mark.parametrize(("query", "classes"), [
    ({}, "widget widget--light"),
    ({"theme": "dark"}, "widget widget--dark"),
    ({"theme": "light", "size": "compact"}, "widget widget--light widget--compact"),
    ({"theme": "dark", "size": "compact"}, "widget widget--dark widget--compact"),
])  # fmt: skip
def test_widget_themes_and_compact_size(client, statement, query, classes):
    tags = parse(client.get(widget(statement.slug), query).content)
    assert tags["body"][0]["class"] == classes


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_theme_and_size_fall_back_to_defaults_unreflected(client, statement, value):
    response = client.get(widget(statement.slug), {"theme": value, "size": value})
    assert response.status_code == 200
    assert parse(response.content)["body"][0]["class"] == "widget widget--light"
    assert value not in response.content.decode()


def test_closed_statement_widget_has_no_sign_link(client, consultation):
    closed = StatementFactory(consultation=consultation, status=Statement.Status.CLOSED)
    content = client.get(widget(closed.slug)).content.decode()
    assert "widget__sign" not in content
    assert "Closed" in content


def test_widget_escapes_a_hostile_title(client, consultation):
    statement = StatementFactory(consultation=consultation, title='<img src=x onerror="alert(1)">\u202e')
    content = client.get(widget(statement.slug)).content.decode()
    assert "<img" not in content
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in content


def test_widget_for_unknown_or_unpublished_statements_is_404(client, consultation):
    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    for slug in ["missing", proposed.slug]:
        assert client.get(widget(slug)).status_code == 404
        assert client.get(badge(slug)).status_code == 404


def test_widget_may_be_framed_by_any_site(client, statement):
    response = client.get(widget(statement.slug))
    assert "X-Frame-Options" not in response
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == "frame-ancestors *"
    assert directives["script-src"] == "script-src 'none'"


def test_every_other_page_still_refuses_framing(client, statement):
    for path in [statement.get_absolute_url(), reverse("statement_embed", args=[statement.slug]), "/api/"]:
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", path
        assert csp_directives(response)["frame-ancestors"] == "frame-ancestors 'none'", path


def test_a_revalidated_widget_stays_framable(client, statement):
    etag = client.get(widget(statement.slug))["ETag"]
    response = client.get(widget(statement.slug), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    # A 304 updates the headers a browser stored; it must not bring back the framing ban.
    assert "X-Frame-Options" not in response


@pytest.mark.parametrize("path", ["widget", "badge", "script"])
def test_embeds_are_cacheable_cookie_free_and_have_no_cors_header_outside_the_script(
    client, statement, user, path
):
    url = {"widget": widget(statement.slug), "badge": badge(statement.slug), "script": "/embed.js"}[path]
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public, max-age=")
    assert "stale-if-error=" in response["Cache-Control"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', response["ETag"])
    assert client.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert response["Cross-Origin-Resource-Policy"] == "cross-origin"
    if path != "script":
        assert "Access-Control-Allow-Origin" not in response


def test_widget_count_follows_confirmations_after_the_cache_expires(client, statement):
    confirmed(statement)
    assert "<strong>1</strong> signature<" in client.get(widget(statement.slug)).content.decode()
    confirmed(statement)
    expire_cached_counts()
    assert "<strong>2</strong> signatures" in client.get(widget(statement.slug)).content.decode()


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_embeds_are_read_only(client, statement, method):
    for url in [widget(statement.slug), badge(statement.slug), "/embed.js"]:
        assert getattr(client, method)(url).status_code == 405


def test_widget_reads_no_signature_rows(client, statement, django_assert_max_num_queries):
    confirmed(statement, 2)
    with django_assert_max_num_queries(2) as captured:
        client.get(widget(statement.slug))
        client.get(badge(statement.slug))
    assert not any('"consult_signature"' in query["sql"] for query in captured.captured_queries)


# The badge


def test_badge_is_valid_accessible_svg(client, statement):
    confirmed(statement, 2)
    response = client.get(badge(statement.slug))
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert len(response.content) < 2048
    root = ElementTree.fromstring(response.content)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "2 signatures"
    assert root.find(f"{SVG}title").text == "2 signatures"
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert texts == ["signatures", "2"]
    assert float(root.get("width")) > 0


def test_badge_says_signature_in_the_singular_for_one(client, statement):
    confirmed(statement)
    root = ElementTree.fromstring(client.get(badge(statement.slug)).content)
    assert root.find(f"{SVG}title").text == "1 signature"


def test_counts_are_written_with_thousands_separators():
    assert signatures_label(1234) == "1,234 signatures"
    assert signatures_label(1_000_000) == "1,000,000 signatures"


def test_badge_ignores_query_parameters(client, statement):
    response = client.get(badge(statement.slug), {"label": "<script>", "x": "\x00"})
    assert response.status_code == 200
    assert b"<script" not in response.content
    ElementTree.fromstring(response.content)


# embed.js


def test_embed_script_is_small_javascript_that_any_site_may_load(client, db):
    response = client.get("/embed.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert len(response.content) < 5 * 1024
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "max-age=3600" in response["Cache-Control"]
    source = response.content.decode()
    assert 'credentials: "omit"' in source
    assert "visibilitychange" in source
    assert "/api/v1/statements/" in source


def test_embed_script_path_is_exact(client, db):
    assert client.get("/embed.js/").status_code == 404


# The "Embed this statement" page


def test_embed_page_offers_a_snippet_for_each_method_and_a_live_preview(client, statement, settings):
    response = client.get(reverse("statement_embed", args=[statement.slug]))
    assert response.status_code == 200
    content = response.content.decode()
    widget_url = f"{settings.SITE_URL}/embed/statements/{statement.slug}/"
    # The preview is same-origin whatever SITE_URL says; the snippets use SITE_URL.
    assert parse(response.content)["iframe"][0]["src"] == f"/embed/statements/{statement.slug}/"
    assert f"&lt;iframe src=&quot;{widget_url}&quot;" in content
    assert f"{widget_url}?size=compact" in content
    assert f'&lt;script async src="{settings.SITE_URL}/embed.js" data-statement="{statement.slug}"' in content
    assert f'data-consult-statement="{statement.slug}"' in content
    assert f"{widget_url}badge.svg" in content
    assert "/oembed?url=" in content
    assert not response.cookies


def test_embed_page_of_an_unpublished_statement_is_404(client, consultation):
    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    assert client.get(reverse("statement_embed", args=[proposed.slug])).status_code == 404


def test_embed_page_is_read_only(client, statement):
    assert client.post(reverse("statement_embed", args=[statement.slug])).status_code == 405


def test_statement_page_links_to_its_embed_page(client, statement):
    content = client.get(statement.get_absolute_url()).content.decode()
    assert reverse("statement_embed", args=[statement.slug]) in content
