"""An argument's whole life in a real browser: submitted, approved, endorsed without a reload."""

import pytest
from playwright.sync_api import expect

from consult.models import Argument, Endorsement
from consult.moderation import decide_argument
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.browser

PASSWORD = "a-long-test-password"


def log_in(page, base: str, email: str) -> None:
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_submit_approve_and_endorse_an_argument(page, live_server, transactional_db):
    base = live_server.url
    consultation = ConsultationFactory()
    author = UserFactory(verified=True, display_name="Nia Author")
    reader = UserFactory(verified=True)
    moderator = UserFactory(verified=True, is_staff=True)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    log_in(page, base, author.email)
    page.goto(f"{base}/consultations/{consultation.slug}/arguments/new/")
    page.get_by_label("Against").check()
    page.fill("#id_claim", "Nobody voted for it")
    page.fill("#id_explanation", "There is no Act.\n\nSee https://www.example.org/acts")
    page.fill("#id_source_title_1", "Acts of Parliament")
    page.fill("#id_source_url_1", "https://www.example.org/acts")
    page.get_by_role("button", name="Send for moderation").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/accounts/arguments/")
    assert "Awaiting moderation" in page.content()

    argument = Argument.objects.get(claim="Nobody voted for it")
    decide_argument(argument, moderator, approve=True)

    log_in(page, base, reader.email)
    page.goto(f"{base}/consultations/{consultation.slug}/")
    page.evaluate("window.notReloaded = true")
    count = page.locator(f"#endorsements-{argument.pk}")
    assert count.inner_text() == "0 endorsements"
    page.get_by_role("button", name="Endorse: a strong argument").click()
    expect(count).to_have_text("1 endorsement")
    assert page.evaluate("window.notReloaded") is True
    assert page.get_by_role("button", name="Take back my endorsement").is_visible()
    assert Endorsement.objects.filter(argument=argument, user=reader).count() == 1

    page.get_by_role("button", name="Take back my endorsement").click()
    expect(count).to_have_text("0 endorsements")
    assert not Endorsement.objects.exists()
    assert errors == []
