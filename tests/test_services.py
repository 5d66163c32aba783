"""The real-service fixtures work, so the tests built on them can be trusted."""

import pytest
from django.core.mail import send_mail

pytestmark = pytest.mark.services


def test_mail_sent_by_django_arrives_at_the_loopback_smtp_server(smtp_server):
    send_mail("Hello", "Body text", "site@example.org", ["reader@example.org"])
    [message] = smtp_server.wait_for(1, timeout=5)
    assert message["Subject"] == "Hello"
    assert message["X-Envelope-To"] == "reader@example.org"
    assert message.get_content().strip() == "Body text"


def test_smtp_server_can_refuse_mail_temporarily(smtp_server):
    import smtplib

    smtp_server.reply = "451 Try again later"
    with pytest.raises(smtplib.SMTPDataError):
        send_mail("Hello", "Body", "site@example.org", ["reader@example.org"])
    assert smtp_server.messages == []
