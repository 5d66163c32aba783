"""Updates and milestones in the admin: preview, test, approve, send, watch, resume, and the
held milestones' "send now" and "cancel", each a recorded decision."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult import updates
from consult.models import ModerationDecision, OutboundEmail, Update
from consult.roles import MODERATORS
from tests.conftest import with_mfa
from tests.consult.moderators import staff_in
from tests.factories import SignatureFactory, UserFactory
from tests.naughty import form_body, naughty_strings, unescaped_markup

pytestmark = pytest.mark.django_db


@pytest.fixture
def update(statement):
    for number in range(2):
        SignatureFactory(statement=statement, wants_updates=True, email=f"s{number}@example.org").confirm()
    SignatureFactory(statement=statement, wants_updates=False).confirm()
    return Update.objects.create(statement=statement, subject="Progress", body="We are *nearly* there.")


def send_url(update: Update) -> str:
    return reverse("admin:consult_update_send", args=[update.pk])


def change_url(update: Update) -> str:
    return reverse("admin:consult_update_change", args=[update.pk])


def test_moderator_writes_an_update_and_is_recorded_as_its_author(client, superuser, statement):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:consult_update_add"), {"statement": statement.pk, "subject": "Hello", "body": "Text"}
    )
    assert response.status_code == 302
    assert Update.objects.get().created_by == superuser


def test_send_page_shows_the_audience_and_the_email_as_signers_get_it(client, superuser, update):
    update.body = "Hi <script>alert(1)</script> **there**"
    update.save()
    client.force_login(superuser)
    body = client.get(send_url(update)).content.decode()
    assert "Send to 2 signers" in body
    preview_url = reverse("admin:consult_update_preview", args=[update.pk, "en"])
    assert f'<iframe sandbox src="{preview_url}"' in body
    assert "Hi  there" in body or "Hi there" in body  # The text part: no Markdown, no script.
    assert "**" not in body and "<script>alert(1)" not in body
    framed = client.get(preview_url)
    assert "<strong>there</strong>" in framed.content.decode() and "<script" not in framed.content.decode()
    # A document of its own: nothing runs in it, it is framed only by the admin.
    policy = framed["Content-Security-Policy"]
    assert "script-src 'none'" in policy and "frame-ancestors 'self'" in policy and "sandbox" in policy
    assert framed["X-Frame-Options"] == "SAMEORIGIN"
    welsh = client.get(reverse("admin:consult_update_preview", args=[update.pk, "cy"])).content.decode()
    assert "Atal yr e-byst hyn" in welsh
    assert client.get(reverse("admin:consult_update_preview", args=[update.pk, "xx"])).status_code == 404


def test_change_page_preview_is_the_email_not_its_escaped_source(client, superuser, update):
    client.force_login(superuser)
    body = client.get(change_url(update)).content.decode()
    assert "&lt;p&gt;" not in body
    assert 'class="update-preview"' in body and "We are nearly there." in body


def test_test_send_goes_only_to_the_moderator_through_the_outbox(
    client, superuser, update, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url(update), {"test": "1"})
    assert [message.to for message in mail.outbox] == [[superuser.email]]
    assert mail.outbox[0].subject == "[Test] Progress"
    assert OutboundEmail.objects.get().template == "update test"
    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT


def test_sending_goes_to_opted_in_signers_once_and_is_recorded(
    client, superuser, update, django_capture_on_commit_callbacks
):
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url(update), {"send": "1"})
        client.post(send_url(update), {"send": "1"})
    assert sorted(message.to[0] for message in mail.outbox) == ["s0@example.org", "s1@example.org"]
    update.refresh_from_db()
    assert update.status == Update.Status.SENT
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.moderator) == ("send update", superuser)
    change_page = client.get(change_url(update)).content.decode()
    assert "2 sent, 0 failed, 0 skipped, 0 waiting of 2" in change_page


def test_an_update_over_the_threshold_needs_a_second_moderator(
    client, update, settings, django_capture_on_commit_callbacks
):
    settings.UPDATE_APPROVAL_THRESHOLD = 1
    author, second = staff_in(MODERATORS), staff_in(MODERATORS)
    Update.objects.filter(pk=update.pk).update(created_by=author)
    client.force_login(author)
    page = client.get(send_url(update)).content.decode()
    assert "another moderator, not its author, must approve it" in page and 'name="approve"' not in page
    client.post(send_url(update), {"approve": "1"})
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(send_url(update), {"send": "1"}, follow=True)
    assert "another moderator must approve it first" in refused.content.decode()
    assert mail.outbox == [] and not ModerationDecision.objects.exists()
    client.force_login(second)
    client.post(send_url(update), {"approve": "1", "reason": "Checked the links."})
    client.force_login(author)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(send_url(update), {"send": "1"})
    assert len(mail.outbox) == 2
    record = ModerationDecision.objects.order_by("created_at").values_list("action", "moderator")
    assert list(record) == [("approve update", second.pk), ("send update", author.pk)]
    # What was approved cannot change afterwards.
    client.post(
        change_url(update), {"statement": update.statement_id, "subject": "Changed", "body": "Changed"}
    )
    update.refresh_from_db()
    assert update.subject == "Progress"


def test_a_sent_update_cannot_be_edited(client, superuser, update):
    update.status = Update.Status.SENT
    update.save()
    client.force_login(superuser)
    client.post(
        change_url(update), {"statement": update.statement_id, "subject": "Changed", "body": "Changed"}
    )
    update.refresh_from_db()
    assert update.subject == "Progress"


def test_send_view_is_closed_to_staff_without_permission_and_to_the_public(client, update):
    client.get(send_url(update))
    staff = with_mfa(UserFactory(is_staff=True, verified=True))
    client.force_login(staff)
    assert client.post(send_url(update), {"send": "1"}).status_code == 403
    assert client.get(reverse("admin:consult_update_preview", args=[update.pk, "en"])).status_code == 403
    assert client.post(reverse("admin:consult_update_resume", args=[update.pk])).status_code == 403
    client.force_login(UserFactory(verified=True))
    response = client.post(send_url(update), {"send": "1"})
    assert response.status_code in {302, 403}
    assert mail.outbox == []
    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT


def stalled_with_failures(update: Update) -> None:
    """An update whose worker died: one email sent, one refused for good, one never tried."""
    Update.objects.filter(pk=update.pk).update(
        status=Update.Status.SENDING, sending_started_at=timezone.now() - timedelta(hours=1)
    )
    update.refresh_from_db()
    updates.create_emails(update)
    SignatureFactory(statement=update.statement, wants_updates=True).confirm()
    updates.create_emails(update)
    first, second, third = update.emails.order_by("pk")
    long_ago = timezone.now() - timedelta(minutes=10)
    OutboundEmail.objects.filter(pk=first.pk).update(state="sent", sent_at=long_ago, last_attempt_at=long_ago)
    OutboundEmail.objects.filter(pk=second.pk).update(
        state="failed", last_error="550 5.1.1 <address>: no such mailbox", last_attempt_at=long_ago
    )


def test_a_stalled_update_shows_a_warning_its_failures_and_resume_now(
    client, superuser, update, django_capture_on_commit_callbacks
):
    stalled_with_failures(update)
    client.force_login(superuser)
    page = client.get(change_url(update)).content.decode()
    assert "Sending has stalled" in page and "Stalled: 1 sent, 1 failed, 0 skipped, 1 waiting of 3" in page
    assert "550 5.1.1 &lt;address&gt;: no such mailbox" in page
    resume_url = reverse("admin:consult_update_resume", args=[update.pk])
    assert f'action="{resume_url}"' in page
    assert client.get(resume_url).status_code == 302  # Only a POST resumes.
    assert not ModerationDecision.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(resume_url)
    assert len(mail.outbox) == 1
    update.refresh_from_db()
    assert update.status == Update.Status.SENT
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.moderator) == ("resume update", superuser)
    page = client.get(change_url(update)).content.decode()
    assert "Sending has stalled" not in page and "Some emails could not be sent" in page


@pytest.fixture
def held(statement, settings):
    settings.MILESTONE_GRACE_MINUTES = 15
    statement.milestones = [2]
    statement.save()
    for _ in range(2):
        SignatureFactory(statement=statement, wants_updates=True).confirm()
    from consult import milestones

    milestones.check_milestones()
    return statement.updates.get()


def milestone_url(update: Update, decision: str) -> str:
    return reverse("admin:consult_update_milestone", args=[update.pk, decision])


def test_a_held_milestone_offers_send_now_and_cancel_each_with_a_reason(client, superuser, held):
    client.force_login(superuser)
    page = client.get(change_url(held)).content.decode()
    assert "This milestone email is held until" in page
    assert milestone_url(held, "send") in page and milestone_url(held, "cancel") in page
    assert client.get(milestone_url(held, "cancel")).status_code == 200
    assert client.post(milestone_url(held, "cancel"), {"reason": "  "}).status_code == 400
    assert client.get(milestone_url(held, "unknown")).status_code == 404
    client.post(milestone_url(held, "cancel"), {"reason": "The count came from bots."})
    held.refresh_from_db()
    assert held.status == Update.Status.CANCELLED
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.reason) == ("cancel milestone", "The count came from bots.")
    again = client.post(milestone_url(held, "send"), {"reason": "Changed my mind"}, follow=True)
    assert "Only a held milestone can be sent now." in again.content.decode()
    assert ModerationDecision.objects.count() == 1


def test_send_now_sends_a_held_milestone_at_once(client, superuser, held, django_capture_on_commit_callbacks):
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(milestone_url(held, "send"), {"reason": "The press asked."})
    assert len(mail.outbox) == 2
    held.refresh_from_db()
    assert held.status == Update.Status.SENT
    assert ModerationDecision.objects.get().action == "send milestone now"


def test_the_moderators_index_lists_held_milestones(client, superuser, held):
    client.force_login(superuser)
    queues = {str(queue.label): queue.count for queue in client.get(reverse("admin:index")).context["queues"]}
    assert queues["Milestone emails held for a moderator"] == 1


def test_hostile_reasons_and_notes_are_stored_or_refused_never_a_500(held, update, settings):
    settings.UPDATE_APPROVAL_THRESHOLD = 0
    client = Client(raise_request_exception=False)
    client.force_login(staff_in(MODERATORS))
    failures = []
    form = "application/x-www-form-urlencoded"
    forms = [
        (milestone_url(held, "send"), "reason"),
        (milestone_url(held, "cancel"), "reason"),
        (send_url(update), "reason"),
    ]
    for index, value in enumerate(naughty_strings()):  # Each form gets every third string.
        url, field = forms[index % len(forms)]
        response = client.post(url, form_body({field: value, "approve": "1"}), content_type=form)
        if response.status_code >= 500:
            failures.append(f"{value[:40]!r} at {url}: {response.status_code}")
        elif response.status_code == 400 and unescaped_markup(response.content.decode(), value):
            failures.append(f"{value[:40]!r} at {url}: unescaped")
        Update.objects.filter(pk=held.pk).update(status=Update.Status.HELD)  # To decide again.
        Update.objects.filter(pk=update.pk).update(approved_at=None, approved_by=None)
    assert not failures, failures[:10]
    # Most were accepted, each on the record as it was typed (surrounding spaces aside).
    assert ModerationDecision.objects.count() > len(naughty_strings()) / 2
    assert ModerationDecision.objects.filter(reason__contains="<script>").exists()
