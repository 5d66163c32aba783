"""Signing through the real parts: a Redis broker, a Celery worker process and an SMTP server."""

import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from config import celery_app
from consult import signing
from consult.models import OutboundEmail, SignAttempt, Signature
from tests.consult.signers import sign_data
from tests.services import wait_until

pytestmark = pytest.mark.services


def reset_broker_pools() -> None:
    """Forget pooled broker connections, so the next publish connects to the current broker_url."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def broker_unreachable():
    """The web side's broker is down: nothing listens on its port."""
    previous = celery_app.conf.broker_write_url
    # Publishing connects to broker_write_url (Celery fills it from CELERY_BROKER_URL).
    celery_app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    reset_broker_pools()
    try:
        yield
    finally:
        celery_app.conf.broker_write_url = previous
        reset_broker_pools()


def sent() -> bool:
    return OutboundEmail.objects.get().sent_at is not None


def sign(statement, **overrides):
    from django.urls import reverse

    return Client().post(reverse("statement_sign", args=[statement.slug]), sign_data(**overrides))


def test_confirmation_email_goes_through_the_worker_to_the_smtp_server(celery_worker, smtp_server, statement):
    response = sign(statement, email="jo@example.org")
    assert response.status_code == 302
    [message] = smtp_server.wait_for(1, timeout=30)
    assert message["X-Envelope-To"] == "jo@example.org"
    assert statement.title in message["Subject"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "/signatures/confirm/" in text
    assert message.get_body(preferencelist=("html",)) is not None
    assert wait_until(sent, timeout=10)  # The worker commits just after the server accepts.
    assert Signature.objects.filter(state=Signature.State.PENDING).count() == 1
    assert SignAttempt.objects.count() == 0


def test_with_the_broker_down_signing_is_fast_and_the_sweep_delivers_later(
    celery_worker, smtp_server, statement
):
    with broker_unreachable():
        started = time.monotonic()
        response = sign(statement, email="jo@example.org")
        elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 2
    # The attempt is kept; nothing acts on it while the broker is down.
    assert SignAttempt.objects.count() == 1
    time.sleep(1)
    assert smtp_server.messages == [] and Signature.objects.count() == 0
    # The broker is back; the beat's sweep finds the attempt once it is a minute old, and the
    # signature it makes queues its email as any does.
    SignAttempt.objects.update(created_at=timezone.now() - timedelta(minutes=2))
    signing.carry_out_waiting_attempts.delay()
    [message] = smtp_server.wait_for(1, timeout=30)
    assert message["X-Envelope-To"] == "jo@example.org"
    assert wait_until(sent, timeout=10)  # The worker commits just after the server accepts.
    assert Signature.objects.filter(state=Signature.State.PENDING).count() == 1
    assert SignAttempt.objects.count() == 0
