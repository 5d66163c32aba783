"""A confirmation email through a failing SMTP server: down, then 4xx, then slow, then fine.

The signer signs through the real view while the real SMTP server (aiosmtpd on loopback) is
stopped; each later state is the same server on the same port. The outbox row must survive every
failure, be retried by the sweep beat runs, and arrive exactly once.
"""

import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult.emails import send_outbound_email, send_unsent_emails
from consult.models import OutboundEmail, Signature
from tests.consult.signers import sign_data
from tests.factories import StatementFactory
from tests.services import SMTPSink, free_port

pytestmark = pytest.mark.services

SIGNER = "patient@example.org"


class FlakySMTPServer:
    """One SMTP server on a fixed loopback port that the test stops and starts."""

    def __init__(self) -> None:
        self.sink = SMTPSink()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def flaky_smtp(settings):
    server = FlakySMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    yield server
    server.stop()


def outbound() -> OutboundEmail:
    return OutboundEmail.objects.get(signature__email=SIGNER)


def sweep_after_a_minute() -> int:
    """What beat's sweep does once the row is old enough for it, and its pause after a failure over."""
    OutboundEmail.objects.update(
        created_at=timezone.now() - timedelta(minutes=20), next_attempt_at=timezone.now()
    )
    return send_unsent_emails()


def assert_still_waiting(attempts_before: int, error: str) -> int:
    row = outbound()
    assert row.sent_at is None
    assert row.attempts > attempts_before
    assert error in row.last_error
    return row.attempts


def test_confirmation_email_survives_smtp_down_then_4xx_then_slow_and_arrives_once(
    transactional_db, flaky_smtp
):
    statement = StatementFactory()
    # Down: nothing listens. Signing still succeeds (the email's task fails in-process here).
    response = Client().post(reverse("statement_sign", args=[statement.slug]), sign_data(email=SIGNER))
    assert response.status_code == 302
    assert Signature.objects.filter(email=SIGNER, state=Signature.State.PENDING).exists()
    attempts = assert_still_waiting(0, "Connection refused")

    # Up, but refusing for now (a greylisting relay, a full queue).
    flaky_smtp.sink.reply = "451 4.3.0 Try again later"
    flaky_smtp.start()
    assert sweep_after_a_minute() == 0
    attempts = assert_still_waiting(attempts, "451")

    # Accepting, but slower than EMAIL_TIMEOUT: the attempt is abandoned, and so is the message.
    flaky_smtp.sink.reply = None
    flaky_smtp.sink.delay = 2.5
    assert sweep_after_a_minute() == 0
    assert_still_waiting(attempts, "timed out")
    time.sleep(3)  # Had the server kept the abandoned message, it would be there by now.
    assert flaky_smtp.sink.messages == []

    # Fine again: the next sweep sends it; nothing later sends it again.
    flaky_smtp.sink.delay = 0
    assert sweep_after_a_minute() == 1
    assert sweep_after_a_minute() == 0
    assert send_outbound_email.delay(outbound().pk).get() is False  # A late retry finds it sent.
    time.sleep(0.5)
    [message] = flaky_smtp.sink.wait_for(1, timeout=10)
    assert message["X-Envelope-To"] == SIGNER
    assert "/signatures/confirm/" in message.get_body(preferencelist=("plain",)).get_content()
    assert outbound().sent_at is not None
    assert OutboundEmail.objects.count() == 1
