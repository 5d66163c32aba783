import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.conftest import with_mfa
from tests.factories import SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNATURE_PERMISSIONS = ["view_signature", "change_signature"]


def moderator(*extra: str):
    user = with_mfa(UserFactory(is_staff=True, verified=True))
    codenames = [*SIGNATURE_PERMISSIONS, *extra]
    permissions = Permission.objects.filter(content_type__app_label="consult", codename__in=codenames)
    user.user_permissions.set(permissions)
    return user


@pytest.fixture
def signature(statement):
    return SignatureFactory(statement=statement, email="jo.bloggs@example.org", postcode="SW1A 1AA")


def test_moderator_without_permission_sees_emails_masked_and_no_postcode(client, signature):
    client.force_login(moderator())
    listing = client.get(reverse("admin:consult_signature_changelist")).content.decode()
    assert "j***@example.org" in listing
    assert "jo.bloggs@example.org" not in listing
    detail = client.get(reverse("admin:consult_signature_change", args=[signature.pk])).content.decode()
    assert "jo.bloggs@example.org" not in detail
    assert "SW1A 1AA" not in detail
    assert "j***@example.org" in detail


def test_moderator_cannot_find_a_signer_by_email_without_permission(client, signature):
    client.force_login(moderator())
    response = client.get(reverse("admin:consult_signature_changelist"), {"q": "jo.bloggs@example.org"})
    assert response.context["cl"].result_count == 0


def test_moderator_with_permission_sees_personal_data(client, signature):
    client.force_login(moderator("view_signer_personal_data"))
    listing = client.get(reverse("admin:consult_signature_changelist"), {"q": "jo.bloggs@example.org"})
    assert listing.context["cl"].result_count == 1
    assert "jo.bloggs@example.org" in listing.content.decode()
    detail = client.get(reverse("admin:consult_signature_change", args=[signature.pk])).content.decode()
    assert "SW1A 1AA" in detail
