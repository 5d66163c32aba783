"""On PostgreSQL: many confirmations on one statement at once give an exact count, without drift."""

import threading

import pytest
from django.db import close_old_connections, connection
from django.urls import reverse

from consult.models import SignatureCounter, SignatureToken
from tests.conftest import require
from tests.factories import SignatureFactory

pytestmark = pytest.mark.services

THREADS = 50


def test_fifty_simultaneous_confirmations_count_exactly_fifty(transactional_db, statement, settings):
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://...)")
    settings.FORM_RATE_LIMIT = "1000/h"  # Every thread comes from 127.0.0.1.
    tokens = [
        SignatureToken.issue(SignatureFactory(statement=statement), SignatureToken.Purpose.CONFIRM)
        for _ in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def confirm(token: str) -> None:
        from django.test import Client

        try:
            client = Client()
            barrier.wait(timeout=30)
            statuses.append(client.post(reverse("signature_confirm", args=[token])).status_code)
        except BaseException as error:  # Reported below: a thread's exception would vanish.
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=confirm, args=[token]) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert statuses == [302] * THREADS
    assert statement.counts().total == THREADS
    assert SignatureCounter.reconcile(statement.pk) == 0
