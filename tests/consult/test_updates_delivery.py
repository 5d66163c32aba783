"""Update emails through the real parts: Redis broker, a Celery worker process, an SMTP server."""

import time

import pytest

from consult import updates
from consult.models import Signature, SignatureCounter, Update, UpdateDelivery
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
    update = Update.objects.create(statement=statement, subject="News", body="It **worked**.")
    assert updates.begin_sending(update)
    recipients = wait_for_recipients(smtp_server, RECIPIENTS, timeout=180)
    time.sleep(1)  # Anything more would be a duplicate.
    assert len(recipients) == RECIPIENTS
    assert len(smtp_server.messages) == RECIPIENTS
    message = smtp_server.messages[0]
    assert message["Subject"] == "News"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip()
    assert unsubscribe.startswith("<http") and "/unsubscribe/" in unsubscribe
    update.refresh_from_db()
    assert update.status == Update.Status.SENT
    assert update.progress()["sent"] == RECIPIENTS


def test_worker_killed_mid_update_leaves_nobody_skipped(celery_worker, smtp_server):
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
    # What beat would do two minutes later: resume the stalled update.
    updates.resume_stalled_updates.delay(0)
    recipients = wait_for_recipients(smtp_server, RECIPIENTS, timeout=180)
    time.sleep(1)
    assert len(recipients) == RECIPIENTS
    duplicates = len(smtp_server.messages) - RECIPIENTS
    # The documented bound: one message per worker process killed mid-send (concurrency 2).
    assert duplicates <= 2
    assert not UpdateDelivery.objects.filter(update=update, status=UpdateDelivery.Status.PENDING).exists()
