"""Creating an account in a real browser, on a phone and a desktop, in English and Welsh: the form
comes back with its errors focused and named in the title, then the email's link confirms the
address and the person logs in and sees their own name.

The mail goes to Django's in-memory outbox (the live server runs in this process and Celery runs
the sign-up task eagerly), so the test reads the link a person would click.
"""

import re

import pytest
from django.conf import settings
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.browser

CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/[^\s/]+/")
SIZES = {"phone": {"width": 320, "height": 640}, "desktop": {"width": 1280, "height": 800}}
ERROR_TITLE = {"en": "Error: ", "cy": "Gwall: "}
WORDS = {
    "en": {
        "create": "Create an account",
        "log in": "Log in",
        "log out": "Log out",
        "check": "Check your email",
    },
    "cy": {
        "create": "Creu cyfrif",
        "log in": "Mewngofnodi",
        "log out": "Allgofnodi",
        "check": "Gwiriwch eich e-bost",
    },
}
PASSWORD = "a-long-test-password"


def assert_errors_focused(page, language: str, size: dict) -> None:
    """The page says it has errors in its title, and its summary has the focus, in sight."""
    assert page.title().startswith(ERROR_TITLE[language])
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    summary = page.locator(".error-summary").bounding_box()
    assert summary["y"] < size["height"] and summary["width"] <= size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]


def submit(page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("size", SIZES, ids=str)
def test_create_an_account_confirm_the_address_and_log_in(
    page, live_server, transactional_db, language, size
):
    prefix = "/cy" if language == "cy" else ""
    words = WORDS[language]
    viewport = SIZES[size]
    page.set_viewport_size(viewport)
    page.goto(live_server.url + prefix + "/")
    with page.expect_navigation():
        page.locator("header").get_by_role("link", name=words["create"]).click()
    assert page.locator("h1").inner_text() == words["create"]
    assert not page.title().startswith(ERROR_TITLE[language])
    assert page.locator("main [placeholder]").count() == 0

    page.locator("#id_email").fill("not an email")
    page.locator("#id_password1").fill("x")
    submit(page)
    assert_errors_focused(page, language, viewport)
    # The summary's links take the reader to the field to fix.
    page.locator(".error-summary a").first.click()
    assert page.evaluate("document.activeElement.id") == "id_email"

    page.locator("#id_display_name").fill("Rhian Jones")
    page.locator("#id_email").fill("rhian@example.org")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    submit(page)
    assert page.locator("h1").inner_text() == words["check"]
    assert not page.title().startswith(ERROR_TITLE[language])
    user = User.objects.get(email="rhian@example.org")
    assert user.display_name == "Rhian Jones"

    [link] = CONFIRM_LINK.findall(mail.outbox[-1].body)
    assert link.startswith(settings.SITE_URL + prefix + "/accounts/")
    page.goto(live_server.url + link[len(settings.SITE_URL) :])
    submit(page)
    assert user.emailaddress_set.get().verified

    page.goto(live_server.url + prefix + "/")
    with page.expect_navigation():
        page.locator("header").get_by_role("link", name=words["log in"]).click()
    page.locator("#id_login").fill("rhian@example.org")
    page.locator("#id_password").fill("not the password")
    submit(page)
    assert_errors_focused(page, language, viewport)
    page.locator("#id_password").fill(PASSWORD)
    submit(page)
    header = page.locator("header")
    assert header.locator(".nav-user").inner_text() == "Rhian Jones"
    assert header.get_by_role("link", name=words["log out"]).is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


@pytest.mark.parametrize("name", ["W" * 80, "Ｗ" * 80, "Ada " * 20, "\u202e<b>Ada</b>"])
def test_a_long_or_hostile_name_fits_a_phone_in_the_header(page, live_server, transactional_db, name):
    from accounts.forms import normalise_name
    from tests.factories import UserFactory

    person = UserFactory(display_name=normalise_name(name)[:80], verified=True)
    page.set_viewport_size(SIZES["phone"])
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_login").fill(person.email)
    page.locator("#id_password").fill(PASSWORD)
    submit(page)
    for path in ["/", "/accounts/name/"]:
        page.goto(live_server.url + path)
        assert page.locator("header .nav-user").inner_text() == person.display_name.strip()
        assert page.evaluate("document.documentElement.scrollWidth") <= SIZES["phone"]["width"]
    assert page.locator("#id_display_name").input_value() == person.display_name
