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


def test_privacy_notice_names_the_controller_lawful_basis_and_the_right_to_complain(client, settings):
    settings.OPERATOR_NAME = "Cymru Open Trust"
    settings.OPERATOR_EMAIL = "help@open-trust.example.org"
    body = client.get(reverse("privacy")).content.decode()
    assert "Cymru Open Trust is the data controller" in body
    assert "Article 6(1)(a)" in body and "Article 9(2)(a)" in body and "Article 6(1)(f)" in body
    assert "Information Commissioner’s Office" in body and "https://ico.org.uk/make-a-complaint/" in body
    assert 'href="mailto:help@open-trust.example.org"' in body


def test_privacy_retention_table_is_the_schedule_the_tasks_enforce(client, settings):
    settings.IP_HASH_RETENTION_DAYS = 21
    settings.ANONYMISE_AFTER_CLOSE_DAYS = 1
    settings.FEEDBACK_RETENTION_DAYS = 400
    body = client.get(reverse("privacy")).content.decode()
    table = body.split('class="retention-table"')[1].split("</table>")[0]
    assert "<td>7 days after signing</td>" in table
    assert "<td>21 days after signing</td>" in table
    assert "<td>1 day after the statement closes</td>" in table
    assert "<td>400 days after it is sent</td>" in table
