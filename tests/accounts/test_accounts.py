import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_user_model_logs_in_with_email_and_has_no_username():
    User = get_user_model()
    assert User.USERNAME_FIELD == "email"
    assert not hasattr(User, "username")
    user = User.objects.create_user("Jo@Example.ORG", "a-long-test-password")
    assert user.email == "Jo@example.org"


def test_public_name_never_shows_the_email():
    User = get_user_model()
    assert User(email="jo@example.org").public_name == "A participant"
    assert User(email="jo@example.org", display_name="Jo").public_name == "Jo"


def test_signup_requires_email_verification(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # Account emails leave after the commit.
        response = client.post(
            reverse("account_signup"),
            {
                "email": "new@example.org",
                "password1": "a-long-test-password",
                "password2": "a-long-test-password",
            },
        )
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert not EmailAddress.objects.get(email="new@example.org").verified
    assert len(mail.outbox) == 1
    assert "new@example.org" in mail.outbox[0].to


def test_login_with_email_and_password(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "a-long-test-password"}
    )
    assert response.status_code == 302
    assert client.get(reverse("account_email")).status_code == 200


def test_login_with_a_wrong_password_gets_a_clear_error(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()


def test_account_pages_use_the_site_layout(client):
    body = client.get(reverse("account_login")).content.decode()
    assert 'class="skip-link"' in body
    assert "/static/css/site.css" in body


def test_password_reset_answers_the_same_whether_or_not_the_address_is_known(
    client, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post(reverse("account_reset_password"), {"email": user.email})
        unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url
    # The unknown address is told it has no account, by email only, so the page reveals nothing.
    assert [message.to for message in mail.outbox] == [[user.email], ["nobody@example.org"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body
