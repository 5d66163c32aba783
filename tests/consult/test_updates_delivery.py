"""Update emails through the real parts: Redis broker, a Celery worker process, an SMTP server."""

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult import updates
from consult.emails import send_unsent_emails
from consult.models import ModerationDecision, OutboundEmail, Signature, SignatureCounter, Update
from tests.factories import StatementFactory

pytestmark = pytest.mark.services

RECIPIENTS = 1_000


def statement_with_opted_in_signers(count: int):
    statement = StatementFactory()
    Signature.objects.bulk_create(
        Signature(
            statement=statement,
            name=f"Signer {number}",
            email=f"signer{number}@example.org",
            email_normalised=f"signer{number}@example.org",
            state=Signature.State.CONFIRMED,
            wants_updates=True,
        )
        for number in range(count)
    )
    SignatureCounter.reconcile(statement.pk)
    return statement


def distinct_recipients(smtp_server) -> set[str]:
    return {message["X-Envelope-To"] for message in list(smtp_server.messages)}


def wait_for_recipients(smtp_server, count: int, timeout: float) -> set[str]:
    deadline = time.monotonic() + timeout
    while len(distinct_recipients(smtp_server)) < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return distinct_recipients(smtp_server)


def test_update_to_a_thousand_signers_arrives_exactly_once_each(celery_worker, smtp_server):
    statement = statement_with_opted_in_signers(RECIPIENTS)
    update = Update.objects.create(
        statement=statement, subject="News: Jo's <b> & “Cymru”", body="It **worked**."
    )
    assert updates.begin_sending(update)
    recipients = wait_for_recipients(smtp_server, RECIPIENTS, timeout=180)
    time.sleep(1)  # Anything more would be a duplicate.
    assert len(recipients) == RECIPIENTS
    assert len(smtp_server.messages) == RECIPIENTS
    message = smtp_server.messages[0]
    assert message["Subject"] == "News: Jo's <b> & “Cymru”"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip()
    assert unsubscribe.startswith("<http") and "/unsubscribe/" in unsubscribe
    update.refresh_from_db()
    assert update.status == Update.Status.SENT
    assert update.progress()["sent"] == RECIPIENTS


def stall_page(client: Client, update: Update) -> str:
    return client.get(reverse("admin:consult_update_change", args=[update.pk])).content.decode()


def test_worker_killed_mid_update_leaves_nobody_skipped_and_the_admin_resumes_it(
    celery_worker, smtp_server, superuser
):
    statement = statement_with_opted_in_signers(RECIPIENTS)
    update = Update.objects.create(statement=statement, subject="News", body="Still here.")
    smtp_server.delay = 0.01  # Slow enough that the kill lands mid-run.
    assert updates.begin_sending(update)
    smtp_server.wait_for(150, timeout=120)
    celery_worker.kill()
    delivered_before_kill = len(distinct_recipients(smtp_server))
    assert delivered_before_kill < RECIPIENTS
    smtp_server.delay = 0
    celery_worker.start()
    # Two minutes with nothing tried: the admin says the update has stalled.
    OutboundEmail.objects.filter(update=update).update(last_attempt_at=timezone.now() - timedelta(minutes=3))
    Update.objects.filter(pk=update.pk).update(sending_started_at=timezone.now() - timedelta(minutes=5))
    client = Client()
    client.force_login(superuser)
    assert "Sending has stalled" in stall_page(client, update)
    # The killed worker's claim lapses a minute later; then "resume now" sends everything left.
    OutboundEmail.objects.filter(update=update, state="pending").update(claimed_until=timezone.now())
    client.post(reverse("admin:consult_update_resume", args=[update.pk]))
    recipients = wait_for_recipients(smtp_server, RECIPIENTS, timeout=180)
    time.sleep(1)
    assert len(recipients) == RECIPIENTS
    duplicates = len(smtp_server.messages) - RECIPIENTS
    # The documented bound: one message per worker process killed mid-send (concurrency 2).
    assert duplicates <= 2
    update.refresh_from_db()
    assert update.status == Update.Status.SENT
    assert "Sending has stalled" not in stall_page(client, update)
    assert ModerationDecision.objects.get().action == "resume update"


def test_a_stalled_update_is_finished_by_the_sweep_alone(celery_worker, smtp_server):
    statement = statement_with_opted_in_signers(300)
    update = Update.objects.create(statement=statement, subject="News", body="Still here.")
    smtp_server.delay = 0.01
    assert updates.begin_sending(update)
    smtp_server.wait_for(50, timeout=120)
    celery_worker.kill()
    smtp_server.delay = 0
    celery_worker.start()
    # A few minutes on: the claims have lapsed, and beat's sweeps run.
    OutboundEmail.objects.filter(update=update, state="pending").update(
        claimed_until=timezone.now(), created_at=timezone.now() - timedelta(minutes=5)
    )
    send_unsent_emails.delay()
    assert len(wait_for_recipients(smtp_server, 300, timeout=120)) == 300
    time.sleep(1)
    assert len(smtp_server.messages) - 300 <= 2
    update.refresh_from_db()
    assert update.status == Update.Status.SENT
