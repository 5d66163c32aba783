"""Every kind of email through the real parts: a Celery worker process, the Redis broker,
PostgreSQL and an SMTP server on loopback. Each is given up when refused for good (5xx, the
reason kept), retried when refused for now (4xx), and sent once; a worker killed mid-batch leaves
nobody without their email and sends at most one twice."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult import emails, milestones, updates
from consult.models import Argument, OutboundEmail, Update
from consult.moderation import decide_argument
from tests.consult.signers import sign_data
from tests.factories import (
    ArgumentFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
    UserFactory,
)
from tests.services import wait_until

pytestmark = pytest.mark.services


def sign(address: str):
    """Sign a new statement through the real view; returns the statement."""
    statement = StatementFactory()
    sign_again(statement, address)
    return statement


def sign_again(statement, address: str) -> None:
    response = Client().post(reverse("statement_sign", args=[statement.slug]), sign_data(email=address))
    assert response.status_code == 302


def confirmation(address: str) -> dict:
    sign(address)
    return {"kind": "confirm", "signature__email": address}


def confirmation_again(address: str) -> dict:
    statement = StatementFactory()
    SignatureFactory(statement=statement, email=address)
    sign_again(statement, address)
    return {"kind": "confirm_again", "signature__email": address}


def already_signed(address: str) -> dict:
    statement = StatementFactory()
    SignatureFactory(statement=statement, email=address).confirm()
    sign_again(statement, address)
    return {"kind": "already_signed", "signature__email": address}


def update(address: str) -> dict:
    statement = StatementFactory()
    SignatureFactory(statement=statement, email=address, wants_updates=True).confirm()
    updates.begin_sending(Update.objects.create(statement=statement, subject="News", body="**Hello**"))
    return {"kind": "update", "signature__email": address}


def milestone(address: str) -> dict:
    statement = StatementFactory(milestones=[1])
    SignatureFactory(statement=statement, email=address, wants_updates=True).confirm()
    milestones.check_milestones()
    return {"kind": "update", "update__kind": "milestone", "signature__email": address}


def milestone_notice(address: str) -> dict:
    statement = StatementFactory(
        milestones=[1], proposer=UserFactory(email=address), proposed_by=OrganisationFactory()
    )
    SignatureFactory(statement=statement).confirm()
    milestones.check_milestones()
    return {"template": "emails/milestone_sent", "to": address}


def decision(address: str) -> dict:
    argument = ArgumentFactory(status=Argument.Status.PENDING, author=UserFactory(email=address))
    decide_argument(argument, UserFactory(is_staff=True), approve=True)
    return {"template": "emails/argument_decided", "to": address}


def account(address: str) -> dict:
    UserFactory(email=address, verified=True)
    assert Client().post(reverse("account_reset_password"), {"email": address}).status_code == 302
    return {"template": "account/email/password_reset_key", "to": address}


KINDS = [
    confirmation,
    confirmation_again,
    already_signed,
    update,
    milestone,
    milestone_notice,
    decision,
    account,
]


def row_of(lookup: dict) -> OutboundEmail:
    """The outbox row the trigger queued (an update's rows are written by the worker)."""
    assert wait_until(lambda: OutboundEmail.objects.filter(**lookup).exists(), timeout=30)
    return OutboundEmail.objects.get(**lookup)


def reloaded(row: OutboundEmail) -> OutboundEmail:
    row.refresh_from_db()
    return row


def messages_to(smtp_server, address: str) -> list:
    return [message for message in list(smtp_server.messages) if message["X-Envelope-To"] == address]


@pytest.mark.parametrize("trigger", KINDS, ids=[kind.__name__ for kind in KINDS])
def test_every_kind_is_given_up_on_5xx_retried_on_4xx_and_sent_once(
    trigger, celery_worker, smtp_server, settings
):
    settings.MILESTONE_GRACE_MINUTES = 0
    smtp_server.reply = "550 5.1.1 Mailbox unavailable"
    refused = row_of(trigger("refused@example.org"))
    assert wait_until(lambda: reloaded(refused).state == OutboundEmail.State.FAILED, timeout=30)
    assert refused.last_error == "550 5.1.1 Mailbox unavailable" and refused.attempts == 1

    smtp_server.reply = "451 4.3.0 Try again later"
    later = row_of(trigger("later@example.org"))
    assert wait_until(lambda: reloaded(later).attempts == 1, timeout=30)
    assert later.state == OutboundEmail.State.PENDING and later.last_error == "451 4.3.0 Try again later"
    assert later.next_attempt_at > timezone.now()

    smtp_server.reply = None
    OutboundEmail.objects.filter(pk=later.pk).update(next_attempt_at=timezone.now())  # Its pause is over.
    emails.send_unsent_emails.delay()  # What beat does every minute.
    assert wait_until(lambda: messages_to(smtp_server, "later@example.org"), timeout=30)
    time.sleep(1)  # Anything more would be a duplicate.
    assert len(messages_to(smtp_server, "later@example.org")) == 1
    assert reloaded(later).state == OutboundEmail.State.SENT
    assert messages_to(smtp_server, "refused@example.org") == []
    assert reloaded(refused).state == OutboundEmail.State.FAILED


def waiting_emails_of_every_kind(count: int) -> set[str]:
    """`count` emails of each kind written by the sweep's own process, queued while the broker
    was down (their tasks never ran) a few minutes ago; returns the addresses."""
    statement = StatementFactory()
    addresses = set()
    with mock.patch("consult.sending.enqueue"):
        for number in range(count):
            pending = SignatureFactory(statement=statement, email=f"pending{number}@example.org")
            emails.queue_for_signer(pending, OutboundEmail.Kind.CONFIRM)
            signed = SignatureFactory(statement=statement, email=f"signed{number}@example.org")
            signed.confirm()
            emails.queue_for_signer(signed, OutboundEmail.Kind.ALREADY_SIGNED)
            argument = ArgumentFactory(author=UserFactory(email=f"author{number}@example.org"))
            decide_argument(argument, UserFactory(is_staff=True), approve=False, reason="Off topic")
            addresses |= {pending.email, signed.email, argument.author.email}
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    return addresses


def test_a_worker_killed_mid_batch_leaves_nobody_missing_and_at_most_one_duplicate(
    celery_worker, smtp_server
):
    addresses = waiting_emails_of_every_kind(100)
    smtp_server.delay = 0.01  # Slow enough that the kill lands mid-batch.
    emails.send_unsent_emails.delay()
    smtp_server.wait_for(60, timeout=60)
    celery_worker.kill()
    assert len(smtp_server.messages) < len(addresses)
    assert OutboundEmail.objects.filter(state="pending", claimed_until__gt=timezone.now()).exists()
    smtp_server.delay = 0
    celery_worker.start()
    # The dead worker's claim lapses (a minute later), and beat's sweep sends what it held.
    OutboundEmail.objects.filter(state="pending").update(claimed_until=timezone.now())
    emails.send_unsent_emails.delay()
    assert wait_until(
        lambda: {m["X-Envelope-To"] for m in list(smtp_server.messages)} >= addresses, timeout=120
    )
    time.sleep(1)
    delivered = [message["X-Envelope-To"] for message in smtp_server.messages]
    assert set(delivered) == addresses
    # The documented bound: one message per worker process killed mid-send (one was sending).
    assert len(delivered) - len(addresses) <= 1
    assert not OutboundEmail.objects.filter(state="pending").exists()


def test_subjects_arrive_as_typed_through_the_worker_and_smtp(celery_worker, smtp_server):
    from django.utils import translation

    title = "Jo's <b>brave</b> & “bold” plan: Ŵyl y Gŵr"
    statement = StatementFactory(title=title, title_cy=title)
    sign_again(statement, "en@example.org")
    with translation.override("cy"):
        sign_again(statement, "cy@example.org")
    messages = {message["X-Envelope-To"]: message for message in smtp_server.wait_for(2, timeout=30)}
    # Encoded (it is not ASCII), the subject starts on the header's next line: the parser keeps
    # the space that folds it there, and every mail client drops it.
    assert messages["en@example.org"]["Subject"].strip() == f"Confirm your signature: {title}"
    assert messages["cy@example.org"]["Subject"].strip() == f"Cadarnhewch eich llofnod: {title}"
    assert title in messages["cy@example.org"].get_body(preferencelist=("plain",)).get_content()
