"""Correction notices through the real parts: a moderator's correction in the admin, the Redis
broker, a Celery worker process and an SMTP server. Each opted-in signer gets exactly one notice
per correction, in their language; nobody else gets any."""

import time
from collections import Counter

import pytest
from django.test import Client
from django.urls import reverse

from consult.models import Signature, SignatureCounter, StatementCorrection, Update
from tests.consult.test_proposals import change_form_data
from tests.factories import StatementFactory

pytestmark = pytest.mark.services


def add_signers(statement, prefix: str, count: int, **fields) -> list[str]:
    emails = [f"{prefix}{number}@example.org" for number in range(count)]
    Signature.objects.bulk_create(
        Signature(
            statement=statement,
            name=f"Signer {email}",
            email=email,
            email_normalised=email,
            **{"state": Signature.State.CONFIRMED, "wants_updates": True, **fields},
        )
        for email in emails
    )
    return emails


def recipients(smtp_server) -> Counter:
    return Counter(message["X-Envelope-To"] for message in list(smtp_server.messages))


def wait_for_total(smtp_server, total: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while len(smtp_server.messages) < total and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)  # Anything more would be a duplicate.


def test_each_opted_in_signer_gets_one_notice_per_correction_in_their_language(
    celery_worker, smtp_server, superuser
):
    statement = StatementFactory(title="Ban live facial recognition", title_cy="Gwahardd adnabod wynebau")
    english = add_signers(statement, "en", 30)
    welsh = add_signers(statement, "cy", 10, language="cy")
    add_signers(statement, "quiet", 8, wants_updates=False)
    add_signers(statement, "pending", 5, state=Signature.State.PENDING)
    add_signers(statement, "gone", 4, state=Signature.State.WITHDRAWN)
    SignatureCounter.reconcile(statement.pk)
    wanted = set(english + welsh)
    client = Client()
    client.force_login(superuser)
    url = reverse("admin:consult_statement_change", args=[statement.pk])
    data = change_form_data(statement, title_cy=statement.title_cy, text_cy="")
    data.pop("status")

    refused = client.post(url, {**data, "title": "Allow live facial recognition"})
    assert refused.status_code == 200  # No reason: nothing changes, nobody is told.

    response = client.post(
        url, {**data, "title": "Allow live facial recognition", "correction_reason": "Reworded <b>badly</b>."}
    )
    assert response.status_code == 302
    wait_for_total(smtp_server, len(wanted))
    assert set(recipients(smtp_server)) == wanted
    assert set(recipients(smtp_server).values()) == {1}
    by_recipient = {message["X-Envelope-To"]: message for message in smtp_server.messages}
    assert by_recipient["cy0@example.org"]["Subject"].strip().startswith("Cywiriad i")
    assert by_recipient["en0@example.org"]["Subject"].strip().startswith("A correction to")
    body = by_recipient["en0@example.org"].get_body(("plain",)).get_content()
    assert "Reworded <b>badly</b>." in body and "Ban live facial recognition" in body

    data["title"] = "Allow live facial recognition"
    response = client.post(url, {**data, "slug": "allow-it", "correction_reason": "A clearer address."})
    assert response.status_code == 302
    wait_for_total(smtp_server, 2 * len(wanted))
    assert set(recipients(smtp_server)) == wanted
    assert set(recipients(smtp_server).values()) == {2}
    assert StatementCorrection.objects.count() == 2
    notices = Update.objects.filter(kind=Update.Kind.CORRECTION)
    assert notices.count() == 2
    assert all(notice.audience_size == len(wanted) for notice in notices)
