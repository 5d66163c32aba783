from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult import emails, markup, updates
from consult.models import ConsentEvent, ModerationDecision, OutboundEmail, Signature, Update
from tests.factories import SignatureFactory, StatementFactory, UserFactory

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
    assert "/unsubscribe/" in unsubscribe_url
    assert unsubscribe_url in message.body
    html = message.alternatives[0][0]
    assert "<strong>did</strong>" in html and 'href="https://example.org/news"' in html
    update.refresh_from_db()
    assert update.status == Update.Status.SENT and update.audience_size == 3
    assert update.progress() == {"sent": 3, "failed": 0, "skipped": 0, "total": 3, "pending": 0}


def test_the_text_part_is_plain_text_with_no_markdown_and_nothing_the_html_dropped(statement, send):
    signer(statement)
    body = (
        "We **did** it, _together_.\n\n- one\n- [two](https://example.org/two)\n\n<script>alert(1)</script>"
    )
    send(draft(statement, body=body))
    text = mail.outbox[0].body
    assert "We did it, together." in text
    assert "- one\n- two (https://example.org/two)" in text
    for leftover in ["**", "_together_", "[two]", "<script", "alert(1)"]:
        assert leftover not in text


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


def test_queries_per_update_message_do_not_grow_with_the_batch(statement, send):
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
    assert (many - few) / 4 <= 1  # Marking each row sent: nothing else per message.


def test_an_update_cannot_be_sent_twice(statement, send):
    signer(statement)
    update = draft(statement)
    assert send(update) is True
    assert send(update) is False
    updates.fan_out_update(update.pk)  # A duplicated or retried task.
    emails.send_outbound_batch(0, 10**9)
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.UPDATE).count() == 1


def test_signer_who_withdraws_before_their_turn_is_skipped(statement):
    keep, leave = signer(statement), signer(statement)
    update = draft(statement, status=Update.Status.SENDING)
    updates.create_emails(update)
    leave.withdraw()
    emails.send_outbound_batch(0, 10**9)
    assert [message.to for message in mail.outbox] == [[keep.email]]
    skipped = update.emails.get(signature=leave)
    assert skipped.state == OutboundEmail.State.SKIPPED and "no longer counts" in skipped.last_error
    update.refresh_from_db()
    assert update.status == Update.Status.SENT


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
    html = markup.to_html(body)
    text = markup.to_text(html)
    for dangerous in ["<script", "javascript:", "onerror", "data:text", "<iframe", "<img"]:
        assert dangerous not in html
        assert dangerous not in text


def test_markdown_keeps_links_and_emphasis():
    html = markup.to_html("Hello *there*, see [the report](https://example.org/r).")
    assert "<em>there</em>" in html
    assert '<a href="https://example.org/r" rel="noopener noreferrer">the report</a>' in html
    assert markup.to_text(html) == "Hello there, see the report (https://example.org/r).\n"


def test_plain_text_keeps_paragraphs_lists_quotes_and_code_apart():
    body = "First line.\n\n1. one\n2. two\n\n> Quoted *words*.\n\n    code  kept\n\n---\n\nTom & Jerry 5 < 6"
    assert markup.to_text(markup.to_html(body)) == (
        "First line.\n\n1. one\n2. two\n\n> Quoted words.\n\ncode  kept\n\n* * *\n\nTom & Jerry 5 < 6\n"
    )


def test_an_update_to_more_than_the_threshold_cannot_be_sent_by_its_author_alone(statement, settings):
    settings.UPDATE_APPROVAL_THRESHOLD = 2
    author, second = UserFactory(is_staff=True), UserFactory(is_staff=True)
    for _ in range(3):
        signer(statement)
    update = draft(statement, created_by=author)
    with pytest.raises(updates.Refused):
        updates.send(update, author)
    with pytest.raises(updates.Refused):
        updates.approve(update, author)  # Nobody approves their own.
    with pytest.raises(updates.Refused):
        updates.send(update, second)  # Nor does sending count as approving.
    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT and not ModerationDecision.objects.exists()
    updates.approve(update, second, "Read it twice.")
    assert updates.send(update, author) == 3
    actions = ModerationDecision.objects.order_by("created_at").values_list("action", "moderator", "reason")
    assert list(actions) == [
        ("approve update", second.pk, "Read it twice."),
        ("send update", author.pk, f"Sent to 3 signers (approved by {second})"),
    ]
    update.refresh_from_db()
    assert update.status == Update.Status.SENDING and not update.is_editable


def test_an_update_up_to_the_threshold_is_sent_by_one_moderator(statement, settings):
    settings.UPDATE_APPROVAL_THRESHOLD = 2
    author = UserFactory(is_staff=True)
    signer(statement), signer(statement)
    update = draft(statement, created_by=author)
    assert updates.send(update, author) == 2
    assert ModerationDecision.objects.get().action == "send update"
    with pytest.raises(updates.Refused):
        updates.send(update, author)


def test_one_click_unsubscribe_needs_no_cookie_or_csrf_token(statement):
    signature = signer(statement)
    url = reverse("unsubscribe", args=[emails.unsubscribe_token(signature)])
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.wants_updates is False
    assert signature.consent_events.get().source == ConsentEvent.Source.UNSUBSCRIBE
    assert not response.cookies


def test_unsubscribe_page_offers_this_statement_or_everything(client, consultation):
    first = signer(StatementFactory(consultation=consultation), email="jo@example.org")
    second = signer(StatementFactory(consultation=consultation), email="jo@example.org")
    url = reverse("unsubscribe", args=[emails.unsubscribe_token(first)])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="all"' in page.content.decode() and not page.cookies
    client.post(url, {"scope": "all"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.wants_updates, second.wants_updates) == (False, False)


def test_unsubscribe_leaves_the_signature_counted(statement):
    signature = signer(statement)
    Client().post(reverse("unsubscribe", args=[emails.unsubscribe_token(signature)]))
    assert statement.counts().total == 1


@pytest.mark.parametrize("token", ["nonsense", "1:forged:signature", "\u202e\u200b", "x" * 2000])
def test_forged_unsubscribe_links_get_a_clear_page(client, token):
    response = client.post(reverse("unsubscribe", args=[token]))
    assert response.status_code == 404
    assert "This link does not work" in response.content.decode()


def test_unsubscribe_refuses_other_methods(client, statement):
    url = reverse("unsubscribe", args=[emails.unsubscribe_token(signer(statement))])
    assert client.put(url).status_code == 405


def started_long_ago(update: Update) -> None:
    Update.objects.filter(pk=update.pk).update(sending_started_at=timezone.now() - timedelta(hours=1))
    update.refresh_from_db()


def test_an_update_whose_fan_out_was_never_queued_is_resumed_by_the_sweep(statement):
    # The state a broker outage leaves behind: marked as sending, no email written yet.
    recipient = signer(statement)
    update = draft(statement, status=Update.Status.SENDING, sending_started_at=timezone.now())
    assert updates.resume_stalled_updates() == 0  # Just started: not stalled yet.
    started_long_ago(update)
    assert updates.is_stalled(update)
    assert updates.resume_stalled_updates() == 1
    assert [message.to for message in mail.outbox] == [[recipient.email]]
    update.refresh_from_db()
    assert update.status == Update.Status.SENT and not updates.is_stalled(update)
    assert updates.resume_stalled_updates() == 0


def test_a_sending_update_that_is_making_progress_is_left_alone(statement):
    signer(statement)
    signer(statement)
    update = draft(statement, status=Update.Status.SENDING)
    started_long_ago(update)
    updates.create_emails(update)
    # One tried a moment ago, one still waiting: a live fan-out, not a stalled one.
    first = update.emails.order_by("pk").first()
    update.emails.filter(pk=first.pk).update(
        state="sent", sent_at=timezone.now(), last_attempt_at=timezone.now()
    )
    assert not updates.is_stalled(update)
    assert updates.resume_stalled_updates() == 0
    update.emails.update(last_attempt_at=timezone.now() - updates.STALL_AFTER)
    assert updates.is_stalled(update)


def test_emails_waiting_for_a_retry_are_not_a_stall_but_resume_now_sends_them(
    statement, superuser, django_capture_on_commit_callbacks
):
    recipient = signer(statement)
    update = draft(statement, status=Update.Status.SENDING)
    started_long_ago(update)
    updates.create_emails(update)
    later = timezone.now() + timedelta(minutes=5)
    update.emails.update(attempts=1, last_error="451 Try again later", next_attempt_at=later)
    assert not updates.is_stalled(update)
    with django_capture_on_commit_callbacks(execute=True):
        assert updates.resume(update, superuser) == 1
    assert [message.to for message in mail.outbox] == [[recipient.email]]
    assert ModerationDecision.objects.get().action == "resume update"
    update.refresh_from_db()
    assert update.status == Update.Status.SENT
    with pytest.raises(updates.Refused):
        updates.resume(update, superuser)
