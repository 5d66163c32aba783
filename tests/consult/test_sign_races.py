"""Confirmation links are limited per link, and signing again during a withdrawal answers normally."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from consult.models import Signature, SignatureToken
from tests.conftest import require
from tests.consult.signers import sign_data
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


def confirm_url(signature: Signature) -> str:
    return reverse(
        "signature_confirm", args=[SignatureToken.issue(signature, SignatureToken.Purpose.CONFIRM)]
    )


def test_an_office_confirming_through_one_address_is_never_refused(statement, settings):
    settings.FORM_RATE_LIMIT = "5/h"
    office = Client(REMOTE_ADDR="203.0.113.9")
    urls = [confirm_url(SignatureFactory(statement=statement)) for _signer in range(20)]
    assert [office.post(url).status_code for url in urls] == [302] * 20
    assert statement.counts().total == 20


def test_one_link_is_limited_however_many_addresses_use_it(statement):
    url = confirm_url(SignatureFactory(statement=statement))
    statuses = [Client(REMOTE_ADDR=f"203.0.113.{number}").post(url).status_code for number in range(12)]
    assert statuses[0] == 302 and set(statuses[1:10]) == {410}
    assert statuses[10:] == [429, 429]


def test_forged_links_are_not_found_and_never_500(client):
    for token in ["x", "A" * 99, "A" * 5000, "%00", "é"]:
        assert client.post(reverse("signature_confirm", args=[token])).status_code in (404, 429)


@pytest.mark.services
def test_signing_again_while_the_same_address_is_being_withdrawn_gives_the_normal_page(
    transactional_db, statement
):
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://...)")
    signature = SignatureFactory(statement=statement, email="jo@example.org")
    signature.confirm()
    locked = threading.Event()
    errors: list[BaseException] = []

    def withdraw() -> None:
        try:
            with transaction.atomic():
                Signature.objects.select_for_update().get(pk=signature.pk)
                locked.set()
                # Meanwhile the new attempt meets the live signature and waits for this lock.
                time.sleep(1.5)
                signature.withdraw()
        except BaseException as error:  # Reported below: a thread's exception would vanish.
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=withdraw)
    thread.start()
    assert locked.wait(timeout=10)
    response = Client().post(
        reverse("statement_sign", args=[statement.slug]), sign_data(email="jo@example.org")
    )
    thread.join(timeout=30)
    assert errors == []
    assert response.status_code == 302
    assert response.url == reverse("signature_check_email", args=[statement.slug])
    states = sorted(Signature.objects.filter(statement=statement).values_list("state", flat=True))
    assert states == [Signature.State.PENDING, Signature.State.WITHDRAWN]
