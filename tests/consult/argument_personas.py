"""The people in the arguments tests' permission matrix, made on demand."""

import pytest

from consult.models import Membership
from tests.factories import OrganisationFactory, UserFactory


def organisation_member(**organisation_fields):
    """A verified user who may act for a (by default verified) organisation."""
    member = UserFactory(verified=True)
    organisation = OrganisationFactory(**organisation_fields)
    Membership.objects.create(organisation=organisation, user=member, role="Director")
    return member, organisation


def moderator():
    return UserFactory(verified=True, is_staff=True)


PERSONAS = ["anonymous", "unverified", "verified", "author", "member", "moderator"]


def log_in_as(client, persona: str, argument=None):
    """Log the test client in as one persona; returns the user (None for anonymous)."""
    if persona == "anonymous":
        return None
    user = {
        "unverified": lambda: UserFactory(),
        "verified": lambda: UserFactory(verified=True),
        "author": lambda: argument.author,
        "member": lambda: organisation_member()[0],
        "moderator": moderator,
    }[persona]()
    client.force_login(user)
    return user


@pytest.fixture
def fast_passwords(settings):
    """Hashing a password the production way takes seconds here; these tests make many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
