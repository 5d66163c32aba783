"""Signing, resending and signing up answer alike whether or not the address is known.

A script that times these forms must learn nothing the page does not tell it. The request does
the same work either way, which the query counts below check exactly (they fail the moment one
path looks something up that the other does not). The timing itself is measured on demand by
tests/consult/measure_equal_timing.py, like a benchmark: a timed test would fail with the load
of whatever else the machine runs.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from consult import signing, signing_rules
from consult.models import OutboundEmail, SignAttempt, Signature
from tests.consult.signers import sign_data
from tests.factories import SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db
# Quoted strings and numbers in SQL as the database ran it, and the names of savepoints and
# cursors (numbered per thread and per use).
VALUES = re.compile(r"'(?:[^']|'')*'|\b\d+\b|\"[^\"]*\d{6,}[^\"]*\"")


def sign(client: Client, statement, email: str):
    return client.post(reverse("statement_sign", args=[statement.slug]), sign_data(email=email))


def resend(client: Client, email: str):
    return client.post(reverse("signature_resend"), {"email": email})


def sign_up(client: Client, email: str):
    password = "a-long-test-password"
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def queries(request) -> list[str]:
    """The SQL a request ran, with its values (which differ by address and time) taken out."""
    with CaptureQueriesContext(connection) as captured:
        request()
    return [VALUES.sub("?", query["sql"]) for query in captured.captured_queries]


def answer(response) -> tuple:
    cookies = sorted((name, morsel["path"]) for name, morsel in response.cookies.items())
    return response.status_code, response.get("Location"), cookies, response.content


@pytest.fixture
def known(statement):
    """An address that signed (and waits to confirm), and one that has an account."""
    SignatureFactory(statement=statement, email="known@example.org")
    UserFactory(email="member@example.org", verified=True)


@pytest.mark.parametrize("state", [Signature.State.PENDING, Signature.State.CONFIRMED])
def test_signing_with_a_known_address_runs_the_same_queries_as_with_a_new_one(client, statement, state):
    signature = SignatureFactory(statement=statement, email="known@example.org")
    if state == Signature.State.CONFIRMED:
        signature.confirm()
    # The signing rules come from the cache, refilled from the database once a minute by
    # whichever request comes first, whoever signs: in the cache already for both here.
    signing_rules.current()
    known = queries(lambda: sign(Client(), statement, "known@example.org"))
    unknown = queries(lambda: sign(Client(), statement, "new@example.org"))
    assert len(known) == len(unknown) and known == unknown
    assert SignAttempt.objects.count() == 2


def test_resending_for_a_known_address_runs_the_same_queries_as_for_a_stranger(statement):
    SignatureFactory(statement=statement, email="known@example.org")
    known = queries(lambda: resend(Client(), "known@example.org"))
    unknown = queries(lambda: resend(Client(), "nobody@example.org"))
    assert len(known) == len(unknown) and known == unknown


def test_signing_up_with_a_known_address_runs_the_same_queries_as_with_a_new_one(db):
    UserFactory(email="member@example.org", verified=True)
    known = queries(lambda: sign_up(Client(), "member@example.org"))
    unknown = queries(lambda: sign_up(Client(), "new@example.org"))
    assert len(known) == len(unknown) and known == unknown
    assert not User.objects.filter(email="new@example.org").exists()  # Made by the task.


def test_the_answers_are_the_same_byte_for_byte(statement, known):
    for request in (
        lambda email: sign(Client(), statement, email),
        lambda email: resend(Client(), email),
    ):
        assert answer(request("known@example.org")) == answer(request("new@example.org"))
    signed_up = answer(sign_up(Client(), "member@example.org"))
    assert signed_up == answer(sign_up(Client(), "new@example.org"))
    assert signed_up[1] == reverse("account_email_verification_sent")


def test_the_task_tells_a_repeat_from_a_new_signer(statement, django_capture_on_commit_callbacks):
    signature = SignatureFactory(statement=statement, email="known@example.org")
    signature.confirm()
    with django_capture_on_commit_callbacks(execute=True):
        sign(Client(), statement, "known@example.org")
        sign(Client(), statement, "new@example.org")
    kinds = sorted(OutboundEmail.objects.values_list("kind", flat=True))
    assert kinds == [OutboundEmail.Kind.ALREADY_SIGNED, OutboundEmail.Kind.CONFIRM]
    assert Signature.objects.filter(statement=statement).count() == 2
    assert SignAttempt.objects.count() == 0


def test_an_attempt_is_acted_on_once_however_often_its_task_runs(statement):
    fields = {"name": "Jo", "email": "jo@example.org", "email_normalised": "jo@example.org"}
    payload = {"statement_id": statement.pk, "hold": "", "ip_hash": "", "language": "cy", "user_id": None}
    attempt = SignAttempt.objects.create(kind=SignAttempt.Kind.SIGN, payload=payload | {"fields": fields})
    assert signing.carry_out_attempt(attempt.pk) is True
    assert signing.carry_out_attempt(attempt.pk) is False
    signature = Signature.objects.get()
    assert (signature.email, signature.language) == ("jo@example.org", "cy")
    assert OutboundEmail.objects.get().kind == OutboundEmail.Kind.CONFIRM


def test_the_sweep_acts_on_attempts_no_task_took(statement):
    SignAttempt.objects.create(kind=SignAttempt.Kind.RESEND, payload={"email_normalised": "a@example.org"})
    assert signing.carry_out_waiting_attempts() == 0  # Young: its own task is on the way.
    SignAttempt.objects.update(created_at=SignAttempt.objects.get().created_at.replace(year=2000))
    assert signing.carry_out_waiting_attempts() == 1
    assert SignAttempt.objects.count() == 0
