"""Switching language in a real browser, with the keyboard alone, and reading the page in Welsh."""

import pytest
from django.core.management import call_command

from consult import demo as demo_content
from tests.browser.test_signing import tab_to

pytestmark = pytest.mark.browser

# A reading page (no form), so that no cookie is expected at all.
CONSULTATION = "/consultations/police-facial-recognition/"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo")


def test_the_keyboard_reaches_the_switcher_and_follows_it_to_welsh_and_back(page, live_server, demo):
    page.goto(live_server.url + CONSULTATION)
    tab_to(page, 'a[hreflang="cy"]')
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + "/cy" + CONSULTATION)
    assert page.evaluate("document.documentElement.lang") == "cy"
    assert page.locator(".skip-link").text_content().strip() == "Neidio i'r prif gynnwys"
    assert page.locator("h1").text_content().strip() == demo_content.CONSULTATION["title_cy"]
    assert page.context.cookies() == []  # Choosing a language set no cookie.
    tab_to(page, 'a[hreflang="en"]')
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + CONSULTATION)
    assert page.evaluate("document.documentElement.lang") == "en-gb"
