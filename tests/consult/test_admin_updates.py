import pytest
from django.core import mail
from django.urls import reverse

from consult.models import ModerationDecision, Update
from tests.conftest import with_mfa
from tests.factories import SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def update(statement):
    for number in range(2):
        SignatureFactory(statement=statement, wants_updates=True, email=f"s{number}@example.org").confirm()
    SignatureFactory(statement=statement, wants_updates=False).confirm()
    return Update.objects.create(statement=statement, subject="Progress", body="We are *nearly* there.")


def send_url(update: Update) -> str:
    return reverse("admin:consult_update_send", args=[update.pk])


def test_moderator_writes_an_update_and_is_recorded_as_its_author(client, superuser, statement):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:consult_update_add"), {"statement": statement.pk, "subject": "Hello", "body": "Text"}
    )
    assert response.status_code == 302
    assert Update.objects.get().created_by == superuser


def test_send_page_shows_the_audience_size_and_a_safe_preview(client, superuser, update):
    update.body = "Hi <script>alert(1)</script> **there**"
    update.save()
    client.force_login(superuser)
    body = client.get(send_url(update)).content.decode()
    assert "Send to 2 signers" in body
    assert "<strong>there</strong>" in body
    assert "<script>alert(1)" not in body


def test_test_send_goes_only_to_the_moderator(client, superuser, update):
    client.force_login(superuser)
    client.post(send_url(update), {"test": "1"})
    assert [message.to for message in mail.outbox] == [[superuser.email]]
    assert mail.outbox[0].subject == "[Test] Progress"
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
    change_page = client.get(reverse("admin:consult_update_change", args=[update.pk])).content.decode()
    assert "2 sent, 0 failed, 0 skipped of 2" in change_page


def test_a_sent_update_cannot_be_edited(client, superuser, update):
    update.status = Update.Status.SENT
    update.save()
    client.force_login(superuser)
    client.post(
        reverse("admin:consult_update_change", args=[update.pk]),
        {"statement": update.statement_id, "subject": "Changed", "body": "Changed"},
    )
    update.refresh_from_db()
    assert update.subject == "Progress"


def test_send_view_is_closed_to_staff_without_permission_and_to_the_public(client, update):
    client.get(send_url(update))
    staff = with_mfa(UserFactory(is_staff=True, verified=True))
    client.force_login(staff)
    assert client.post(send_url(update), {"send": "1"}).status_code == 403
    client.force_login(UserFactory(verified=True))
    response = client.post(send_url(update), {"send": "1"})
    assert response.status_code in {302, 403}
    assert mail.outbox == []
    update.refresh_from_db()
    assert update.status == Update.Status.DRAFT
