"""Reading the site in a real browser: nothing from other hosts, nothing the CSP blocks."""

from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo")


def visit(page, url: str) -> list[str]:
    """Open a page; return the console errors it produced (a CSP violation is one)."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    response = page.goto(url)
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    return errors


def test_reading_pages_request_nothing_from_other_hosts(page, live_server, demo):
    own_host = urlsplit(live_server.url).netloc
    paths = ["/", "/consultations/police-facial-recognition/", "/statements/pause-live-facial-recognition/"]
    paths += [f"/cy{path}" for path in paths]  # The same pages in Welsh.
    for path in paths:
        errors = visit(page, live_server.url + path)
        assert errors == [], path
        foreign = [url for url in page.requested_urls if urlsplit(url).netloc not in {own_host, ""}]
        assert foreign == [], path


def test_consultation_shows_both_sides_side_by_side_and_stacked_on_a_phone(page, live_server, demo):
    visit(page, live_server.url + "/consultations/police-facial-recognition/")
    for_box = page.locator(".side--for").bounding_box()
    against_box = page.locator(".side--against").bounding_box()
    assert for_box["y"] == against_box["y"] and for_box["x"] < against_box["x"]
    page.set_viewport_size({"width": 320, "height": 800})
    for_box = page.locator(".side--for").bounding_box()
    against_box = page.locator(".side--against").bounding_box()
    assert against_box["y"] > for_box["y"]
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_skip_link_is_the_first_thing_the_keyboard_reaches(page, live_server, demo):
    visit(page, live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
