"""oEmbed (https://oembed.com): the endpoint at /oembed and discovery on statement pages."""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from consult.models import Statement
from tests.factories import StatementFactory

OEMBED = "/oembed"


def page_url(settings, statement: Statement) -> str:
    return f"{settings.SITE_URL}/statements/{statement.slug}/"


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.found.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(html)
    return parser.found


def test_rich_response_with_every_required_field(client, statement, settings):
    response = client.get(OEMBED, {"url": page_url(settings, statement), "format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["type"] == "rich"
    assert body["version"] == "1.0"
    assert body["title"] == statement.title
    assert body["provider_name"] == "Consult"
    assert body["provider_url"] == settings.SITE_URL + "/"
    assert isinstance(body["cache_age"], int) and body["cache_age"] > 0
    assert (body["width"], body["height"]) == (400, 180)
    [(tag, attributes)] = tags(body["html"])
    assert tag == "iframe"
    assert attributes["src"] == f"{settings.SITE_URL}/embed/statements/{statement.slug}/"
    assert (attributes["width"], attributes["height"]) == ("400", "180")
    assert attributes["title"]


def test_format_defaults_to_json(client, statement, settings):
    assert client.get(OEMBED, {"url": page_url(settings, statement)}).json()["type"] == "rich"


def test_the_path_has_no_trailing_slash_and_no_redirect(client, statement, settings):
    response = client.get(f"{OEMBED}?url={page_url(settings, statement)}&format=json")
    assert response.status_code == 200


def test_a_page_url_with_query_or_fragment_still_embeds(client, statement, settings):
    url = page_url(settings, statement) + "?utm_source=x#sign"
    assert client.get(OEMBED, {"url": url}).status_code == 200


@pytest.mark.parametrize(
    ("maxwidth", "maxheight", "width", "height", "compact"),
    [
        ("300", None, 300, 180, False),
        (None, "120", 400, 120, True),
        ("250", "96", 250, 96, True),
        ("2000", "2000", 400, 180, False),
        ("0", "-5", 400, 180, False),
        ("abc", "1e3", 400, 180, False),
        ("9" * 500, "\x00", 400, 180, False),
        ("\u0661\u0662", "\u202e", 400, 180, False),
    ],
)
def test_maxwidth_and_maxheight_are_honoured_and_garbage_ignored(
    client, statement, settings, maxwidth, maxheight, width, height, compact
):
    query = {"url": page_url(settings, statement), "format": "json"}
    query.update({key: value for key, value in [("maxwidth", maxwidth), ("maxheight", maxheight)] if value})
    body = client.get(OEMBED, query).json()
    assert (body["width"], body["height"]) == (width, height)
    [(_tag, attributes)] = tags(body["html"])
    assert (attributes["width"], attributes["height"]) == (str(width), str(height))
    assert ("size=compact" in attributes["src"]) is compact


def test_unsupported_format_is_501(client, statement, settings):
    for format_ in ["xml", "XML", "", "json\x00", "<script>"]:
        response = client.get(OEMBED, {"url": page_url(settings, statement), "format": format_})
        assert response.status_code == 501, format_
        assert b"<script" not in response.content


def test_missing_url_is_400(client, db):
    assert client.get(OEMBED).status_code == 400
    assert client.get(OEMBED, {"url": ""}).status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/statements/{slug}/",
        "http://127.0.0.1:8000.evil.example/statements/{slug}/",
        "ftp://127.0.0.1:8000/statements/{slug}/",
        "{site}/statements/no-such-statement/",
        "{site}/consultations/{slug}/",
        "{site}/embed/statements/{slug}/",
        "{site}/",
        "/statements/{slug}/",
        "javascript:alert(1)",
        "http://[::1",
        "{site}/statements/\x00/",
        "{site}/statements/\u202e/",
        "{site}/" + "a" * 5000,
        "not a url",
    ],
)
def test_urls_that_are_not_a_statement_page_of_this_site_are_404(client, statement, settings, url):
    response = client.get(OEMBED, {"url": url.format(site=settings.SITE_URL, slug=statement.slug)})
    assert response.status_code == 404
    assert "detail" in response.json()


def test_unpublished_statements_are_404(client, consultation, settings):
    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    assert client.get(OEMBED, {"url": page_url(settings, proposed)}).status_code == 404


def test_closed_statements_still_embed(client, consultation, settings):
    closed = StatementFactory(consultation=consultation, status=Statement.Status.CLOSED)
    assert client.get(OEMBED, {"url": page_url(settings, closed)}).status_code == 200


def test_a_hostile_title_is_escaped_in_the_iframe_html(client, consultation, settings):
    statement = StatementFactory(consultation=consultation, title='"><script>alert(1)</script>')
    body = client.get(OEMBED, {"url": page_url(settings, statement)}).json()
    assert "<script" not in body["html"]
    assert body["title"] == statement.title  # JSON text, not HTML: the consumer escapes it


def test_oembed_is_cacheable_and_cookie_free(client, statement, settings, user):
    client.force_login(user)
    response = client.get(OEMBED, {"url": page_url(settings, statement)})
    assert response["Cache-Control"].startswith("public, max-age=")
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")
    assert "Access-Control-Allow-Origin" not in response
    etag = response["ETag"]
    assert (
        client.get(OEMBED, {"url": page_url(settings, statement)}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    )


def test_oembed_is_read_only(client, statement, settings):
    assert client.post(OEMBED, {"url": page_url(settings, statement)}).status_code == 405


def test_statement_page_advertises_its_oembed_endpoint(client, statement, settings):
    content = client.get(statement.get_absolute_url()).content.decode()
    [link] = [
        attributes
        for tag, attributes in tags(content)
        if tag == "link" and attributes.get("type") == "application/json+oembed"
    ]
    assert link["rel"] == "alternate"
    href = urlsplit(link["href"])
    assert f"{href.scheme}://{href.netloc}" == settings.SITE_URL
    assert href.path == "/oembed"
    assert parse_qs(href.query) == {"url": [page_url(settings, statement)], "format": ["json"]}
    discovered = client.get(f"{href.path}?{href.query}")
    assert discovered.status_code == 200
    assert discovered.json()["type"] == "rich"
