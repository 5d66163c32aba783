import smtplib

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from consult import updates
from consult.models import ConsentEvent, Signature, Update, UpdateDelivery
from tests.factories import SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db


def signer(statement, wants_updates=True, confirm=True, **fields) -> Signature:
    signature = SignatureFactory(statement=statement, wants_updates=wants_updates, **fields)
    if confirm:
        signature.confirm()
    return signature


def draft(statement, **fields) -> Update:
    fields = {"subject": "News", "body": "We **did** it. [Read more](https://example.org/news)", **fields}
    return Update.objects.create(statement=statement, **fields)


def test_audience_is_confirmed_counted_signers_who_opted_in(statement):
    wanted = signer(statement)
    signer(statement, wants_updates=False)
    signer(statement, confirm=False)
    signer(statement).withdraw()
    signer(statement).invalidate("Fraud")
    signer(statement, hold=Signature.Hold.SUSPECT)
    unsubscribed = signer(statement)
    ConsentEvent.record(unsubscribed, False, ConsentEvent.Source.UNSUBSCRIBE)
    assert list(updates.audience(statement)) == [wanted]


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """begin_sending, with the fan-out it queues after the commit run at once (eager Celery)."""

    def begin(update: Update) -> bool:
        with django_capture_on_commit_callbacks(execute=True):
            return updates.begin_sending(update)

    return begin


def test_sending_emails_each_recipient_once_with_one_click_unsubscribe_headers(statement, send):
    recipients = {signer(statement).email for _ in range(3)}
    signer(statement, wants_updates=False)
    update = draft(statement)
    assert send(update) is True
    assert {message.to[0] for message in mail.outbox} == recipients
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = message.extra_headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe_url.startswith("http://testserver/unsubscribe/") or "/unsubscribe/" in unsubscribe_url
    assert unsubscribe_url in message.body
    html = message.alternatives[0][0]
    assert "<strong>did</strong>" in html and 'href="https://example.org/news"' in html
    update.refresh_from_db()
    assert update.status == Update.Status.SENT and update.audience_size == 3
    assert update.progress() == {"sent": 3, "failed": 0, "skipped": 0, "total": 3, "pending": 0}


def test_each_update_email_carries_a_working_manage_link_to_its_own_signature(client, statement, send):
    """The batch stores every message's manage token in one query; each must still work alone."""
    import re
    from urllib.parse import urlsplit

    signers = {signer(statement, name=f"Signer {number}").email: f"Signer {number}" for number in range(3)}
    assert send(draft(statement)) is True
    for message in mail.outbox:
        manage_url = re.search(r"Manage or withdraw your signature: (\S+)", message.body).group(1)
        page = client.get(urlsplit(manage_url).path)
        assert page.status_code == 200
        assert signers[message.to[0]] in page.content.decode()


def test_queries_per_update_message_do_not_grow_with_the_batch(
    statement, send, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries_to_send(recipients: int) -> int:
        for _ in range(recipients):
            signer(statement)
        with CaptureQueriesContext(connection) as captured:
            send(draft(statement))
        return len(captured.captured_queries)

    few = queries_to_send(2)
    mail.outbox.clear()
    many = queries_to_send(4)  # This batch holds the earlier two signers as well: six messages.
    assert (many - few) / 4 <= 4  # Lock, mark sent and the transaction around them: nothing per statement.


def test_an_update_cannot_be_sent_twice(statement, send):
    signer(statement)
    update = draft(statement)
    assert send(update) is True
    assert send(update) is False
    updates.fan_out_update(update.pk)  # A duplicated or retried task.
    updates.send_update_batch(update.pk, 0, 10**9)
    assert len(mail.outbox) == 1
    assert UpdateDelivery.objects.count() == 1


def test_signer_who_withdraws_before_their_turn_is_skipped(statement):
    keep, leave = signer(statement), signer(statement)
    update = draft(statement, status=Update.Status.SENDING)
    updates.create_deliveries(update)
    leave.withdraw()
    updates.send_update_batch(update.pk, 0, 10**9)
    assert [message.to for message in mail.outbox] == [[keep.email]]
    assert update.deliveries.get(signature=leave).status == UpdateDelivery.Status.SKIPPED


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        "[click](javascript:alert(1))",
        '<img src="x" onerror="alert(1)">',
        "<a href='data:text/html,<script>alert(1)</script>'>x</a>",
        "<iframe src='https://evil.example'></iframe>",
    ],
)
def test_no_script_survives_the_markdown(body):
    html = updates.render_html(body)
    for dangerous in ["<script", "javascript:", "onerror", "data:text", "<iframe", "<img"]:
        assert dangerous not in html


def test_markdown_keeps_links_and_emphasis():
    html = updates.render_html("Hello *there*, see [the report](https://example.org/r).")
    assert "<em>there</em>" in html
    assert '<a href="https://example.org/r" rel="noopener noreferrer">the report</a>' in html


def deliver_one(statement, reply: str, smtp_server) -> UpdateDelivery:
    from django.core.mail import get_connection

    signer(statement)
    update = draft(statement, status=Update.Status.SENDING)
    updates.create_deliveries(update)
    smtp_server.reply = reply
    delivery = update.deliveries.get()
    with get_connection() as connection:
        updates.deliver(update, delivery.pk, updates.rendered_bodies(update), connection)
    delivery.refresh_from_db()
    return delivery


@pytest.mark.services
def test_permanent_smtp_failure_is_recorded_and_not_retried(statement, smtp_server):
    delivery = deliver_one(statement, "550 No such mailbox", smtp_server)
    assert delivery.status == UpdateDelivery.Status.FAILED
    assert "No such mailbox" in delivery.error
    assert updates.finish_if_done(delivery.update_id) is True


@pytest.mark.services
def test_temporary_smtp_failure_leaves_the_delivery_pending_for_a_retry(statement, smtp_server):
    delivery = deliver_one(statement, "451 Try again later", smtp_server)
    assert delivery.status == UpdateDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert updates.finish_if_done(delivery.update_id) is False


def test_is_permanent_reads_the_smtp_code():
    assert updates.is_permanent(smtplib.SMTPDataError(550, b"no"))
    assert not updates.is_permanent(smtplib.SMTPDataError(451, b"later"))
    assert not updates.is_permanent(smtplib.SMTPRecipientsRefused({"a@example.org": (450, b"busy")}))


def test_milestone_update_is_sent_exactly_once(statement, django_capture_on_commit_callbacks):
    statement.milestones = [2, 100]
    statement.save()
    signer(statement)
    assert updates.check_milestones() == 0
    signer(statement, wants_updates=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert updates.check_milestones() == 1
        assert updates.check_milestones() == 0
    update = statement.updates.get()
    assert (update.kind, update.milestone, update.status) == ("milestone", 2, Update.Status.SENT)
    assert len(mail.outbox) == 1


def test_milestones_are_unique_in_the_database(statement):
    from django.db import IntegrityError, transaction

    Update.objects.create(statement=statement, kind="milestone", milestone=10, subject="a", body="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Update.objects.create(statement=statement, kind="milestone", milestone=10, subject="a", body="b")


def test_one_click_unsubscribe_needs_no_cookie_or_csrf_token(statement):
    signature = signer(statement)
    url = reverse("unsubscribe", args=[updates.unsubscribe_token(signature)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.wants_updates is False
    assert signature.consent_events.get().source == ConsentEvent.Source.UNSUBSCRIBE
    assert not response.cookies


def test_unsubscribe_page_offers_this_statement_or_everything(client, consultation):
    first = signer(StatementFactory(consultation=consultation), email="jo@example.org")
    second = signer(StatementFactory(consultation=consultation), email="jo@example.org")
    url = reverse("unsubscribe", args=[updates.unsubscribe_token(first)])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="all"' in page.content.decode() and not page.cookies
    client.post(url, {"scope": "all"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.wants_updates, second.wants_updates) == (False, False)


def test_unsubscribe_leaves_the_signature_counted(statement):
    signature = signer(statement)
    Client().post(reverse("unsubscribe", args=[updates.unsubscribe_token(signature)]))
    assert statement.counts().total == 1


@pytest.mark.parametrize("token", ["nonsense", "1:forged:signature", "\u202e\u200b", "x" * 2000])
def test_forged_unsubscribe_links_get_a_clear_page(client, token):
    response = client.post(reverse("unsubscribe", args=[token]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_unsubscribe_refuses_other_methods(client, statement):
    url = reverse("unsubscribe", args=[updates.unsubscribe_token(signer(statement))])
    assert client.put(url).status_code == 405


def test_an_update_whose_fan_out_was_never_queued_is_resumed_by_the_sweep(statement):
    # The state a broker outage leaves behind: marked as sending, no delivery written yet.
    recipient = signer(statement)
    update = draft(statement, status=Update.Status.SENDING)
    Update.objects.filter(pk=update.pk).update(sending_started_at=update.created_at)
    assert updates.resume_stalled_updates(0) == 1
    assert [message.to for message in mail.outbox] == [[recipient.email]]
    update.refresh_from_db()
    assert update.status == Update.Status.SENT
    assert updates.resume_stalled_updates(0) == 0


def test_a_sending_update_that_is_making_progress_is_left_alone(statement):
    from datetime import timedelta

    from django.utils import timezone

    signer(statement)
    signer(statement)
    update = draft(statement, status=Update.Status.SENDING)
    Update.objects.filter(pk=update.pk).update(sending_started_at=timezone.now() - timedelta(hours=2))
    updates.create_deliveries(update)
    # One delivered a moment ago, one still pending: a live fan-out, not a stalled one.
    first = update.deliveries.order_by("pk").first()
    update.deliveries.filter(pk=first.pk).update(status=UpdateDelivery.Status.SENT, sent_at=timezone.now())
    assert updates.resume_stalled_updates(3600) == 0
    assert updates.resume_stalled_updates(0) == 1
