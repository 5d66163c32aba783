"""The development mailbox: shows the emails the file backend wrote, only while DEBUG is on.

The tests run with DEBUG on when the settings are read, so the development app is installed
(Django then runs each test with DEBUG off); a production site is tried in a fresh process.
"""

import pytest
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse

from tests.commands import PRODUCTION, served_paths
from tests.consult.signers import post_sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def file_mail(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    return tmp_path


def test_mailbox_lists_sent_emails_with_their_links(
    client, settings, file_mail, statement, django_capture_on_commit_callbacks
):
    settings.DEBUG = True
    post_sign(client, statement, django_capture_on_commit_callbacks, email="jo@example.org")
    response = client.get(reverse("dev_mailbox"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Confirm your signature" in body and "jo@example.org" in body
    assert f'href="{settings.SITE_URL}/signatures/confirm/' in body


def test_mailbox_does_not_exist_when_debug_is_off():
    assert served_paths(["/dev/mailbox/"], **PRODUCTION) == []


def test_mailbox_exists_when_debug_is_on():
    assert served_paths(["/dev/mailbox/"], DEBUG="1") == ["/dev/mailbox/"]


def test_mailbox_renders_hostile_email_content_inert(client, settings, file_mail):
    settings.DEBUG = True
    message = EmailMultiAlternatives(
        "<script>x</script>", "javascript:alert(1) <b>hi</b>", to=["a@example.org"]
    )
    message.send()
    body = client.get(reverse("dev_mailbox")).content.decode()
    assert "<script>x" not in body and "<b>hi" not in body
    assert 'href="javascript:' not in body


def test_mailbox_is_empty_without_a_mail_folder(client, settings):
    settings.DEBUG = True
    settings.EMAIL_FILE_PATH = "/nonexistent/folder"
    response = client.get(reverse("dev_mailbox"))
    assert response.status_code == 200 and "No email yet" in response.content.decode()


def test_mailbox_accepts_only_get(client, settings, file_mail):
    settings.DEBUG = True
    assert client.post(reverse("dev_mailbox")).status_code == 405


def test_sign_and_check_email_pages_point_to_the_mailbox_in_debug(client, settings, statement):
    settings.DEBUG = True
    assert (
        reverse("dev_mailbox")
        in client.get(reverse("statement_sign", args=[statement.slug])).content.decode()
    )
    check = client.get(reverse("signature_check_email", args=[statement.slug]))
    assert reverse("dev_mailbox") in check.content.decode()
    settings.DEBUG = False
    assert reverse("dev_mailbox") not in client.get(statement.get_absolute_url()).content.decode()
