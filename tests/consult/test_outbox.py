"""The one sender's rules, the same for every kind of email: a claim (lease) per batch, one
connection per batch, each row marked as it goes, retries with growing pauses, 5xx given up
with the reason kept, a batch cut short before its lease could lapse."""

import smtplib
import socket
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from consult import emails, notifications, sending
from consult.models import OutboundEmail
from tests.factories import ArgumentFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

SEND = "django.core.mail.backends.locmem.EmailBackend.send_messages"


def queued(count: int = 1) -> list[OutboundEmail]:
    """Emails written when queued: authors told that their argument is published."""
    for number in range(count):
        author = UserFactory(email=f"author{number}@example.org")
        notifications.send_argument_decision(ArgumentFactory(author=author))
    return list(OutboundEmail.objects.order_by("pk"))


def deliver_all(limit: int = 500) -> sending.Outcome:
    return sending.deliver(OutboundEmail.objects.all(), emails.render_for_sending, limit)


def test_a_batch_goes_over_one_connection_and_each_row_is_marked(statement):
    queued(3)
    OutboundEmail.objects.create(signature=SignatureFactory(statement=statement), kind="confirm")
    with mock.patch("django.core.mail.backends.locmem.EmailBackend.open") as opened:
        outcome = deliver_all()
    assert opened.call_count == 1
    assert (outcome.claimed, outcome.sent) == (4, 4)
    assert len(mail.outbox) == 4
    assert set(OutboundEmail.objects.values_list("state", "attempts", "claimed_until")) == {("sent", 1, None)}


def test_a_claimed_row_is_not_taken_by_another_sender_until_its_lease_lapses():
    [row] = queued()
    [claimed] = OutboundEmail.objects.all().claim(10, sending.lease())
    assert claimed.pk == row.pk
    assert OutboundEmail.objects.all().claim(10, sending.lease()) == []
    assert deliver_all().claimed == 0
    OutboundEmail.objects.update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert deliver_all().sent == 1


def test_the_lease_covers_several_smtp_timeouts(settings):
    settings.EMAIL_TIMEOUT = 20
    assert sending.lease() == timedelta(minutes=1)
    settings.EMAIL_TIMEOUT = 60
    assert sending.lease() == timedelta(minutes=3)


def test_a_temporary_refusal_is_retried_with_growing_pauses_up_to_ten_minutes():
    [row] = queued()
    pauses = []
    with mock.patch(SEND, side_effect=smtplib.SMTPDataError(451, b"4.7.1 Try again later")):
        for _ in range(7):
            OutboundEmail.objects.update(next_attempt_at=timezone.now())
            before = timezone.now()
            deliver_all()
            row.refresh_from_db()
            pauses.append(round((row.next_attempt_at - before).total_seconds() / 30))
    assert pauses == [1, 2, 4, 8, 16, 20, 20]  # In 30-second steps: 30 s doubling, up to 10 min.
    assert row.state == OutboundEmail.State.PENDING and row.attempts == 7
    assert row.last_error == "451 4.7.1 Try again later"


def test_a_permanent_refusal_is_given_up_with_its_reason_and_the_batch_goes_on():
    first, second = queued(2)
    refusal = smtplib.SMTPRecipientsRefused(
        {"author0@example.org": (550, b"5.1.1 <author0@example.org> unknown")}
    )
    real_send = mail.backends.locmem.EmailBackend.send_messages

    def refuse_the_first(self, messages):
        if messages[0].to == ["author0@example.org"]:
            raise refusal
        return real_send(self, messages)

    with mock.patch(SEND, refuse_the_first):
        assert deliver_all().sent == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == OutboundEmail.State.FAILED
    # The reason reads the same for everyone it happens to, and holds no address.
    assert first.last_error == "550 5.1.1 <address> unknown"
    assert second.state == OutboundEmail.State.SENT


def test_an_unreachable_server_puts_off_the_whole_batch_and_the_sweep_stops():
    rows = queued(3)
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.open",
        side_effect=ConnectionRefusedError(111, "Connection refused"),
    ):
        assert sending.sweep(emails.render_for_sending) == 0
    for row in rows:
        row.refresh_from_db()
        assert row.state == OutboundEmail.State.PENDING and row.attempts == 1
        assert "Connection refused" in row.last_error and row.next_attempt_at > timezone.now()


def test_a_lost_connection_defers_one_message_and_the_batch_goes_on_over_a_new_one():
    rows = queued(3)
    real_send = mail.backends.locmem.EmailBackend.send_messages
    calls = []

    def drop_the_second(self, messages):
        calls.append(messages[0].to[0])
        if len(calls) == 2:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    with mock.patch(SEND, drop_the_second):
        assert deliver_all().sent == 2
    states = [OutboundEmail.objects.get(pk=row.pk).state for row in rows]
    assert states == ["sent", "pending", "sent"]


def test_a_batch_stops_before_its_lease_could_lapse_and_lets_the_rest_go(settings):
    queued(3)
    clock = iter([0.0, 0.0, 0.0, 10_000.0, 10_000.0, 10_000.0])
    with mock.patch("consult.sending.time.monotonic", lambda: next(clock)):
        outcome = deliver_all()
    assert outcome.unfinished and outcome.sent == 2
    left = OutboundEmail.objects.get(state="pending")
    assert left.claimed_until is None and left.attempts == 0 and left.next_attempt_at <= timezone.now()


def test_an_unfinished_batch_task_queues_the_rest_in_a_new_one():
    queued(2)
    cut_short = sending.Outcome(claimed=2, sent=1, unfinished=True)
    with (
        mock.patch("consult.sending.deliver", return_value=cut_short),
        mock.patch.object(emails.send_outbound_batch, "delay") as again,
    ):
        emails.send_outbound_batch(1, 99)
    again.assert_called_once_with(1, 99)


def test_an_email_that_cannot_be_written_is_given_up_alone(statement):
    good, bad = queued(2)
    OutboundEmail.objects.filter(pk=bad.pk).update(
        subject="Line\nBreak", to="x@example.org\nBcc: y@example.org"
    )
    assert deliver_all().sent == 1
    bad.refresh_from_db()
    assert bad.state == OutboundEmail.State.FAILED and bad.last_error
    assert [message.to for message in mail.outbox] == [[good.to]]


def test_a_row_with_no_address_left_is_skipped(statement):
    signature = SignatureFactory(statement=statement)
    row = OutboundEmail.objects.create(signature=signature, kind="already_signed")
    signature.email = ""
    signature.save()
    assert deliver_all().sent == 0
    row.refresh_from_db()
    assert row.state == OutboundEmail.State.SKIPPED and "erased" in row.last_error


def test_queue_writes_the_email_now_and_sends_it_after_the_commit(django_capture_on_commit_callbacks):
    argument = ArgumentFactory(language="cy")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = emails.queue(
            "argument_decided",
            to="jo@example.org",
            context={"argument": argument, "published": True, "argument_url": "https://example.org/a"},
            language="cy",
            about=argument,
        )
        assert row.subject == "Mae eich dadl wedi'i chyhoeddi" and "https://example.org/a" in row.text
        assert row.about == argument and row.state == OutboundEmail.State.PENDING
        assert mail.outbox == []  # Nothing leaves before the commit.
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.subject == "Mae eich dadl wedi'i chyhoeddi" and message.to == ["jo@example.org"]
    assert message.alternatives[0][1] == "text/html"
    row.refresh_from_db()
    assert row.state == OutboundEmail.State.SENT


def test_a_queued_email_is_not_sent_if_its_transaction_rolls_back(django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        queued()
        raise RuntimeError("The decision failed.")
    assert mail.outbox == [] and not OutboundEmail.objects.exists()


def test_sweep_gives_up_what_could_not_be_delivered_within_seven_days():
    [row] = queued()
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(days=8), attempts=40)
    assert sending.sweep(emails.render_for_sending) == 0
    row.refresh_from_db()
    assert row.state == OutboundEmail.State.FAILED and row.last_error.startswith(
        "Not delivered within 7 days"
    )


HOSTILE_TITLE = "Jo's <b>brave</b> & “bold” plan: Ŵyl y Gŵr"


def test_subjects_are_plain_text_never_html_escaped(client, statement, django_capture_on_commit_callbacks):
    from django.utils import translation

    from tests.consult.signers import post_sign

    statement.title = statement.title_cy = HOSTILE_TITLE
    statement.save()
    post_sign(client, statement, django_capture_on_commit_callbacks, email="jo@example.org")
    with translation.override("cy"):
        post_sign(client, statement, django_capture_on_commit_callbacks, email="cy@example.org")
    english, welsh = mail.outbox
    assert english.subject == f"Confirm your signature: {HOSTILE_TITLE}"
    assert welsh.subject == f"Cadarnhewch eich llofnod: {HOSTILE_TITLE}"
    for message in (english, welsh):
        assert HOSTILE_TITLE in message.body  # The text part is plain text too.
        html = message.alternatives[0][0]
        assert "Jo&#x27;s &lt;b&gt;brave&lt;/b&gt; &amp;" in html and "<b>brave</b>" not in html


def test_a_spoofed_host_changes_no_link_in_a_signers_email(
    client, statement, django_capture_on_commit_callbacks, settings
):
    from django.urls import reverse

    from tests.consult.signers import links_in, sign_data

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("statement_sign", args=[statement.slug]), sign_data(), HTTP_HOST="localhost:6666")
    [message] = mail.outbox
    assert links_in(message) and all(link.startswith(settings.SITE_URL) for link in links_in(message))
    assert "localhost" not in message.body + message.alternatives[0][0]


def test_the_export_lists_every_email_to_or_about_a_signer_and_erasure_forgets_them(statement):
    from consult import updates
    from consult.models import Update
    from consult.personal_data import erase_for, export_for

    signature = SignatureFactory(statement=statement, email="jo@example.org", wants_updates=True)
    signature.confirm()
    update = Update.objects.create(statement=statement, subject="News", body="Hello", status="sending")
    updates.create_emails(update)
    context = {"argument": ArgumentFactory(), "published": True}
    emails.queue("argument_decided", to="jo@example.org", context=context, language="en", about=signature)
    sent = emails.queue(
        "argument_decided", to="jo@example.org", context=context, language="en", about=signature
    )
    OutboundEmail.objects.filter(pk=sent.pk).update(state="sent")
    listed = export_for(signature)["signatures"][0]["emails"]
    assert sorted((email["kind"], email["subject"], email["state"]) for email in listed) == [
        ("message", "Your argument is published", "pending"),
        ("message", "Your argument is published", "sent"),
        ("update", "News", "pending"),
    ]
    erase_for(signature)
    left = OutboundEmail.objects.of_signatures([signature.pk])
    assert list(left.values_list("state", "to", "text")) == [("sent", "", "")]


def deliver_one(row: OutboundEmail) -> sending.Outcome:
    return sending.deliver(OutboundEmail.objects.filter(pk=row.pk), emails.render_for_sending)


def test_a_worker_keeps_one_smtp_connection_for_its_emails_and_reopens_a_dropped_one(smtp_server):
    first, second, third = queued(3)
    peers: list = []
    real_send = mail.backends.smtp.EmailBackend.send_messages

    def noting_the_socket(self, messages):
        peers.append(self.connection.sock.getsockname())
        return real_send(self, messages)

    with mock.patch("django.core.mail.backends.smtp.EmailBackend.send_messages", noting_the_socket):
        for row in (first, second):
            assert deliver_one(row).sent == 1
        assert peers[0] == peers[1]  # Two tasks, one connection.
        # The server drops the idle connection: the next email goes once, over a new one.
        sending.kept_here.connection.connection.sock.shutdown(socket.SHUT_RDWR)
        assert deliver_one(third).sent == 1
    assert len(peers) == 4 and peers[2] == peers[0] and peers[3] != peers[0]  # Tried, then reopened.
    delivered = [message["X-Envelope-To"] for message in smtp_server.wait_for(3, timeout=10)]
    assert sorted(delivered) == ["author0@example.org", "author1@example.org", "author2@example.org"]
    assert set(OutboundEmail.objects.values_list("state", "attempts")) == {("sent", 1)}
    sending.close_kept_connection()
    assert sending.kept_here.connection is None


def test_a_kept_connection_is_not_reused_once_idle_or_for_other_settings(smtp_server, settings):
    first, second, third = queued(3)
    deliver_one(first)
    kept = sending.kept_here.connection
    assert kept is not None
    sending.kept_here.used_at -= sending.KEEP_IDLE_FOR
    deliver_one(second)
    assert kept.connection is None and sending.kept_here.connection is not kept  # Closed, not reused.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert deliver_one(third).sent == 1
    assert sending.kept_here.connection is None and len(mail.outbox) == 1
    assert len(smtp_server.wait_for(2, timeout=10)) == 2


def test_a_signers_email_reaches_the_server_as_text_and_html_parts_under_a_fresh_boundary(
    smtp_server, statement
):
    for number in range(2):
        signature = SignatureFactory(statement=statement, email=f"signer{number}@example.org")
        OutboundEmail.objects.create(signature=signature, kind=OutboundEmail.Kind.CONFIRM)
    assert deliver_all().sent == 2
    received = smtp_server.wait_for(2, timeout=10)
    boundaries = set()
    for message in received:
        assert message.get_content_type() == "multipart/alternative"
        text, html = message.iter_parts()
        assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
        assert "/confirm/" in text.get_content() and "/confirm/" in html.get_content()
        assert statement.title in text.get_content()
        boundaries.add(message.get_boundary())
    assert len(boundaries) == 2
    # Chosen as the message is built (the email package would check a boundary of its own
    # against the text with a regular expression compiled for each message).
    built = emails.message("Subject", "Text", "<p>HTML</p>", "reader@example.org").message()
    assert built.get_boundary() is not None
    assert (
        built.get_boundary() != emails.message("S", "T", "<p>H</p>", "r@example.org").message().get_boundary()
    )


def test_an_attempts_outcome_is_recorded_in_one_statement(django_assert_num_queries):
    [row] = queued(1)
    OutboundEmail.objects.filter(pk=row.pk).update(
        claimed_until=timezone.now(), last_error="earlier", attempts=2
    )
    row.refresh_from_db()
    with django_assert_num_queries(1):
        row.retry_later("451 try again")
    row.refresh_from_db()
    assert (row.state, row.attempts, row.claimed_until, row.last_error) == (
        "pending",
        3,
        None,
        "451 try again",
    )
    assert row.next_attempt_at > timezone.now() + timedelta(minutes=1) and row.last_attempt_at is not None
    with django_assert_num_queries(1):
        row.mark_sent()
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (OutboundEmail.State.SENT, 4, "")
    assert row.sent_at is not None and row.sent_at >= row.last_attempt_at - timedelta(seconds=1)
