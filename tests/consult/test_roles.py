import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from consult.roles import MODERATOR_PERMISSIONS, MODERATORS, SIGNER_DATA
from tests.conftest import with_mfa
from tests.factories import SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


def staff_in(*groups: str):
    user = with_mfa(UserFactory(is_staff=True, verified=True))
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


def test_moderators_group_has_exactly_the_moderation_permissions():
    group = Group.objects.get(name=MODERATORS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert codenames == set(MODERATOR_PERMISSIONS["consult"])
    assert not any(codename.startswith("delete_") and codename != "delete_update" for codename in codenames)
    assert "view_signer_personal_data" not in codenames


def test_signer_data_group_holds_the_two_personal_data_permissions():
    codenames = set(Group.objects.get(name=SIGNER_DATA).permissions.values_list("codename", flat=True))
    assert codenames == {"view_signer_personal_data", "export_signer_personal_data"}


def test_staff_without_the_group_see_nothing(client):
    client.force_login(staff_in())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert response.context["app_list"] == []
    assert client.get(reverse("admin:consult_signature_changelist")).status_code == 403


def test_moderator_sees_the_queues_and_signatures_but_cannot_delete_them(client, statement):
    signature = SignatureFactory(statement=statement)
    client.force_login(staff_in(MODERATORS))
    index = client.get(reverse("admin:index"))
    assert [str(queue.label) for queue in index.context["queues"]][0] == "Arguments awaiting moderation"
    assert client.get(reverse("admin:consult_signature_changelist")).status_code == 200
    assert client.get(reverse("admin:consult_signature_delete", args=[signature.pk])).status_code == 403
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403
