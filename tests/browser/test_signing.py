"""Signing in a real browser: sign, open the link from the email, confirm, see the count rise.

The mail goes to Django's in-memory outbox (the live server runs in this process and Celery
runs the email task eagerly), so the test reads the link a signer would click.
"""

import re

import pytest
from django.conf import settings
from django.core import mail

from consult.models import Signature
from tests.conftest import forget_shared_pages
from tests.factories import StatementFactory

pytestmark = pytest.mark.browser

CONFIRM_LINK = re.compile(r"https?://\S+/signatures/confirm/[\w-]+/")
# A person takes about this long to fill the form (the time is recorded, never held against them).
HUMAN_PAUSE_MS = 2200


@pytest.fixture
def statement(transactional_db):
    return StatementFactory(title="Pause live facial recognition")


def confirm_path() -> str:
    [link] = CONFIRM_LINK.findall(mail.outbox[-1].body)
    return link[len(settings.SITE_URL) :]


def count_on(page, url: str) -> str:
    page.goto(url)
    return page.locator(".count-panel__total strong").inner_text()


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has the focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_sign_confirm_from_the_email_and_see_the_count_rise(page, live_server, statement):
    statement_url = live_server.url + statement.get_absolute_url()
    assert count_on(page, statement_url) == "0"
    with page.expect_navigation():
        page.get_by_role("link", name="Sign this statement").click()
    page.get_by_label("Full name").fill("Jo Bloggs")
    page.get_by_label("Email address").fill("jo@example.org")
    page.get_by_label("Show my name in the public list of signatories").check()
    page.wait_for_timeout(HUMAN_PAUSE_MS)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign", exact=True).click()
    assert page.locator("h1").inner_text() == "Check your email"
    page.goto(live_server.url + confirm_path())
    assert Signature.objects.get().state == Signature.State.PENDING  # Opening the link confirms nothing.
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm my signature").click()
    assert page.locator("h1").inner_text() == "Thank you for signing"
    assert page.locator("[data-count=total]").inner_text() == "1"
    # Readers share one copy of the page for PAGE_CACHE_SECONDS; once it has passed, all is new.
    forget_shared_pages()
    assert count_on(page, statement_url) == "1"
    assert "Jo Bloggs" in page.locator(".signatory-list").inner_text()


def test_the_whole_path_works_with_the_keyboard_alone(page, live_server, statement):
    page.goto(live_server.url + statement.get_absolute_url())
    tab_to(page, "a[href$='/sign/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_name")
    page.keyboard.type("Jo Bloggs")
    tab_to(page, "#id_email")
    page.keyboard.type("jo@example.org")
    tab_to(page, "#id_wants_updates")
    page.keyboard.press("Space")
    page.wait_for_timeout(HUMAN_PAUSE_MS)
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Check your email"
    page.goto(live_server.url + confirm_path())
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation(url="**/thanks/"):
        page.keyboard.press("Enter")
    assert page.locator("[data-count=total]").inner_text() == "1"
    signature = Signature.objects.get()
    assert signature.wants_updates and signature.state == Signature.State.CONFIRMED
    assert signature.hold == Signature.Hold.NONE
    # The manage link on the thank-you page withdraws, still by keyboard.
    tab_to(page, "a[href*='/signatures/']:not([href*='thanks'])")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "form[action$='/withdraw/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    signature.refresh_from_db()
    assert signature.state == Signature.State.WITHDRAWN
    assert statement.counts().total == 0


PHONE = {"width": 320, "height": 640}
ERROR_TITLE = {"en": "Error: ", "cy": "Gwall: "}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_on_a_phone_an_empty_form_comes_back_with_its_errors_focused_then_signs(
    page, live_server, statement, language
):
    """From the statement page to "check your email" at 320 px, through the errors, in each language."""
    prefix = "/cy" if language == "cy" else ""
    page.set_viewport_size(PHONE)
    page.goto(live_server.url + prefix + statement.get_absolute_url())
    sign_link = page.locator(f"a[href='{prefix}{statement.get_absolute_url()}sign/']")
    assert sign_link.bounding_box()["y"] < PHONE["height"]  # In sight without scrolling.
    with page.expect_navigation():
        sign_link.click()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.title().startswith(ERROR_TITLE[language])
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    summary = page.locator(".error-summary").bounding_box()
    assert summary["y"] < PHONE["height"] and summary["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator("#id_name").fill("Rhian Jones")
    page.locator("#id_email").fill("rhian@example.org")
    page.wait_for_timeout(HUMAN_PAUSE_MS)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(prefix + statement.get_absolute_url() + "sign/check-email/")
    assert page.locator(".signed-as").inner_text() == "rhian@example.org"
    assert not page.title().startswith(ERROR_TITLE[language])
    signature = Signature.objects.get()
    assert signature.language == language and signature.hold == Signature.Hold.NONE
