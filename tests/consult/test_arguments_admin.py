import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from consult.models import Argument, ModerationDecision
from tests.consult.argument_personas import fast_passwords  # noqa: F401
from tests.factories import ArgumentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

CHANGELIST = "admin:consult_argument_changelist"


def act(client, action: str, arguments, reason: str | None = None):
    data = {"action": action, ACTION_CHECKBOX_NAME: [argument.pk for argument in arguments]}
    if reason is not None:
        data |= {"apply": "1", "reason": reason}
    return client.post(reverse(CHANGELIST), data)


def test_moderator_approves_arguments_in_the_admin_and_authors_are_emailed(
    client, superuser, django_capture_on_commit_callbacks, mailoutbox
):
    pending = [ArgumentFactory(status="pending", published_at=None) for _ in range(2)]
    client.force_login(superuser)
    response = act(client, "approve_arguments", pending)
    assert response.status_code == 200 and "Approve arguments" in response.content.decode()
    assert Argument.objects.pending().count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, "approve_arguments", pending, reason="Sources check out.")
    assert response.status_code == 302
    assert Argument.objects.published().count() == 2
    assert sorted(email.to[0] for email in mailoutbox) == sorted(a.author.email for a in pending)
    assert set(ModerationDecision.objects.values_list("action", "reason")) == {
        ("approve argument", "Sources check out.")
    }


def test_moderator_rejects_with_a_reason_the_author_reads(
    client, superuser, django_capture_on_commit_callbacks, mailoutbox
):
    argument = ArgumentFactory(status="pending")
    client.force_login(superuser)
    response = act(client, "reject_arguments", [argument], reason="")
    assert response.status_code == 200
    assert Argument.objects.get().status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        act(client, "reject_arguments", [argument], reason="The source is an advert.")
    argument.refresh_from_db()
    assert (argument.status, argument.decision_reason) == ("rejected", "The source is an advert.")
    [email] = mailoutbox
    assert "The source is an advert." in email.body


def test_non_staff_cannot_use_the_actions(client, user):
    argument = ArgumentFactory(status="pending")
    client.force_login(user)
    response = act(client, "approve_arguments", [argument], reason="Sneaky")
    assert response.status_code == 302 and reverse("admin:login") in response.url
    assert Argument.objects.get().status == "pending"
