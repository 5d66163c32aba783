"""A signer who gives a public role is told, while it awaits a moderator, that it will be checked and
that the signature counts as an individual's until then: on the check-your-email, thank-you and
manage pages and in the confirmation email, in English and Welsh."""

import pytest
from django.core import mail
from django.urls import reverse

from consult import languages
from consult.models import Signature, SignatureToken
from tests.consult.signers import link_to, post_sign, sign_data
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

CHECKED = "A moderator will check it before your signature is listed"
INDIVIDUAL = "Until then your signature counts as an individual’s."
CHECKED_CY = "Bydd cymedrolwr yn ei gwirio"


def sign_with_role(client, statement, capture, role="MP for Ceredigion", **overrides):
    return post_sign(client, statement, capture, public_role=role, **overrides)


def test_check_email_page_says_the_role_will_be_checked(
    client, statement, django_capture_on_commit_callbacks
):
    response = sign_with_role(client, statement, django_capture_on_commit_callbacks)
    page = client.get(response.url).content.decode()
    assert "MP for Ceredigion" in page and CHECKED in page and INDIVIDUAL in page
    assert "jo@example.org" in page


def test_check_email_page_says_nothing_of_roles_without_one(
    client, statement, django_capture_on_commit_callbacks
):
    response = post_sign(client, statement, django_capture_on_commit_callbacks)
    page = client.get(response.url).content.decode()
    assert CHECKED not in page and "jo@example.org" in page


def test_check_email_page_tells_what_was_typed_not_what_was_signed_before(
    client, statement, django_capture_on_commit_callbacks
):
    """A second attempt with an address that signed before with a role reveals nothing about it."""
    sign_with_role(client, statement, django_capture_on_commit_callbacks)
    client.cookies.clear()
    response = post_sign(client, statement, django_capture_on_commit_callbacks)
    assert CHECKED not in client.get(response.url).content.decode()


def test_check_email_page_escapes_a_hostile_role(client, statement, django_capture_on_commit_callbacks):
    response = sign_with_role(
        client, statement, django_capture_on_commit_callbacks, role="<script>x</script>"
    )
    page = client.get(response.url).content.decode()
    assert "<script>x" not in page and "&lt;script&gt;x" in page


def test_a_forged_cookie_shows_no_role(client, statement):
    client.cookies["signed_as"] = '{"email": "a@example.org", "public_role": "Prime Minister"}'
    page = client.get(reverse("signature_check_email", args=[statement.slug])).content.decode()
    assert "Prime Minister" not in page and CHECKED not in page


def test_confirmation_email_thanks_and_manage_pages_say_the_role_will_be_checked(
    client, statement, django_capture_on_commit_callbacks
):
    sign_with_role(client, statement, django_capture_on_commit_callbacks)
    message = mail.outbox[-1]
    assert CHECKED in message.body and INDIVIDUAL in message.body and "MP for Ceredigion" in message.body
    html = message.alternatives[0][0]
    assert CHECKED in html
    thanks = client.get(client.post(link_to("/signatures/confirm/")).url).content.decode()
    assert CHECKED in thanks and INDIVIDUAL in thanks
    signature = Signature.objects.get()
    assert signature.role_awaits_verification
    assert statement.counts().individuals == 1 and statement.counts().notable == 0
    token = SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)
    assert CHECKED in client.get(reverse("signature_manage", args=[token])).content.decode()


def test_welsh_signer_is_told_in_welsh(client, statement, django_capture_on_commit_callbacks):
    with languages.override("cy"):
        url = reverse("statement_sign", args=[statement.slug])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, sign_data(public_role="AS dros Geredigion"))
    assert CHECKED_CY in client.get(response.url).content.decode()
    assert CHECKED_CY in mail.outbox[-1].body


@pytest.mark.parametrize("role_status", ["verified", "refused"])
def test_no_notice_once_a_moderator_decided(client, statement, role_status):
    signature = SignatureFactory(
        statement=statement, kind="notable", public_role="MP", role_status=role_status
    )
    signature.confirm()
    token = SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)
    assert CHECKED not in client.get(reverse("signature_manage", args=[token])).content.decode()
    assert CHECKED not in client.get(reverse("signature_thanks", args=[token])).content.decode()


def test_no_notice_for_a_withdrawn_signature(client, statement):
    signature = SignatureFactory(statement=statement, kind="notable", public_role="MP", role_status="pending")
    signature.confirm()
    signature.withdraw()
    token = SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)
    assert CHECKED not in client.get(reverse("signature_manage", args=[token])).content.decode()
