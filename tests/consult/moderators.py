"""The people of the admin permission matrix, by name."""

from django.contrib.auth.models import Group

from consult.roles import MODERATORS, SIGNER_DATA
from tests.conftest import with_mfa
from tests.factories import UserFactory


def staff_in(*groups: str):
    user = with_mfa(UserFactory(is_staff=True, verified=True))
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def persona(name: str):
    """superuser, moderator, data_moderator, staff, user, or anonymous (None)."""
    if name == "superuser":
        return with_mfa(UserFactory(is_staff=True, is_superuser=True, verified=True))
    if name == "moderator":
        return staff_in(MODERATORS)
    if name == "data_moderator":
        return staff_in(MODERATORS, SIGNER_DATA)
    if name == "staff":
        return staff_in()
    if name == "user":
        return UserFactory(verified=True)
    return None
