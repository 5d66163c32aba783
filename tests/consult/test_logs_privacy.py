"""Logs never contain a signer's email address or a raw token from their links."""

import logging

import pytest
from django.core import mail

from consult.models import Signature
from tests.consult.signers import link_to, post_sign

pytestmark = pytest.mark.django_db


def test_signing_confirming_and_erasing_log_no_email_or_token(
    client, statement, caplog, django_capture_on_commit_callbacks
):
    caplog.set_level(logging.DEBUG)  # The root logger: every logger's records reach caplog.
    email = "Jo.Private+tag@Example.org"
    post_sign(client, statement, django_capture_on_commit_callbacks, email=email)
    post_sign(client, statement, django_capture_on_commit_callbacks, email=email)  # A repeat attempt.
    confirm_path = link_to("/signatures/confirm/", mail.outbox[0])
    client.get(confirm_path)
    thanks = client.post(confirm_path).url
    manage_token = thanks.split("/")[-3]
    client.get(f"/signatures/{manage_token}/")
    client.post(f"/signatures/{manage_token}/withdraw/")
    client.get(f"/signatures/{manage_token}/data/")
    client.post(f"/signatures/{manage_token}/erase/")
    assert Signature.objects.get().email == ""
    assert client.get(f"/signatures/{manage_token}/").status_code == 410  # Logged as a 4xx by Django.
    assert caplog.records, "nothing was logged at all: the test would prove nothing"
    confirm_token = confirm_path.rstrip("/").split("/")[-1]
    secrets = [email, email.lower(), "jo.private@example.org", "jo.private", confirm_token, manage_token]
    records = [
        record.getMessage() + " " + repr(record.args) + " " + (record.exc_text or "")
        for record in caplog.records
    ]
    for secret in secrets:
        assert not [record for record in records if secret.lower() in record.lower()], secret


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/signatures/confirm/SECRETtoken123/", "/signatures/confirm/[token]/"),
        ("/signatures/SECRETtoken123/erase/", "/signatures/[token]/erase/"),
        ("/unsubscribe/SECRETtoken123/", "/unsubscribe/[token]/"),
        ("/accounts/confirm-email/SECRETtoken123/", "/accounts/confirm-email/[token]/"),
        ("/accounts/password/reset/key/1-SECRETtoken123/", "/accounts/password/reset/key/[token]/"),
        ("/signatures/resend/", "/signatures/resend/"),
    ],
)
def test_failed_requests_are_logged_without_the_token_in_their_path(client, caplog, path, logged):
    caplog.set_level(logging.DEBUG)
    status = client.get(path).status_code
    messages = [record.getMessage() for record in caplog.records if record.name == "django.request"]
    assert "SECRETtoken123" not in " ".join(messages)
    if status >= 400:  # allauth answers a bad key with a page of its own, which Django does not log.
        assert any(logged in message for message in messages)


def test_csrf_failures_are_logged_without_the_token(caplog):
    from django.test import Client

    caplog.set_level(logging.DEBUG)
    Client(enforce_csrf_checks=True).post("/signatures/SECRETtoken123/withdraw/")
    messages = " ".join(record.getMessage() for record in caplog.records)
    assert "/signatures/[token]/withdraw/" in messages and "SECRETtoken123" not in messages
