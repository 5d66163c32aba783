"""The signing tasks: confirmation emails through the outbox (once), the sweep, reconciliation
and clean-up."""

import smtplib
import threading
import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consult import emails, signing, tasks
from consult.models import (
    OutboundEmail,
    SignAttempt,
    Signature,
    SignatureCounter,
    SignatureToken,
    Statement,
)
from tests.conftest import require
from tests.consult.signers import post_sign
from tests.factories import SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db

SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def outbox_row(statement, kind=OutboundEmail.Kind.CONFIRM, age=timedelta(0)) -> OutboundEmail:
    outbound = OutboundEmail.objects.create(signature=SignatureFactory(statement=statement), kind=kind)
    OutboundEmail.objects.filter(pk=outbound.pk).update(created_at=timezone.now() - age)
    return outbound


def make_due(outbound: OutboundEmail) -> None:
    """What time does to a row waiting for its retry."""
    OutboundEmail.objects.filter(pk=outbound.pk).update(next_attempt_at=timezone.now())


def test_sending_an_outbox_row_twice_sends_one_email(statement):
    outbound = outbox_row(statement)
    assert emails.send_outbound_email(outbound.pk) is True
    assert emails.send_outbound_email(outbound.pk) is False
    assert len(mail.outbox) == 1
    outbound.refresh_from_db()
    assert outbound.state == OutboundEmail.State.SENT
    assert outbound.sent_at is not None and outbound.attempts == 1
    # One confirmation token and one manage token, both stored hashed.
    assert sorted(SignatureToken.objects.values_list("purpose", flat=True)) == ["confirm", "manage"]


def test_failed_send_is_recorded_and_tried_again_after_a_pause(statement):
    outbound = outbox_row(statement)
    with mock.patch(SEND, side_effect=smtplib.SMTPServerDisconnected("x")):
        assert emails.send_outbound_email(outbound.pk) is False
    outbound.refresh_from_db()
    assert outbound.state == OutboundEmail.State.PENDING and outbound.attempts == 1
    assert "SMTPServerDisconnected" in outbound.last_error
    assert outbound.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert emails.send_outbound_email(outbound.pk) is False  # Not due yet.
    make_due(outbound)
    assert emails.send_outbound_email(outbound.pk) is True


def test_confirmation_is_not_sent_for_a_signature_confirmed_or_withdrawn_meanwhile(statement):
    outbound = outbox_row(statement)
    outbound.signature.withdraw()
    assert emails.send_outbound_email(outbound.pk) is False
    assert mail.outbox == []
    outbound.refresh_from_db()
    assert outbound.state == OutboundEmail.State.SKIPPED


def test_sweep_sends_only_rows_left_unsent_for_a_minute(statement):
    old = outbox_row(statement, age=timedelta(minutes=2))
    outbox_row(statement)
    assert emails.send_unsent_emails() == 1
    assert emails.send_unsent_emails() == 0
    assert [message.to for message in mail.outbox] == [[old.signature.email]]


def test_sweep_retries_a_failed_row_later_for_as_long_as_its_link_lives(statement):
    failing = outbox_row(statement, age=timedelta(minutes=5))
    with mock.patch(SEND, side_effect=OSError("down")):
        assert emails.send_unsent_emails() == 0  # A failure is recorded, not raised.
    failing.refresh_from_db()
    assert failing.attempts == 1 and failing.sent_at is None and "down" in failing.last_error
    assert emails.send_unsent_emails() == 0  # Tried a moment ago: left for now.
    make_due(failing)
    assert emails.send_unsent_emails() == 1
    expired = outbox_row(statement, age=SignatureToken.CONFIRM_LIFETIME + timedelta(minutes=1))
    assert emails.send_unsent_emails() == 0  # Its confirmation link has expired: given up.
    expired.refresh_from_db()
    assert expired.state == OutboundEmail.State.FAILED and "within 7 days" in expired.last_error


def test_a_row_claimed_by_a_worker_that_died_is_sent_once_the_claim_lapses(statement):
    claimed = outbox_row(statement, age=timedelta(minutes=20))
    OutboundEmail.objects.filter(pk=claimed.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))
    assert emails.send_outbound_email(claimed.pk) is False  # Another worker is sending it.
    assert emails.send_unsent_emails() == 0 and mail.outbox == []
    OutboundEmail.objects.filter(pk=claimed.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert emails.send_unsent_emails() == 1
    claimed.refresh_from_db()
    assert claimed.sent_at is not None and claimed.claimed_until is None
    assert len(mail.outbox) == 1


def test_an_address_refused_for_good_is_not_tried_again(statement):
    refused = outbox_row(statement, age=timedelta(minutes=5))
    error = smtplib.SMTPRecipientsRefused({refused.signature.email: (550, b"No such mailbox")})
    with mock.patch(SEND, side_effect=error):
        assert emails.send_unsent_emails() == 0
    refused.refresh_from_db()
    assert refused.state == OutboundEmail.State.FAILED and refused.attempts == 1
    assert refused.last_error == "550 No such mailbox"
    make_due(refused)
    assert emails.send_unsent_emails() == 0
    assert emails.send_outbound_email(refused.pk) is False
    assert mail.outbox == []


def test_broker_down_signing_still_succeeds_and_the_sweeps_send_later(
    client, statement, django_capture_on_commit_callbacks, caplog
):
    with mock.patch.object(signing.carry_out_attempt, "delay", side_effect=ConnectionRefusedError("broker")):
        response = post_sign(client, statement, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Signature.objects.count() == 0 and mail.outbox == []
    assert "the sweep will do it" in caplog.text
    SignAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    with django_capture_on_commit_callbacks(execute=True):
        assert signing.carry_out_waiting_attempts() == 1
    assert Signature.objects.count() == 1 and len(mail.outbox) == 1


def test_an_email_the_signing_task_could_not_send_is_left_to_the_outbox_sweep(
    client, statement, django_capture_on_commit_callbacks, caplog
):
    """The task that signs sends the email itself; when that fails, what it saved stays saved."""
    with mock.patch("consult.sending.send", side_effect=RuntimeError("down")):
        response = post_sign(client, statement, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Signature.objects.count() == 1 and SignAttempt.objects.count() == 0 and mail.outbox == []
    assert "RuntimeError: down" in caplog.text
    # The row was written claimed by the task, as a sender that died mid-send leaves it: the
    # sweep leaves it alone until the claim lapses, then sends it.
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert emails.send_unsent_emails() == 0
    OutboundEmail.objects.update(claimed_until=timezone.now())
    assert emails.send_unsent_emails() == 1
    assert len(mail.outbox) == 1


def test_reconciliation_corrects_drift_on_open_statements_only(statement, consultation):
    SignatureFactory(statement=statement).confirm()
    SignatureCounter.objects.filter(statement=statement).update(count=0)
    closed = StatementFactory(consultation=consultation, status=Statement.Status.CLOSED)
    assert tasks.reconcile_counts() == 1
    assert statement.counts().total == 1
    assert tasks.reconcile_counts() == 0
    assert closed.counts().total == 0


def test_cleanup_deletes_pending_signatures_older_than_seven_days_only(statement):
    stale = SignatureFactory(statement=statement)
    fresh = SignatureFactory(statement=statement)
    confirmed = SignatureFactory(statement=statement)
    confirmed.confirm()
    eight_days_ago = timezone.now() - timedelta(days=8)
    Signature.objects.filter(pk__in=[stale.pk, confirmed.pk]).update(created_at=eight_days_ago)
    OutboundEmail.objects.create(signature=stale, kind=OutboundEmail.Kind.CONFIRM)
    assert tasks.delete_stale_pending_signatures() == 1
    assert tasks.delete_stale_pending_signatures() == 0
    assert set(Signature.objects.values_list("pk", flat=True)) == {fresh.pk, confirmed.pk}
    assert OutboundEmail.objects.count() == 0


def test_beat_schedule_runs_the_sweeps_reconciliation_and_cleanup(settings):
    scheduled = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled["consult.emails.send_unsent_emails"] == 60
    assert scheduled["consult.updates.resume_stalled_updates"] == 60
    assert scheduled["consult.milestones.check_milestones"] == 60
    assert {"consult.tasks.reconcile_counts", "consult.tasks.delete_stale_pending_signatures"} <= set(
        scheduled
    )


def test_operators_see_outbox_rows_and_their_errors_in_the_admin(client, superuser, statement):
    from django.urls import reverse

    outbound = outbox_row(statement)
    OutboundEmail.objects.filter(pk=outbound.pk).update(last_error="SMTPServerDisconnected: down")
    client.force_login(superuser)
    listing = client.get(reverse("admin:consult_outboundemail_changelist"))
    assert listing.status_code == 200
    assert outbound.signature.email not in listing.content.decode()  # Masked.
    detail = client.get(reverse("admin:consult_outboundemail_change", args=[outbound.pk]))
    assert "SMTPServerDisconnected" in detail.content.decode()
    assert client.get(reverse("admin:consult_outboundemail_add")).status_code == 403


def test_the_signing_task_judges_a_new_signature_in_the_transaction_that_writes_it(
    client, statement, django_capture_on_commit_callbacks, settings
):
    """The verdict is on the row when the task's transaction commits, before the email is written."""
    settings.SIGN_BURST_LIMIT = "1/m"
    with mock.patch("consult.sending.deliver_claimed"):  # No email is written or sent.
        for address in ["first@example.org", "second@example.org"]:
            post_sign(client, statement, django_capture_on_commit_callbacks, email=address)
    first, second = Signature.objects.order_by("pk")
    assert (first.hold, second.hold) == (Signature.Hold.NONE, Signature.Hold.RATE)
    assert first.checked_at is not None and second.checked_at is not None and mail.outbox == []


def sign_attempt(statement, email: str = "signer@example.org") -> SignAttempt:
    """A sign form as the request keeps it, with no task queued for it."""
    fields = {"name": "A Signer", "email": email, "email_normalised": email, "email_domain": "example.org"}
    payload = {"statement_id": statement.pk, "fields": fields, "hold": "", "ip_hash": "", "language": "en"}
    return SignAttempt.objects.create(kind=SignAttempt.Kind.SIGN, payload=payload | {"user_id": None})


def test_taking_an_attempt_deletes_it_and_returns_the_form_in_one_statement(
    statement, django_assert_num_queries
):
    attempt = sign_attempt(statement)
    with django_assert_num_queries(1):
        taken = SignAttempt.objects.take(attempt.pk)
    assert taken is not None and (taken.pk, taken.kind) == (attempt.pk, SignAttempt.Kind.SIGN)
    assert taken.payload == attempt.payload and taken.payload["fields"]["email"] == "signer@example.org"
    assert not SignAttempt.objects.exists()
    assert SignAttempt.objects.take(attempt.pk) is None


def test_an_attempt_whose_task_fails_is_kept_for_the_sweep(statement):
    attempt = sign_attempt(statement)
    failing = mock.patch("consult.signing.carry_out", side_effect=RuntimeError("worker lost"))
    with failing, pytest.raises(RuntimeError):
        signing.carry_out_attempt(attempt.pk)
    assert list(SignAttempt.objects.values_list("pk", "payload")) == [(attempt.pk, attempt.payload)]
    assert signing.carry_out_attempt(attempt.pk) is True
    assert Signature.objects.get().email == "signer@example.org" and not SignAttempt.objects.exists()


@pytest.mark.services
def test_an_attempt_another_worker_holds_is_skipped_not_waited_for(transactional_db, statement):
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://...)")
    attempt = sign_attempt(statement)
    locked, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                SignAttempt.objects.select_for_update().get(pk=attempt.pk)
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        started = time.monotonic()
        assert signing.carry_out_attempt(attempt.pk) is False
        assert time.monotonic() - started < 5
    finally:
        release.set()
        holder.join(timeout=30)
    assert SignAttempt.objects.filter(pk=attempt.pk).exists() and not Signature.objects.exists()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_signing_task_reads_only_the_statement_columns_its_email_needs(
    statement, language, django_capture_on_commit_callbacks
):
    Statement.objects.filter(pk=statement.pk).update(title="The English title", title_cy="Y teitl Cymraeg")
    attempt = sign_attempt(statement)
    SignAttempt.objects.filter(pk=attempt.pk).update(payload=attempt.payload | {"language": language})
    sent = django_capture_on_commit_callbacks(execute=True)
    with CaptureQueriesContext(connection) as queries, sent:  # The email is sent inside too.
        assert signing.carry_out_attempt(attempt.pk) is True
    reads = [
        query["sql"]
        for query in queries
        if query["sql"].startswith("SELECT") and "consult_statement" in query["sql"]
    ]
    assert len(reads) == 1 and '"consult_statement"."text"' not in reads[0]
    [email] = mail.outbox
    title = "Y teitl Cymraeg" if language == "cy" else "The English title"
    assert title in email.subject and title in email.body and f"/statements/{statement.slug}/" in email.body
