"""Endorsing an argument with the keyboard alone: Tab to the button, Enter or Space to press it.

With JavaScript the count and the button change in place and the focus stays on the button; without
it the form posts and the page comes back at the argument, with the focus a few Tabs away.
"""

import pytest
from playwright.sync_api import expect

from consult.models import Endorsement
from tests.browser.test_arguments_flow import log_in
from tests.browser.test_signing import tab_to
from tests.factories import ArgumentFactory, ConsultationFactory, UserFactory

pytestmark = pytest.mark.browser

ENDORSE = "Endorse: a strong argument"
TAKE_BACK = "Take back my endorsement"


@pytest.fixture
def argument(transactional_db):
    return ArgumentFactory(consultation=ConsultationFactory(), claim="Nobody voted for it")


@pytest.fixture
def reader(transactional_db):
    return UserFactory(verified=True)


def button_selector(argument) -> str:
    return f"form[action$='/arguments/{argument.pk}/endorse/'] button"


def has_focus(page, selector: str) -> bool:
    return page.evaluate("(selector) => document.activeElement.matches(selector)", selector)


def open_consultation(page, live_server, reader, argument):
    log_in(page, live_server.url, reader.email)
    page.goto(live_server.url + argument.consultation.get_absolute_url())
    return page.locator(f"#endorsements-{argument.pk}"), page.locator(button_selector(argument))


def test_endorse_and_take_back_with_the_keyboard_and_javascript(page, live_server, reader, argument):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    count, button = open_consultation(page, live_server, reader, argument)
    page.evaluate("window.notReloaded = true")
    expect(count).to_have_text("0 endorsements")
    tab_to(page, button_selector(argument))
    page.keyboard.press("Enter")
    expect(count).to_have_text("1 endorsement")
    expect(button).to_have_text(TAKE_BACK)
    expect(button).to_be_enabled()
    assert Endorsement.objects.filter(argument=argument, user=reader).count() == 1
    # The keyboard user is where they were: on the button, which now takes the endorsement back.
    assert has_focus(page, button_selector(argument))
    page.keyboard.press("Space")
    expect(count).to_have_text("0 endorsements")
    expect(button).to_have_text(ENDORSE)
    expect(button).to_be_enabled()
    assert not Endorsement.objects.exists()
    assert has_focus(page, button_selector(argument))
    assert page.evaluate("window.notReloaded") is True
    assert errors == []


def test_endorse_and_take_back_with_the_keyboard_without_javascript(browser, live_server, reader, argument):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        count, button = open_consultation(page, live_server, reader, argument)
        tab_to(page, button_selector(argument))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        # Back on the consultation, at the argument, with the new count and the other button.
        assert page.url.endswith(f"#argument-{argument.pk}")
        expect(count).to_have_text("1 endorsement")
        expect(button).to_have_text(TAKE_BACK)
        assert Endorsement.objects.filter(argument=argument, user=reader).count() == 1
        # From the argument the page returned to, its button is a few Tabs away, not the whole page.
        tab_to(page, button_selector(argument), limit=4)
        with page.expect_navigation():
            page.keyboard.press("Space")
        expect(count).to_have_text("0 endorsements")
        expect(button).to_have_text(ENDORSE)
        assert not Endorsement.objects.exists()
    finally:
        context.close()
