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


def test_consultation_shows_both_sides_side_by_side_and_alternating_on_a_phone(page, live_server, demo):
    visit(page, live_server.url + "/consultations/police-facial-recognition/")
    first_for = page.locator(".argument--for").first.bounding_box()
    first_against = page.locator(".argument--against").first.bounding_box()
    assert first_for["y"] == first_against["y"] and first_for["x"] < first_against["x"]
    page.set_viewport_size({"width": 320, "height": 800})
    arguments = page.locator(".sides .argument")
    tops = [arguments.nth(index).bounding_box()["y"] for index in range(4)]
    sides = [arguments.nth(index).get_attribute("class").split("--")[-1] for index in range(4)]
    # One column, For and Against in turn: a reader scrolling meets both sides from the start.
    assert tops == sorted(tops) and sides == ["for", "against", "for", "against"]
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_skip_link_is_the_first_thing_the_keyboard_reaches(page, live_server, demo):
    visit(page, live_server.url + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
