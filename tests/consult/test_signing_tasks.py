"""The signing tasks: outbox delivery (once), the sweep, reconciliation and clean-up."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from consult import tasks
from consult.models import OutboundEmail, Signature, SignatureCounter, SignatureToken, Statement
from tests.consult.signers import post_sign
from tests.factories import SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db


def outbox_row(statement, kind=OutboundEmail.Kind.CONFIRM, age=timedelta(0)) -> OutboundEmail:
    outbound = OutboundEmail.objects.create(signature=SignatureFactory(statement=statement), kind=kind)
    OutboundEmail.objects.filter(pk=outbound.pk).update(created_at=timezone.now() - age)
    return outbound


def test_sending_an_outbox_row_twice_sends_one_email(statement):
    outbound = outbox_row(statement)
    assert tasks.send_outbound_email(outbound.pk) is True
    assert tasks.send_outbound_email(outbound.pk) is False
    assert len(mail.outbox) == 1
    outbound.refresh_from_db()
    assert outbound.sent_at is not None and outbound.attempts == 1
    # One confirmation token and one manage token, both stored hashed.
    assert sorted(SignatureToken.objects.values_list("purpose", flat=True)) == ["confirm", "manage"]


def test_failed_send_is_recorded_and_raised_for_a_retry(statement):
    outbound = outbox_row(statement)
    disconnected = smtplib.SMTPServerDisconnected("x")
    with (
        mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=disconnected),
        pytest.raises(smtplib.SMTPServerDisconnected),
    ):
        OutboundEmail.deliver(outbound.pk)
    outbound.refresh_from_db()
    assert (
        outbound.sent_at is None
        and outbound.attempts == 1
        and "SMTPServerDisconnected" in outbound.last_error
    )
    assert OutboundEmail.deliver(outbound.pk) is True


def test_task_retries_with_backoff_and_a_limit():
    task = tasks.send_outbound_email
    assert task.max_retries == 5
    assert smtplib.SMTPException in task.autoretry_for
    assert task.retry_backoff and task.retry_backoff_max <= 3600


def test_confirmation_is_not_sent_for_a_signature_confirmed_or_withdrawn_meanwhile(statement):
    outbound = outbox_row(statement)
    outbound.signature.withdraw()
    assert OutboundEmail.deliver(outbound.pk) is True
    assert mail.outbox == []


def test_sweep_sends_only_rows_left_unsent_for_a_minute(statement):
    old = outbox_row(statement, age=timedelta(minutes=2))
    outbox_row(statement)
    assert tasks.send_unsent_emails() == 1
    assert tasks.send_unsent_emails() == 0
    assert [message.to for message in mail.outbox] == [[old.signature.email]]


def test_sweep_retries_a_failed_row_later_for_as_long_as_its_link_lives(statement):
    failing = outbox_row(statement, age=timedelta(minutes=5))
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")):
        assert tasks.send_unsent_emails() == 0  # A failure is recorded, not raised.
    failing.refresh_from_db()
    assert failing.attempts == 1 and failing.sent_at is None and "down" in failing.last_error
    assert tasks.send_unsent_emails() == 0  # Tried a moment ago: left for now.
    OutboundEmail.objects.update(last_attempt_at=timezone.now() - tasks.RETRY_AFTER)
    assert tasks.send_unsent_emails() == 1
    expired = outbox_row(statement, age=SignatureToken.CONFIRM_LIFETIME + timedelta(minutes=1))
    assert tasks.send_unsent_emails() == 0  # Its confirmation link has expired: nothing to send.
    expired.refresh_from_db()
    assert expired.sent_at is None


def test_a_row_claimed_by_a_worker_that_died_is_sent_once_the_claim_lapses(statement):
    claimed = outbox_row(statement, age=timedelta(minutes=20))
    OutboundEmail.objects.filter(pk=claimed.pk).update(claimed_until=timezone.now() + timedelta(minutes=1))
    assert OutboundEmail.deliver(claimed.pk) is False  # Another worker is sending it.
    assert tasks.send_unsent_emails() == 0 and mail.outbox == []
    OutboundEmail.objects.filter(pk=claimed.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert tasks.send_unsent_emails() == 1
    claimed.refresh_from_db()
    assert claimed.sent_at is not None and claimed.claimed_until is None
    assert len(mail.outbox) == 1


def test_an_address_refused_for_good_is_not_tried_again(statement):
    refused = outbox_row(statement, age=timedelta(minutes=5))
    error = smtplib.SMTPRecipientsRefused({refused.signature.email: (550, b"No such mailbox")})
    with mock.patch("django.core.mail.EmailMultiAlternatives.send", side_effect=error):
        assert tasks.send_unsent_emails() == 0
    refused.refresh_from_db()
    assert refused.refused and refused.attempts == 1
    OutboundEmail.objects.update(last_attempt_at=timezone.now() - timedelta(days=1))
    assert tasks.send_unsent_emails() == 0
    assert OutboundEmail.deliver(refused.pk) is False
    assert mail.outbox == []


def test_broker_down_signing_still_succeeds_and_the_sweep_sends_later(
    client, statement, django_capture_on_commit_callbacks, caplog
):
    with mock.patch.object(tasks.send_outbound_email, "delay", side_effect=ConnectionRefusedError("broker")):
        response = post_sign(client, statement, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Signature.objects.count() == 1 and mail.outbox == []
    assert "the sweep will send it" in caplog.text
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    assert tasks.send_unsent_emails() == 1
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


def test_beat_schedule_runs_the_sweep_reconciliation_and_cleanup(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "consult.tasks.send_unsent_emails",
        "consult.tasks.reconcile_counts",
        "consult.tasks.delete_stale_pending_signatures",
    } <= scheduled


def test_operators_see_unsent_outbox_rows_and_their_errors_in_the_admin(client, superuser, statement):
    from django.urls import reverse

    outbound = outbox_row(statement)
    OutboundEmail.objects.filter(pk=outbound.pk).update(last_error="SMTPServerDisconnected('down')")
    client.force_login(superuser)
    listing = client.get(reverse("admin:consult_outboundemail_changelist"))
    assert listing.status_code == 200
    detail = client.get(reverse("admin:consult_outboundemail_change", args=[outbound.pk]))
    assert "SMTPServerDisconnected" in detail.content.decode()
    assert client.get(reverse("admin:consult_outboundemail_add")).status_code == 403
