"""The sign form and view: a pending signature, its email, duplicates, holds and hostile input."""

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from consult.forms import signing as signing_forms
from consult.models import ConsentEvent, OutboundEmail, Signature, Statement
from consult.ratelimits import ip_hash
from tests.consult.signers import post_sign, served_token, sign_data
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign(client, statement, django_capture_on_commit_callbacks):
    def sign(**overrides):
        return post_sign(client, statement, django_capture_on_commit_callbacks, **overrides)

    return sign


def test_sign_page_shows_the_sign_form_and_what_is_stored(client, statement):
    response = client.get(reverse("statement_sign", args=[statement.slug]))
    body = response.content.decode()
    assert f'action="{reverse("statement_sign", args=[statement.slug])}"' in body
    assert "Full name" in body and "Email address" in body
    assert "deleted" in body and "7 days" in body
    assert 'name="show_name"' in body and "checked" not in body.split('name="show_name"')[1].split(">")[0]


def test_signing_saves_a_pending_signature_and_emails_a_confirmation_link(sign, statement):
    response = sign(postcode="sw1a1aa", show_name="on")
    assert response.status_code == 302
    assert response.url == reverse("signature_check_email", args=[statement.slug])
    signature = Signature.objects.get()
    assert signature.state == Signature.State.PENDING
    assert (signature.name, signature.email, signature.postcode) == (
        "Jo Bloggs",
        "jo@example.org",
        "SW1A 1AA",
    )
    assert signature.show_name and not signature.wants_updates
    assert signature.ip_hash == ip_hash("127.0.0.1") and "127.0.0.1" not in signature.ip_hash
    assert signature.language == "en"
    assert statement.counts().total == 0
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["jo@example.org"]
    assert statement.title in message.subject
    assert "http://testserver" not in message.body
    assert "/signatures/confirm/" in message.body and "/signatures/" in message.body
    html = message.alternatives[0][0]
    assert "Confirm my signature" in html
    assert OutboundEmail.objects.get().sent_at is not None


def test_one_inbox_spelt_three_ways_signs_once(sign, statement):
    for address in ["alice.jones@gmail.com", '"alicejones"@gmail.com', '"alicejones+2"@gmail.com']:
        assert sign(email=address).status_code == 302
    assert Signature.objects.filter(statement=statement).count() == 1
    assert Signature.objects.get().email_normalised == "alicejones@gmail.com"


def test_initial_update_choice_is_recorded_as_a_consent_event(sign):
    sign(wants_updates="on")
    event = ConsentEvent.objects.get()
    assert event.wants_updates is True and event.source == ConsentEvent.Source.SIGN_FORM


def test_check_email_page_is_the_same_whether_or_not_the_person_had_signed(client, sign, statement):
    first = sign()
    second = sign(email="JO@example.org")
    assert first.url == second.url
    page = client.get(first.url)
    assert page.status_code == 200
    assert "Check your email" in page.content.decode()
    assert "Set-Cookie" not in page.headers and not page.cookies


def test_repeat_on_pending_signature_resends_confirmation_at_most_three_times(sign):
    for _ in range(6):
        sign(email="Jo.Bloggs+x@googlemail.com")
    assert Signature.objects.count() == 1
    assert Signature.objects.get().email_normalised == "jobloggs@gmail.com"
    assert len(mail.outbox) == 1 + OutboundEmail.MAX_REPEATS
    assert "new link" in mail.outbox[-1].body


def test_repeat_on_confirmed_signature_sends_already_signed_email(sign, statement):
    SignatureFactory(statement=statement, email="jo@example.org").confirm()
    for _ in range(5):
        sign()
    assert Signature.objects.count() == 1
    assert len(mail.outbox) == OutboundEmail.MAX_REPEATS
    assert "already signed" in mail.outbox[0].subject
    assert "/signatures/" in mail.outbox[0].body
    assert statement.counts().total == 1


def test_invalid_input_rerenders_the_page_with_a_summary_and_keeps_what_was_typed(sign, statement):
    response = sign(name="", email="not-an-email", postcode="12345", show_name="on")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="error-summary"' in body
    assert 'href="#id_name"' in body and 'href="#id_email"' in body and 'href="#id_postcode"' in body
    assert 'id="id_email_error"' in body
    assert 'value="not-an-email"' in body and 'value="12345"' in body
    assert 'aria-describedby="id_email_helptext id_email_error"' in body
    assert Signature.objects.count() == 0 and not mail.outbox


def test_a_valid_sign_post_reads_only_what_signing_needs_of_its_statement(sign, statement):
    """Not its text, nor anything else the sign page shows: that page is shown only with errors."""
    with CaptureQueriesContext(connection) as queries:
        assert sign().status_code == 302
    reads = [query["sql"] for query in queries if '"consult_statement"."slug" =' in query["sql"]]
    assert len(reads) == 1
    assert '"consult_statement"."closes_at"' in reads[0] and '"consult_statement"."text"' not in reads[0]


def test_the_page_shown_again_with_errors_is_the_whole_sign_page(client, sign, statement):
    page = client.get(reverse("statement_sign", args=[statement.slug])).content.decode()
    body = sign(email="not-an-email").content.decode()
    assert statement.text in page and statement.text in body


@pytest.mark.parametrize(
    "address", ["user@localhost", "a@[1.2.3.4]", "a@intranet", "a@b@c.org", "a\x00@b.org"]
)
def test_addresses_a_petition_site_should_not_accept_are_refused(sign, address):
    response = sign(email=address)
    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_disposable_email_domain_is_refused_with_a_clear_message(sign):
    response = sign(email="jo@mailinator.com")
    assert response.status_code == 400
    assert "delete themselves" in response.content.decode()
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "x" * 101),
        ("name", "\u200b\u202e"),
        ("name", "Visit https://spam.example"),
        ("email", "a" * 250 + "@example.org"),
        ("postcode", "SW1A 1AA <script>"),
        ("public_role", "r" * 201),
        ("public_role", "javascript:alert(1)//https://x"),
        ("signing_as", "organisation-999"),
    ],
)
def test_hostile_input_gets_an_error_never_a_500(sign, field, value):
    response = sign(**{field: value})
    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_html_and_invisible_characters_are_stored_inert(client, sign, statement):
    sign(name="<script>alert(1)</script>\u202e Jo\u200b\x07", show_name="on")
    signature = Signature.objects.get()
    assert signature.name == "<script>alert(1)</script> Jo"
    signature.confirm()
    body = client.get(statement.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)" in body


def test_closed_statement_refuses_signatures_with_a_clear_message(client, django_capture_on_commit_callbacks):
    closed = StatementFactory(status=Statement.Status.CLOSED)
    response = post_sign(client, closed, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert "no longer takes signatures" in response.content.decode()
    assert closed.title in response.content.decode()
    assert Signature.objects.count() == 0
    for page in (closed.get_absolute_url(), reverse("statement_sign", args=[closed.slug])):
        body = client.get(page).content.decode()
        assert f'action="{reverse("statement_sign", args=[closed.slug])}"' not in body, page
        assert "no longer takes signatures" in body, page


def test_unknown_or_unpublished_statement_is_not_found(
    client, consultation, django_capture_on_commit_callbacks
):
    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    assert post_sign(client, proposed, django_capture_on_commit_callbacks).status_code == 404
    assert client.post(reverse("statement_sign", args=["nope"]), sign_data()).status_code == 404


def test_sign_answers_only_get_and_post(client, statement):
    url = reverse("statement_sign", args=[statement.slug])
    assert client.get(url).status_code == 200
    assert client.put(url).status_code == 405 and client.delete(url).status_code == 405


def test_filled_honeypot_looks_like_success_but_saves_and_sends_nothing(sign, statement):
    response = sign(website="http://spam.example")
    assert response.status_code == 302
    assert response.url == reverse("signature_check_email", args=[statement.slug])
    assert Signature.objects.count() == 0 and not mail.outbox


# A fresh token's whole seconds: 0, or 1 when a loaded machine takes half a second to sign.
@pytest.mark.parametrize(("started", "dwells"), [("fresh", {0, 1}), ("forged", {None}), ("", {None})])
def test_fast_or_missing_timing_token_is_recorded_but_never_holds(sign, statement, started, dwells):
    response = sign(started=served_token(seconds_ago=0.5) if started == "fresh" else started)
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.dwell_seconds in dwells
    assert signature.hold == Signature.Hold.NONE
    assert len(mail.outbox) == 1
    signature.confirm()
    assert statement.counts().total == 1


def test_time_on_the_form_is_recorded_for_moderators(sign):
    sign(started=served_token(seconds_ago=42))
    assert Signature.objects.get().dwell_seconds in (42, 43)


def test_a_timing_token_works_once(sign):
    token = served_token(seconds_ago=30)
    sign(email="first@example.org", started=token)
    sign(email="second@example.org", started=token)
    dwells = dict(Signature.objects.values_list("email", "dwell_seconds"))
    assert dwells["first@example.org"] in (30, 31) and dwells["second@example.org"] is None


def test_a_form_shown_again_with_errors_keeps_its_unused_token(client, sign, statement):
    token = served_token(seconds_ago=30)
    assert sign(email="not an address", started=token).status_code == 400
    assert sign(started=token).status_code == 302
    assert Signature.objects.get().dwell_seconds in (30, 31)


def test_a_form_sent_back_shows_its_own_token_and_makes_no_new_one(sign, monkeypatch):
    """Only a form served empty gets a token (an HMAC to compute): one sent back shows its own."""
    made = []
    monkeypatch.setattr(signing_forms, "timing_token", lambda: made.append(1) or "a-new-token")
    token = served_token(seconds_ago=30)
    body = sign(email="not an address", started=token).content.decode()
    assert f'name="started" value="{token}"' in body and "a-new-token" not in body
    assert sign(started=served_token(seconds_ago=30)).status_code == 302
    assert made == []


def test_only_valid_forms_count_towards_the_flood_limit(
    statement, settings, django_capture_on_commit_callbacks
):
    settings.SIGN_RATE_LIMIT = "2/h"
    client = Client(REMOTE_ADDR="192.0.2.61")  # An address no other test signs from.
    for _attempt in range(5):
        response = post_sign(client, statement, django_capture_on_commit_callbacks, email="typo@")
        assert response.status_code == 400
    for number in range(2):
        response = post_sign(
            client, statement, django_capture_on_commit_callbacks, email=f"p{number}@example.org"
        )
        assert response.status_code == 302
    response = post_sign(client, statement, django_capture_on_commit_callbacks, email="flood@example.org")
    assert response.status_code == 429
    assert Signature.objects.count() == 2
    assert not Signature.objects.exclude(hold=Signature.Hold.NONE).exists()


def test_signature_language_follows_the_page(client, statement, django_capture_on_commit_callbacks):
    with translation.override("cy"):  # The Welsh page's form posts to /cy/statements/…/sign/.
        post_sign(client, statement, django_capture_on_commit_callbacks)
    assert Signature.objects.get().language == "cy"


def test_public_role_makes_a_notable_signature_awaiting_verification(sign, statement):
    sign(public_role="MP for Haltemprice and Howden")
    signature = Signature.objects.get()
    assert signature.kind == Signature.Kind.NOTABLE
    assert signature.role_status == Signature.RoleStatus.PENDING
    signature.confirm()
    assert statement.counts().individuals == 1 and statement.counts().notable == 0


def test_anonymous_reader_cannot_sign_for_an_organisation(sign):
    organisation = OrganisationFactory()
    response = sign(signing_as=f"organisation-{organisation.pk}")
    assert response.status_code == 400
    assert Signature.objects.count() == 0
