import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from tests.factories import ArgumentFactory, SignatureFactory

pytestmark = pytest.mark.django_db

REGISTERED = [model for model in apps.get_models() if admin.site.is_registered(model)]


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_every_changelist_loads_for_a_superuser(client, superuser, statement, model):
    SignatureFactory(statement=statement).confirm()
    ArgumentFactory(consultation=statement.consultation)
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_admin_refuses_a_logged_in_non_staff_user(client, user):
    client.force_login(user)
    assert client.get(reverse("admin:login")).status_code == 403


def test_staff_without_two_factor_authentication_are_sent_to_set_it_up(client):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True, verified=True)
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("mfa_activate_totp"))
    changelist = reverse("admin:consult_signature_changelist")
    assert client.get(changelist).status_code == 302


def test_admin_index_shows_what_awaits_action(client, superuser, statement):
    from consult.models import Signature

    ArgumentFactory(consultation=statement.consultation, status="pending")
    SignatureFactory(statement=statement, hold=Signature.Hold.SUSPECT).confirm()
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    queues = {str(queue.label): queue.count for queue in response.context["queues"]}
    assert queues["Arguments awaiting moderation"] == 1
    assert queues["Signatures held as suspect"] == 1
    assert queues["Organisations awaiting verification"] == 0
    assert "?status__exact=pending" in response.content.decode()
