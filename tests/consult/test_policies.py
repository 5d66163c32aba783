import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_privacy_page_states_the_retention_schedule_from_settings(client, settings):
    settings.IP_HASH_RETENTION_DAYS = 21
    settings.ANONYMISE_AFTER_CLOSE_DAYS = 45
    response = client.get(reverse("privacy"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "for 21 days" in body
    assert "45 days after a statement closes" in body
    assert "within 7 days" in body
    assert not response.cookies


def test_moderation_policy_is_public_and_linked_from_every_page(client):
    response = client.get(reverse("moderation_policy"))
    assert response.status_code == 200
    assert "How we moderate" in response.content.decode()
    home = client.get(reverse("home")).content.decode()
    assert reverse("moderation_policy") in home and reverse("privacy") in home
