"""Embeds on another site: a page on a different origin shows the widget, the script and the badge."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from consult.embeds import forget_local_documents
from tests.factories import ConsultationFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.browser

HOST_PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>A newspaper</title></head>
<body>
<h1>Today's news</h1>
<iframe id="widget" src="{site}/embed/statements/{slug}/" width="400" height="180"
  title="Signatures"></iframe>
<p id="script-count"><script async src="{site}/embed.js" data-statement="{slug}" data-refresh="1">
</script></p>
<p><span id="span-count" data-consult-statement="{slug}"></span> people have signed.</p>
<img id="badge" src="{site}/embed/statements/{slug}/badge.svg" alt="Signatures">
</body></html>
"""


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args) -> None:
        pass


@pytest.fixture
def other_origin(tmp_path):
    """A static web server on another local port: the "other site" that embeds the count."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.directory = tmp_path
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def expire_cached_counts() -> None:
    """What a few seconds' wait does: the shared and the per-process copies of the counts expire."""
    cache.clear()
    forget_local_documents()


def confirmed(statement, number: int = 1) -> None:
    for _ in range(number):
        SignatureFactory(statement=statement).confirm()


def test_a_page_on_another_origin_shows_the_count_and_then_the_new_count(
    page, live_server, other_origin, transactional_db
):
    statement = StatementFactory(consultation=ConsultationFactory())
    confirmed(statement, 2)
    (other_origin.directory / "news.html").write_text(
        HOST_PAGE.format(site=live_server.url, slug=statement.slug)
    )
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    badges: list[str] = []
    page.on(
        "response", lambda response: badges.append(response.text()) if "badge.svg" in response.url else None
    )

    page.goto(other_origin.url + "/news.html")
    widget = page.frame_locator("#widget")
    expect(widget.locator(".widget__count strong")).to_have_text("2")
    expect(page.locator("#script-count a")).to_have_text("2 signatures")
    expect(page.locator("#span-count")).to_have_text("2")
    page.wait_for_function("document.getElementById('badge').naturalWidth > 0")
    assert "<title>2 signatures</title>" in badges[-1]

    confirmed(statement)
    expire_cached_counts()  # The site's own few-second cache; the browser's HTTP cache still applies.
    # embed.js refreshes by itself, once the browser's cached copy (max-age=10) has expired.
    expect(page.locator("#script-count a")).to_have_text("3 signatures", timeout=30_000)
    expect(page.locator("#span-count")).to_have_text("3", timeout=30_000)

    # The iframe and the badge have no script: a reader sees the new count on the next load.
    page.context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
    page.reload()
    expect(widget.locator(".widget__count strong")).to_have_text("3")
    page.wait_for_function("document.getElementById('badge').naturalWidth > 0")
    assert "<title>3 signatures</title>" in badges[-1]

    assert errors == []
    assert page.context.cookies() == []


def test_embed_page_previews_the_widget_without_policy_errors(page, live_server, transactional_db):
    statement = StatementFactory(consultation=ConsultationFactory())
    confirmed(statement)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server.url}/statements/{statement.slug}/embed/")
    # Light, dark, compact and Welsh, each a live widget.
    expect(page.locator(".embed-preview")).to_have_count(4)
    for index in range(4):
        page.locator(".embed-preview").nth(index).scroll_into_view_if_needed()
        preview = page.frame_locator(".embed-preview").nth(index)
        expect(preview.locator(".widget__count strong")).to_have_text("1")
    expect(page.locator("[data-copy=snippet-script]")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert errors == []


WELSH_HOST_PAGE = """<!DOCTYPE html>
<html lang="cy"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>Papur newydd</title></head>
<body>
<h1>Newyddion heddiw</h1>
<iframe id="widget" src="{site}/embed/statements/{slug}/?lang=cy" width="400" height="180"
  title="Llofnodion"></iframe>
<iframe id="missing" src="{site}/embed/statements/no-such-statement/" width="400" height="180"
  title="Llofnodion"></iframe>
<p id="script-count"><script async src="{site}/embed.js" data-statement="{slug}" data-lang="cy"></script></p>
</body></html>
"""


def test_a_welsh_page_on_another_origin_shows_welsh_embeds_and_a_framed_not_found(
    page, live_server, other_origin, transactional_db
):
    statement = StatementFactory(consultation=ConsultationFactory(), title_cy="Teitl Cymraeg")
    confirmed(statement, 2)
    (other_origin.directory / "newyddion.html").write_text(
        WELSH_HOST_PAGE.format(site=live_server.url, slug=statement.slug)
    )
    page.goto(other_origin.url + "/newyddion.html")
    widget = page.frame_locator("#widget")
    expect(widget.locator(".widget__title")).to_have_text("Teitl Cymraeg")
    expect(widget.locator(".widget__sign")).to_contain_text("Llofnodi")
    link = page.locator("#script-count a")
    expect(link).to_have_text("2 llofnod")
    assert f"/cy/statements/{statement.slug}/" in link.get_attribute("href")
    # Framable, so the reader sees why instead of the browser's "refused to connect".
    expect(page.frame_locator("#missing").locator("h1")).to_have_text("Statement not found")
    assert page.context.cookies() == []
