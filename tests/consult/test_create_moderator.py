"""`manage.py create_moderator EMAIL [--signer-data]`: onboarding a moderator from the shell."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from consult.models import OutboundEmail
from consult.roles import MODERATORS, SIGNER_DATA
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def create_moderator(django_capture_on_commit_callbacks):
    """Run the command; its emails leave the outbox once its transaction commits, as in production."""

    def run(*args: str) -> str:
        out = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("create_moderator", *args, stdout=out)
        return out.getvalue()

    return run


def groups_of(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_a_new_moderator_is_staff_in_the_group_and_gets_a_link_to_choose_a_password(
    client, settings, create_moderator
):
    output = create_moderator("New.Moderator@Example.ORG")
    user = User.objects.get(email="New.Moderator@example.org")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert groups_of(user) == {MODERATORS}
    assert user.has_perm("consult.change_argument") and not user.has_perm("consult.view_signer_personal_data")
    assert "Created moderator" in output and "may not see" in output and "queued in the outbox" in output
    [message] = mail.outbox
    assert message.to == ["New.Moderator@example.org"]
    assert OutboundEmail.objects.get().template == "account/email/password_reset_key"
    # The link works: the new moderator chooses a password with it.
    [link] = re.findall(re.escape(settings.SITE_URL) + r"(/accounts/password/reset/key/\S+)", message.body)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    password = "a-long-moderator-password"
    client.post(form.redirect_chain[-1][0], {"password1": password, "password2": password})
    user.refresh_from_db()
    assert user.check_password(password)


def test_signer_data_adds_the_personal_data_permission_and_running_again_changes_nothing(
    client, create_moderator
):
    create_moderator("mod@example.org", "--signer-data")
    output = create_moderator("MOD@example.org", "--signer-data")
    [user] = User.objects.filter(email__iexact="mod@example.org")
    assert groups_of(user) == {MODERATORS, SIGNER_DATA}
    assert user.has_perm("consult.view_signer_personal_data")
    assert "Updated moderator" in output and "may see" in output
    assert len(mail.outbox) == 2  # Still no password: the second run sends a fresh link.


def test_an_existing_account_keeps_its_password_and_loses_signer_data_without_the_flag(create_moderator):
    user = UserFactory(email="existing@example.org")
    create_moderator("existing@example.org", "--signer-data")
    output = create_moderator("existing@example.org")
    user.refresh_from_db()
    assert user.is_staff and user.check_password("a-long-test-password")
    assert groups_of(user) == {MODERATORS}
    assert mail.outbox == [] and reverse("account_reset_password") in output


@pytest.mark.parametrize(
    "address",
    [
        "not-an-email",
        "",
        "two@@example.org",
        "someone@localhost",
        "someone@[127.0.0.1]",
        "someone@example",
        "jö@example.org",
        "ad\u202ea@example.org",
        "ada\x00@example.org",
        "ada@example.org\nBcc: victim@example.org",
        " ada@example.org",
        "a" * 250 + "@example.org",
        "a@" + "b" * 300 + ".org",
        "<script>@example.org",
    ],
)
def test_a_malformed_address_is_refused_with_a_clear_error(address, create_moderator):
    with pytest.raises(CommandError, match="not a usable email address|longer than"):
        create_moderator(address)
    assert not User.objects.exists() and mail.outbox == []


def test_missing_groups_are_a_clear_error(create_moderator):
    from django.contrib.auth.models import Group

    Group.objects.filter(name=MODERATORS).delete()
    with pytest.raises(CommandError, match="migrate"):
        create_moderator("mod@example.org")
    assert not User.objects.exists()
