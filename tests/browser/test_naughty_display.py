"""Stored hostile text, shown in a real browser, never runs (issue 9).

Payloads from the Big List of Naughty Strings and a few that set a flag go in through the real
forms (a public signature, an argument a moderator approves, an organisation a moderator
verifies). Chromium then opens every page that shows them, to readers and to moderators: no
dialog may open, no flag may be set, the page may log no error (a CSP violation is one: it
would mean markup got through and only the policy stopped it), and the text must read as typed.
"""

import pytest
from django.conf import settings
from django.test import Client

from consult.models import Argument, Organisation, Signature
from consult.moderation import decide_argument
from consult.signatories import verify_organisation
from tests.conftest import with_mfa
from tests.consult.signers import served_token
from tests.factories import ConsultationFactory, StatementFactory, UserFactory
from tests.naughty import naughty_strings

pytestmark = pytest.mark.browser

FLAG = "window.injected"
OWN_PAYLOADS = [
    '<img src=x onerror="window.injected=1">',
    '"><svg onload="window.injected=1">',
    "</textarea><script>window.injected=1</script>",
]


def payloads() -> list[str]:
    """Short scripted strings from the list (no web address, which name fields refuse), and ours."""
    scripted = [
        value
        for value in naughty_strings()
        if "alert(" in value and value.startswith("<") and len(value) <= 60 and "://" not in value
    ]
    assert len(scripted) >= 3
    return [*scripted[:3], *OWN_PAYLOADS]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def store_payloads(statement, moderator) -> dict[str, list[str]]:
    """Everything through the real views; a moderator approves. Returns the pages and their texts."""
    texts = payloads()
    for number, text in enumerate(texts):
        fields = {"name": text, "email": f"signer{number}@example.org", "show_name": "on"}
        response = Client().post(f"/statements/{statement.slug}/sign/", fields | {"started": served_token()})
        assert response.status_code == 302, text
    for signature in Signature.objects.filter(statement=statement):
        signature.confirm()
        signature.release()
    author = UserFactory(verified=True)
    consultation = statement.consultation
    fields = {"side": "for", "claim": texts[0], "explanation": "\n\n".join(texts)}
    fields |= {"source_title_1": texts[1], "source_url_1": "https://www.example.org/report"}
    response = logged_in(author).post(f"/consultations/{consultation.slug}/arguments/new/", fields)
    assert response.status_code == 302
    argument = Argument.objects.get(author=author)
    decide_argument(argument, moderator, approve=True)
    fields = {"name": texts[-2], "website": "https://www.example.org/", "description": texts[-1]}
    response = logged_in(author).post("/accounts/organisations/new/", fields | {"role": texts[2]})
    assert response.status_code == 302
    organisation = Organisation.objects.get(created_by=author)
    verify_organisation(organisation, moderator, "Checked")
    return {
        statement.get_absolute_url(): texts,
        consultation.get_absolute_url(): [texts[0]],
        argument.get_absolute_url(): texts,
        organisation.get_absolute_url(): [texts[-2], texts[-1]],
        "/admin/consult/signature/": [],
        f"/admin/consult/argument/{argument.pk}/change/": [],
        f"/admin/consult/organisation/{organisation.pk}/change/": [],
    }


def test_stored_payloads_never_run_for_readers_or_moderators(browser, live_server, transactional_db):
    statement = StatementFactory(consultation=ConsultationFactory())
    moderator = with_mfa(UserFactory(verified=True, is_staff=True, is_superuser=True))
    pages = store_payloads(statement, moderator)
    context = browser.new_context()
    session = logged_in(moderator).cookies[settings.SESSION_COOKIE_NAME].value
    page = context.new_page()
    page.set_default_timeout(15_000)
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    failed: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    # An injected <img src=x> would fetch "x": every failed load is checked by its address instead
    # (the browser's own request for /favicon.ico, which the admin does not name, aside).
    page.on("response", lambda answer: failed.append(answer.url) if answer.status >= 400 else None)
    for path, texts in pages.items():
        if path.startswith("/admin/"):
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.evaluate(f"typeof {FLAG}") == "undefined", path
        assert dialogs == [], path
        assert [error for error in errors if not error.startswith("Failed to load resource")] == [], path
        assert [url for url in failed if not url.endswith("/favicon.ico")] == [], path
        shown = page.inner_text("body")
        for text in texts:
            assert " ".join(text.split()) in " ".join(shown.split()), (path, text)
    context.close()
