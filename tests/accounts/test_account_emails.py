"""allauth's emails: through the outbox, in the site's own words and language, and every link
built from SITE_URL whatever Host header the request carried."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from consult.models import OutboundEmail
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SPOOFED = "localhost:6666"
LINK = re.compile(r"https?://[^\s<>\"']+")


@pytest.fixture
def spoofed(client, django_capture_on_commit_callbacks):
    """POST as a request naming another host (one ALLOWED_HOSTS lets through), running what it
    queued after the commit."""

    def post(name: str, data: dict, path: str | None = None):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path or reverse(name), data, HTTP_HOST=SPOOFED)

    return post


def links_of(message) -> list[str]:
    return LINK.findall(message.body) + LINK.findall(message.alternatives[0][0])


def assert_on_site(message, settings) -> None:
    everything = message.subject + message.body + message.alternatives[0][0]
    assert SPOOFED not in everything and "localhost" not in everything
    assert links_of(message)
    assert all(link.startswith(settings.SITE_URL) for link in links_of(message))


def test_password_reset_link_comes_from_site_url_not_the_host_header(spoofed, user, settings, client):
    spoofed("account_reset_password", {"email": user.email})
    [message] = mail.outbox
    assert message.subject == "Reset your password"
    assert message.body.startswith("Hello,\n") and "Hello from" not in message.body
    assert_on_site(message, settings)
    reset = next(link for link in links_of(message) if "/password/reset/key/" in link)
    assert client.get(reset.removeprefix(settings.SITE_URL)).status_code in (200, 302)
    row = OutboundEmail.objects.get()
    assert (row.kind, row.template, row.about) == ("message", "account/email/password_reset_key", user)


def test_an_unknown_address_gets_a_sign_up_link_on_the_site(spoofed, settings):
    spoofed("account_reset_password", {"email": "nobody@example.org"})
    [message] = mail.outbox
    assert message.subject == "There is no account with this email address"
    assert_on_site(message, settings)
    assert settings.SITE_URL + reverse("account_signup") in message.body


def test_sign_up_confirmation_link_comes_from_site_url(spoofed, settings, client):
    password = "a-long-test-password"
    spoofed("account_signup", {"email": "new@example.org", "password1": password, "password2": password})
    [message] = mail.outbox
    assert message.subject == "Confirm your email address"
    assert_on_site(message, settings)
    confirm = next(link for link in links_of(message) if "/confirm-email/" in link)
    assert client.get(confirm.removeprefix(settings.SITE_URL)).status_code == 200


def test_signing_up_again_with_a_known_address_says_so_by_email_only(spoofed, user, settings):
    password = "a-long-test-password"
    spoofed("account_signup", {"email": user.email, "password1": password, "password2": password})
    [message] = mail.outbox
    assert message.subject == "You already have an account"
    assert_on_site(message, settings)
    assert settings.SITE_URL + reverse("account_login") in message.body


def test_account_emails_come_in_welsh_from_a_welsh_page(client, django_capture_on_commit_callbacks, settings):
    user = UserFactory(verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/cy" + reverse("account_reset_password"), {"email": user.email}, HTTP_HOST=SPOOFED)
    [message] = mail.outbox
    assert message.subject == "Ailosod eich cyfrinair"
    assert message.body.startswith("Helo,\n")
    assert f"{settings.SITE_URL}/cy/accounts/password/reset/key/" in message.body


PASSWORD = "a-long-test-password"
# Each account email's subject, in English and Welsh, and what brings it.
SUBJECTS = {
    "confirmation": ("Confirm your email address", "Cadarnhewch eich cyfeiriad e-bost"),
    "reset": ("Reset your password", "Ailosod eich cyfrinair"),
    "unknown": ("There is no account with this email address", "Does dim cyfrif gyda'r cyfeiriad e-bost hwn"),
    "exists": ("You already have an account", "Mae gennych gyfrif yn barod"),
}


def bring(kind: str, post, language: str) -> None:
    prefix = "/cy" if language == "cy" else ""
    if kind == "confirmation":
        fields = {"email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD}
        post("account_signup", fields, prefix + reverse("account_signup"))
    elif kind == "exists":
        user = UserFactory(verified=True)
        fields = {"email": user.email, "password1": PASSWORD, "password2": PASSWORD}
        post("account_signup", fields, prefix + reverse("account_signup"))
    elif kind == "reset":
        user = UserFactory(verified=True)
        post("account_reset_password", {"email": user.email}, prefix + reverse("account_reset_password"))
    else:
        post(
            "account_reset_password",
            {"email": "nobody@example.org"},
            prefix + reverse("account_reset_password"),
        )


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("kind", SUBJECTS)
def test_every_account_email_has_the_sites_subject_and_signature_in_each_language(
    spoofed, settings, kind, language
):
    settings.OPERATOR_NAME = "Example Trust <&>"
    bring(kind, spoofed, language)
    [message] = mail.outbox
    english, welsh = SUBJECTS[kind]
    assert message.subject == (welsh if language == "cy" else english)
    html = message.alternatives[0][0]
    assert "Hello from" not in message.body and "Helo o" not in message.body
    assert "Example Trust <&>" in message.body and "Example Trust &lt;&amp;&gt;" in html
    assert settings.SITE_URL in message.body
    for wording in ["Sign in", "sign in", "Sign up", "Please Confirm"]:
        assert wording not in message.subject + message.body + html
