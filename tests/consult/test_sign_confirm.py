"""From the email to a counted signature: confirm, thank you, manage, withdraw, resend."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consult.models import ConsentEvent, Signature, SignatureToken
from tests.consult.signers import link_to, links_in, post_sign
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(client, statement, django_capture_on_commit_callbacks):
    """A pending signature whose confirmation email has been sent."""
    post_sign(client, statement, django_capture_on_commit_callbacks, email="jo@example.org")
    return Signature.objects.get()


def confirm_path() -> str:
    return link_to("/signatures/confirm/")


def test_get_of_the_confirm_link_shows_one_button_and_confirms_nothing(client, signed, statement):
    response = client.get(confirm_path())
    assert response.status_code == 200
    assert "Confirm my signature" in response.content.decode()
    signed.refresh_from_db()
    assert signed.state == Signature.State.PENDING and statement.counts().total == 0


def test_post_confirms_counts_and_shows_thanks_with_share_and_manage_links(client, signed, statement):
    response = client.post(confirm_path())
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.state == Signature.State.CONFIRMED
    assert statement.counts().total == 1
    thanks = client.get(response.url)
    body = thanks.content.decode()
    assert thanks.status_code == 200
    assert "Thank you for signing" in body
    assert (
        "http://127.0.0.1:8000" + statement.get_absolute_url() in body or statement.get_absolute_url() in body
    )
    assert 'data-count="total">1<' in body
    assert reverse("signature_manage", args=[response.url.split("/")[-3]]) in body


def test_confirm_link_works_once(client, signed, statement):
    path = confirm_path()
    client.post(path)
    again = client.post(path)
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert f'action="{reverse("signature_resend")}"' in again.content.decode()
    assert statement.counts().total == 1


def test_expired_confirm_link_gets_a_clear_page_and_a_way_to_a_new_email(client, signed, statement):
    SignatureToken.objects.filter(purpose="confirm").update(expires_at=timezone.now() - timedelta(minutes=1))
    for method in (client.get, client.post):
        response = method(confirm_path())
        assert response.status_code == 410
        assert "expired" in response.content.decode()
    assert statement.counts().total == 0


def test_forged_confirm_link_is_not_found_with_a_resend_form(client, signed):
    response = client.get(reverse("signature_confirm", args=["forged-token"]))
    assert response.status_code == 404
    assert "Send me a new link" in response.content.decode()


def test_confirm_link_of_a_withdrawn_signature_does_not_revive_it(client, signed, statement):
    path = confirm_path()
    signed.withdraw()
    assert client.post(path).status_code == 410
    signed.refresh_from_db()
    assert signed.state == Signature.State.WITHDRAWN and statement.counts().total == 0


def test_confirm_accepts_only_get_and_post(client, signed):
    assert client.put(confirm_path()).status_code == 405


def test_resend_sends_a_new_link_for_pending_signatures_and_answers_the_same_for_strangers(
    client, signed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("signature_resend"), {"email": "JO@example.org"})
        unknown = client.post(reverse("signature_resend"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert [message.to for message in mail.outbox] == [["jo@example.org"], ["jo@example.org"]]
    client.post(confirm_path())
    signed.refresh_from_db()
    assert signed.state == Signature.State.CONFIRMED


def test_resend_with_bad_input_shows_the_error(client):
    response = client.post(reverse("signature_resend"), {"email": "<script>@x"})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert client.get(reverse("signature_resend")).status_code == 200


def test_over_the_form_rate_limit_resend_answers_429_but_a_confirmation_link_still_works(
    client, signed, settings
):
    settings.FORM_RATE_LIMIT = "1/h"
    client.post(reverse("signature_resend"), {"email": "jo@example.org"})
    assert client.post(reverse("signature_resend"), {"email": "jo@example.org"}).status_code == 429
    # Links are unguessable: they are limited per link (tests/consult/test_sign_races.py).
    assert client.post(confirm_path()).status_code == 302


def test_manage_link_in_the_email_withdraws_at_once_and_the_count_drops(client, signed, statement):
    client.post(confirm_path())
    token = SignatureToken.issue(signed, SignatureToken.Purpose.MANAGE)
    page = client.get(reverse("signature_manage", args=[token]))
    assert page.status_code == 200 and "Withdraw my signature" in page.content.decode()
    assert statement.counts().total == 1
    response = client.post(reverse("signature_withdraw", args=[token]))
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.state == Signature.State.WITHDRAWN
    assert statement.counts().total == 0
    assert "You withdrew this signature" in client.get(response.url).content.decode()


def test_manage_link_from_the_confirmation_email_works(client, signed):
    paths = [link[len(settings.SITE_URL) :] for link in links_in(mail.outbox[-1])]
    path = next(path for path in paths if path.startswith("/signatures/") and "/confirm/" not in path)
    assert "Withdraw my signature" in client.get(path).content.decode()


def test_update_preference_change_is_recorded_with_time(client, signed):
    token = SignatureToken.issue(signed, SignatureToken.Purpose.MANAGE)
    client.post(reverse("signature_updates", args=[token]), {"wants_updates": "on"})
    client.post(reverse("signature_updates", args=[token]), {})
    signed.refresh_from_db()
    assert signed.wants_updates is False
    events = list(ConsentEvent.objects.values_list("wants_updates", "source"))
    assert events == [(False, "sign"), (True, "manage"), (False, "manage")]


@pytest.mark.parametrize("name", ["signature_manage", "signature_thanks"])
def test_manage_pages_with_a_forged_token_are_not_found(client, name):
    assert client.get(reverse(name, args=["forged"])).status_code == 404


@pytest.mark.parametrize("name", ["signature_withdraw", "signature_updates"])
def test_manage_actions_need_post_and_a_real_token(client, statement, name):
    token = SignatureToken.issue(SignatureFactory(statement=statement), SignatureToken.Purpose.MANAGE)
    assert client.get(reverse(name, args=[token])).status_code == 405
    assert client.post(reverse(name, args=["forged"])).status_code == 404


def test_a_confirm_token_is_not_a_manage_token(client, signed):
    token = confirm_path().split("/")[-2]
    assert client.get(reverse("signature_manage", args=[token])).status_code == 404


@pytest.mark.parametrize("token", ["%00", "\u202e" * 3, "a" * 5000, "..%2F..%2Fetc", "<script>"])
@pytest.mark.parametrize("name", ["signature_confirm", "signature_manage", "signature_thanks"])
def test_hostile_tokens_get_a_clear_not_found_never_a_500(client, name, token):
    response = client.get(reverse(name, args=["placeholder"]).replace("placeholder", token))
    assert response.status_code == 404
    assert "<script>" not in response.content.decode()


def test_the_confirming_post_reads_its_token_and_signature_once_and_no_statement(client, signed, statement):
    """Only what confirming needs, locked in one query: no column is fetched again later."""
    with CaptureQueriesContext(connection) as queries:
        assert client.post(confirm_path()).status_code == 302
    reads = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    tokens = [sql for sql in reads if '"consult_signaturetoken"' in sql.split(" FROM ")[1]]
    assert len(tokens) == 1 and "FOR UPDATE" in tokens[0] and '"consult_statement"' not in tokens[0]
    assert '"consult_signature"."email"' not in tokens[0]
    assert not [sql for sql in reads if sql.split(" FROM ")[1].startswith('"consult_signature" ')]
    signed.refresh_from_db()
    assert signed.state == Signature.State.CONFIRMED and statement.counts().total == 1


def test_the_confirmation_page_reads_its_title_in_one_query_without_sorting(client, signed, statement):
    """One read of the token, its signature and just the statement's titles: no ORDER BY (a
    digest is unique), no text, and no column fetched again as the page renders."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(confirm_path())
    assert response.status_code == 200 and statement.title in response.content.decode()
    reads = [query["sql"] for query in queries if query["sql"].startswith("SELECT")]
    assert len(reads) == 1 and "ORDER BY" not in reads[0]
    assert '"consult_statement"."title_cy"' in reads[0] and '"consult_statement"."text"' not in reads[0]


def test_the_confirmation_page_in_welsh_shows_the_welsh_title(client, signed, statement):
    statement.title_cy = "Datganiad ar adnabod wynebau"
    statement.save(update_fields=["title_cy"])
    response = client.get("/cy" + confirm_path())
    assert response.status_code == 200 and "Datganiad ar adnabod wynebau" in response.content.decode()
