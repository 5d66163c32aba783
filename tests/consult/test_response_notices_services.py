"""A recorded response through the real parts: a moderator's post in the admin, the Redis broker,
a Celery worker process and an SMTP server. Each opted-in signer gets it exactly once, in their
language; nobody else gets anything, and recording another sends only the new one."""

import pytest
from django.test import Client
from django.urls import reverse

from consult.models import Signature, SignatureCounter, StatementResponse, Update
from tests.consult.test_correction_notices_services import add_signers, recipients, wait_for_total
from tests.factories import StatementFactory

pytestmark = pytest.mark.services


def response_form(statement, **changes) -> dict:
    return {
        "statement": statement.pk,
        "kind": "response",
        "date": "2026-11-20",
        "summary": "The Home Office will <b>review</b> its guidance.",
        "summary_cy": "Bydd y Swyddfa Gartref yn adolygu ei chanllawiau.",
        "text": "",
        "text_cy": "",
        "source_url": "https://www.gov.uk/review",
        **changes,
    }


def test_each_opted_in_signer_gets_a_recorded_response_once_in_their_language(
    celery_worker, smtp_server, superuser
):
    statement = StatementFactory(
        title="Ban live facial recognition",
        title_cy="Gwahardd adnabod wynebau",
        recipient="The Home Secretary",
        recipient_cy="Yr Ysgrifennydd Cartref",
    )
    english = add_signers(statement, "en", 30)
    welsh = add_signers(statement, "cy", 10, language="cy")
    add_signers(statement, "quiet", 8, wants_updates=False)
    add_signers(statement, "pending", 5, state=Signature.State.PENDING)
    add_signers(statement, "gone", 4, state=Signature.State.WITHDRAWN)
    SignatureCounter.reconcile(statement.pk)
    wanted = set(english + welsh)
    client = Client()
    client.force_login(superuser)

    answer = client.post(reverse("admin:consult_statementresponse_add"), response_form(statement))
    assert answer.status_code == 302
    wait_for_total(smtp_server, len(wanted))
    assert set(recipients(smtp_server)) == wanted
    assert set(recipients(smtp_server).values()) == {1}
    by_recipient = {message["X-Envelope-To"]: message for message in smtp_server.messages}
    assert by_recipient["en0@example.org"]["Subject"].strip().startswith("A response to")
    assert by_recipient["cy0@example.org"]["Subject"].strip().startswith("Ymateb i")
    english_body = by_recipient["en0@example.org"].get_body(("plain",)).get_content()
    assert "The Home Secretary responded" in english_body
    assert "review" in english_body and "https://www.gov.uk/review" in english_body
    welsh_body = by_recipient["cy0@example.org"].get_body(("plain",)).get_content()
    assert "Bydd y Swyddfa Gartref yn adolygu ei chanllawiau." in welsh_body

    answer = client.post(
        reverse("admin:consult_statementresponse_add"),
        response_form(statement, kind="event", summary="Debated in Westminster Hall.", summary_cy=""),
    )
    assert answer.status_code == 302
    wait_for_total(smtp_server, 2 * len(wanted))
    assert set(recipients(smtp_server)) == wanted
    assert set(recipients(smtp_server).values()) == {2}
    assert StatementResponse.objects.count() == 2
    notices = Update.objects.filter(kind=Update.Kind.RESPONSE)
    assert notices.count() == 2
    assert all(notice.audience_size == len(wanted) for notice in notices)
    assert all(notice.status == Update.Status.SENT for notice in notices)
