"""A signer downloads or erases their data, by a manage link or from "My signatures"."""

import json
from urllib.parse import quote

import pytest
from django.urls import reverse

from consult.models import (
    ConsentEvent,
    OutboundEmail,
    SignAttempt,
    Signature,
    SignatureCounter,
    SignatureToken,
)
from consult.personal_data import erase_for, export_for
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signer(statement):
    """Jo signed two statements (one confirmed with updates on, one pending), Sam signed one."""
    first = SignatureFactory(
        statement=statement, name="Jo Bloggs", email="jo@example.org", postcode="SW1A 1AA", ip_hash="a" * 64
    )
    first.confirm()
    ConsentEvent.record(first, True, ConsentEvent.Source.MANAGE_LINK)
    OutboundEmail.objects.create(signature=first, kind=OutboundEmail.Kind.CONFIRM)
    second = SignatureFactory(statement=StatementFactory(), name="Jo Bloggs", email="jo@example.org")
    other = SignatureFactory(statement=statement, name="Sam Other", email="sam@example.org")
    other.confirm()
    return first, second, other


def manage_token(signature: Signature) -> str:
    return SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)


def test_export_holds_everything_about_the_signer_and_nobody_else(signer, statement):
    first, second, _other = signer
    data = export_for(first)
    assert [each["statement"]["title"] for each in data["signatures"]] == [
        statement.title,
        second.statement.title,
    ]
    jo = data["signatures"][0]
    assert jo["name"] == "Jo Bloggs" and jo["email"] == "jo@example.org" and jo["postcode"] == "SW1A 1AA"
    assert jo["state"] == "confirmed" and jo["confirmed_at"] and jo["signed_at"]
    assert jo["wants_updates"] is True
    assert [event["source"] for event in jo["consent_events"]] == ["manage"]
    assert jo["emails"][0]["kind"] == "confirm"
    assert jo["ip_hash"] == "a" * 64 and "keyed hash" in data["ip_hash_note"]
    assert "sam@example.org" not in json.dumps(data)


def test_manage_link_downloads_a_json_attachment_without_setting_cookies(client, signer):
    response = client.get(reverse("signature_data", args=[manage_token(signer[0])]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert len(json.loads(response.content)["signatures"]) == 2


def test_manage_page_links_to_download_and_erase(client, signer):
    token = manage_token(signer[0])
    body = client.get(reverse("signature_manage", args=[token])).content.decode()
    assert (
        reverse("signature_data", args=[token]) in body and reverse("signature_erase", args=[token]) in body
    )


def test_get_of_the_erase_link_asks_first_and_erases_nothing(client, signer, statement):
    response = client.get(reverse("signature_erase", args=[manage_token(signer[0])]))
    assert response.status_code == 200 and "Erase my data" in response.content.decode()
    assert set(response.cookies) <= {"csrftoken"}
    assert Signature.objects.filter(email="jo@example.org").count() == 2
    assert statement.counts().total == 2


def test_erase_by_manage_link_withdraws_erases_and_corrects_counts_exactly(client, signer, statement):
    first, second, other = signer
    token = manage_token(first)
    confirm_token = SignatureToken.issue(second, SignatureToken.Purpose.CONFIRM)
    assert statement.counts().total == 2
    response = client.post(reverse("signature_erase", args=[token]))
    assert response.status_code == 302 and response.url == reverse("signature_erased")
    assert not response.cookies
    assert statement.counts().total == 1 and second.statement.counts().total == 0
    assert SignatureCounter.reconcile(statement.pk) == 0
    assert SignatureCounter.reconcile(second.statement.pk) == 0
    for erased in (first, second):
        erased.refresh_from_db()
        assert erased.state == Signature.State.WITHDRAWN
        assert (erased.name, erased.email, erased.public_role, erased.ip_hash) == ("", "", "", "")
        assert erased.postcode in ("", "SW1A") and erased.user is None
    assert SignatureToken.find(confirm_token, SignatureToken.Purpose.CONFIRM) is None
    assert not OutboundEmail.objects.filter(signature__in=[first, second]).pending().exists()
    other.refresh_from_db()
    assert other.email == "sam@example.org" and other.state == Signature.State.CONFIRMED


def test_manage_link_after_erasure_says_the_data_is_erased(client, signer):
    token = manage_token(signer[0])
    client.post(reverse("signature_erase", args=[token]))
    for name in ("signature_manage", "signature_data", "signature_erase"):
        response = client.get(reverse(name, args=[token]))
        assert response.status_code == 410
        assert "Your data has been erased" in response.content.decode()
    assert "Jo Bloggs" not in client.get(reverse("signature_manage", args=[token])).content.decode()
    assert client.get(reverse("signature_thanks", args=[token])).status_code == 410
    events = ConsentEvent.objects.count()
    assert client.post(reverse("signature_updates", args=[token]), {"wants_updates": "on"}).status_code == 410
    assert ConsentEvent.objects.count() == events


def test_erasing_twice_is_harmless(signer, statement):
    assert erase_for(signer[0]) == 2
    assert erase_for(Signature.objects.get(pk=signer[0].pk)) == 1  # Only its own, anonymised row.
    assert statement.counts().total == 1 and SignatureCounter.reconcile(statement.pk) == 0


@pytest.mark.parametrize(
    "token",
    ["forged", "x" * 200, "<script>alert(1)</script>", "javascript:alert(1)", "\u202eabc", "a\u200bb"],
)
def test_hostile_tokens_are_not_found(client, signer, token):
    quoted = quote(token, safe="")
    for suffix in ("data", "erase"):
        assert client.get(f"/signatures/{quoted}/{suffix}/").status_code == 404
    assert client.post(f"/signatures/{quoted}/erase/").status_code == 404
    assert Signature.objects.filter(email="jo@example.org").count() == 2


def test_nul_byte_in_a_token_is_not_found(client, signer):
    assert client.get("/signatures/ab%00cd/data/").status_code == 404


def test_wrong_methods_are_refused(client, signer):
    token = manage_token(signer[0])
    assert client.post(reverse("signature_data", args=[token])).status_code == 405
    assert client.delete(reverse("signature_erase", args=[token])).status_code == 405
    assert client.post(reverse("signature_erased")).status_code == 405


def test_confirmation_token_cannot_export_or_erase(client, signer):
    token = SignatureToken.issue(signer[0], SignatureToken.Purpose.CONFIRM)
    assert client.get(reverse("signature_data", args=[token])).status_code == 404
    assert client.post(reverse("signature_erase", args=[token])).status_code == 404


def test_erase_posts_are_rate_limited(client, signer, settings):
    settings.FORM_RATE_LIMIT = "1/h"
    token = manage_token(signer[0])
    other_token = manage_token(signer[2])
    assert client.post(reverse("signature_erase", args=[token])).status_code == 302
    assert client.post(reverse("signature_erase", args=[other_token])).status_code == 429
    assert Signature.objects.get(pk=signer[2].pk).email == "sam@example.org"


# From "My signatures", logged in.


@pytest.fixture
def account(signer):
    account = UserFactory(email="jo@example.org", verified=True)
    return account


def test_my_signatures_links_to_download_and_erase(client, account, signer):
    client.force_login(account)
    body = client.get(reverse("my_signatures")).content.decode()
    assert reverse("my_signature_data", args=[signer[0].pk]) in body
    assert reverse("my_signature_erase", args=[signer[0].pk]) in body


def test_account_holder_downloads_their_data(client, account, signer):
    client.force_login(account)
    response = client.get(reverse("my_signature_data", args=[signer[0].pk]))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert {each["email"] for each in json.loads(response.content)["signatures"]} == {"jo@example.org"}


def test_account_holder_erases_their_data(client, account, signer, statement):
    client.force_login(account)
    page = client.get(reverse("my_signature_erase", args=[signer[0].pk]))
    assert page.status_code == 200 and Signature.objects.filter(email="jo@example.org").count() == 2
    response = client.post(reverse("my_signature_erase", args=[signer[0].pk]))
    assert response.url == reverse("signature_erased")
    assert not Signature.objects.filter(email="jo@example.org").exists()
    assert statement.counts().total == 1 and SignatureCounter.reconcile(statement.pk) == 0
    assert "Jo Bloggs" not in client.get(reverse("my_signatures")).content.decode()


def test_another_account_cannot_export_or_erase_someone_elses_signature(client, user, signer, statement):
    client.force_login(user)
    assert client.get(reverse("my_signature_data", args=[signer[0].pk])).status_code == 404
    assert client.get(reverse("my_signature_erase", args=[signer[0].pk])).status_code == 404
    assert client.post(reverse("my_signature_erase", args=[signer[0].pk])).status_code == 404
    assert Signature.objects.filter(email="jo@example.org").count() == 2 and statement.counts().total == 2


def test_anonymous_visitors_are_sent_to_log_in(client, signer):
    for name in ("my_signature_data", "my_signature_erase"):
        response = client.get(reverse(name, args=[signer[0].pk]))
        assert response.status_code == 302 and reverse("account_login") in response.url
    client.post(reverse("my_signature_erase", args=[signer[0].pk]))
    assert Signature.objects.filter(email="jo@example.org").count() == 2


def test_unknown_signature_in_the_account_path_is_not_found(client, account):
    client.force_login(account)
    assert client.get(reverse("my_signature_data", args=[999999])).status_code == 404


def test_erasure_logs_nothing_personal(client, signer, caplog):
    caplog.set_level("DEBUG")
    token = manage_token(signer[0])
    client.post(reverse("signature_erase", args=[token]))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "jo@example.org" not in logged and "Jo Bloggs" not in logged and token not in logged


def test_token_path_needs_no_cookie_but_the_csrf_one(signer, statement):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    token = manage_token(signer[0])
    page = browser.get(reverse("signature_erase", args=[token]))
    form_token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    fresh = Client(enforce_csrf_checks=True)
    fresh.cookies["csrftoken"] = page.cookies["csrftoken"].value
    refused = Client(enforce_csrf_checks=True).post(reverse("signature_erase", args=[token]))
    assert refused.status_code == 403
    response = fresh.post(reverse("signature_erase", args=[token]), {"csrfmiddlewaretoken": form_token})
    assert response.status_code == 302 and statement.counts().total == 1


@pytest.fixture
def waiting_forms(statement):
    """Forms sent and not acted on yet: Jo's sign, resend and sign-up, and Sam's sign."""

    def sign(email: str) -> SignAttempt:
        fields = {"name": "Someone", "email": email, "email_normalised": email}
        payload = {"statement_id": statement.pk, "fields": fields, "hold": "", "ip_hash": "b" * 64}
        return SignAttempt.objects.create(kind=SignAttempt.Kind.SIGN, payload=payload)

    return [
        sign("jo@example.org"),
        SignAttempt.objects.create(
            kind=SignAttempt.Kind.RESEND, payload={"email_normalised": "jo@example.org"}
        ),
        SignAttempt.objects.create(
            kind=SignAttempt.Kind.SIGN_UP,
            payload={"email": "Jo@Example.org", "password_hash": "pbkdf2_sha256$secret", "language": "cy"},
        ),
        sign("sam@example.org"),
    ]


def test_export_holds_the_forms_not_acted_on_yet_without_a_password_hash(signer, waiting_forms):
    data = export_for(signer[0])
    assert [form["kind"] for form in data["waiting_forms"]] == ["sign", "resend", "sign_up"]
    assert data["waiting_forms"][0]["details"]["fields"]["email"] == "jo@example.org"
    assert data["waiting_forms"][0]["sent_at"]
    text = json.dumps(data)
    assert "password_hash" not in text and "pbkdf2" not in text
    assert "sam@example.org" not in text


def test_erasure_deletes_the_forms_not_acted_on_yet_and_nobody_elses(signer, waiting_forms):
    erase_for(signer[0])
    assert list(SignAttempt.objects.values_list("pk", flat=True)) == [waiting_forms[-1].pk]


def test_an_organisations_export_holds_only_its_own_waiting_forms(statement, waiting_forms):
    organisation = OrganisationFactory()
    organisation_signature = SignatureFactory(
        statement=statement,
        kind=Signature.Kind.ORGANISATION,
        organisation=organisation,
        email="jo@example.org",
        email_normalised=organisation.signature_key,
    )
    assert export_for(organisation_signature)["waiting_forms"] == []


def test_a_repeat_emails_asking_address_goes_with_erasure(signer):
    first = signer[0]
    sent = OutboundEmail.objects.create(
        signature=first, kind=OutboundEmail.Kind.ALREADY_SIGNED, ip_hash="c" * 64, state="sent"
    )
    erase_for(first)
    sent.refresh_from_db()
    assert sent.ip_hash == ""
