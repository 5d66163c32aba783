"""Closing a signed statement early and withdrawing it: decisions with a reason and a record,
offered as admin actions; a withdrawn statement stays readable with its signatures, frozen."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from consult import statement_decisions
from consult.embeds import forget_local_documents
from consult.models import ModerationDecision, Signature, Statement, StatementCorrection, Update
from tests.consult.signers import post_sign
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


def fresh_documents() -> None:
    cache.clear()
    forget_local_documents()


@pytest.fixture
def moderator_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def signed(statement):
    for _number in range(3):
        SignatureFactory(statement=statement, wants_updates=True).confirm()
    return statement


def act(client, action: str, statements, reason: str | None = None):
    data = {"action": action, "_selected_action": [statement.pk for statement in statements]}
    if reason is not None:
        data.update(apply="Confirm", reason=reason)
    return client.post(reverse("admin:consult_statement_changelist"), data)


def test_withdrawing_asks_for_a_reason_first(moderator_client, signed):
    response = act(moderator_client, "withdraw_statements", [signed])
    assert response.status_code == 200 and 'name="reason"' in response.content.decode()
    assert act(moderator_client, "withdraw_statements", [signed], reason="  ").status_code == 200
    signed.refresh_from_db()
    assert signed.status == Statement.Status.OPEN


def test_a_withdrawn_statement_keeps_its_page_and_counts_and_takes_no_signature(
    client, moderator_client, signed, django_capture_on_commit_callbacks
):
    before = client.get(f"/api/v1/statements/{signed.slug}/").json()
    response = act(moderator_client, "withdraw_statements", [signed], reason="The <b>campaign</b> ended.")
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.status == Statement.Status.WITHDRAWN
    assert ModerationDecision.objects.get(action="withdraw statement").reason == "The <b>campaign</b> ended."
    correction = StatementCorrection.objects.get()
    assert (correction.field, correction.old_text, correction.new_text) == ("status", "open", "withdrawn")
    client.logout()
    page = client.get(signed.get_absolute_url())
    assert page.status_code == 200
    body = page.content.decode()
    assert "This statement was withdrawn on" in body
    assert "The &lt;b&gt;campaign&lt;/b&gt; ended." in body
    assert client.get(f"/cy{signed.get_absolute_url()}").status_code == 200
    response = post_sign(client, signed, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    assert signed.signatures.count() == 3
    assert signed.counts().total == 3
    fresh_documents()  # Counts documents are cached for a few seconds.
    after = client.get(f"/api/v1/statements/{signed.slug}/").json()
    assert after["signatures"] == before["signatures"] == 3
    assert after["status"] == "closed"
    assert after["corrections"][0]["after"] == "withdrawn"
    assert client.get(reverse("embed_widget", args=[signed.slug])).status_code == 200


def test_closing_early_is_recorded_public_and_keeps_the_signatures(client, moderator_client, signed):
    response = act(moderator_client, "close_statements", [signed], reason="The consultation ended early.")
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.status == Statement.Status.CLOSED
    assert ModerationDecision.objects.get(action="close statement").reason == "The consultation ended early."
    body = client.get(signed.get_absolute_url()).content.decode()
    assert "The consultation ended early." in body
    assert signed.counts().total == 3


def test_each_status_decision_sends_one_notice(signed, superuser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        statement_decisions.close(signed, superuser, "Ended.")
    with django_capture_on_commit_callbacks(execute=True):
        statement_decisions.withdraw(signed, superuser, "Withdrawn.")
    assert Update.objects.filter(kind=Update.Kind.CORRECTION).count() == 2
    assert all(notice.audience_size == 3 for notice in Update.objects.all())


def test_a_withdrawn_statement_cannot_be_closed_or_withdrawn_again(signed, superuser):
    statement_decisions.withdraw(signed, superuser, "Withdrawn.")
    for decision in (statement_decisions.close, statement_decisions.withdraw):
        with pytest.raises(Exception, match="cannot be changed"):
            decision(signed, superuser, "Again.")
    assert StatementCorrection.objects.count() == 1


def test_a_signed_statement_cannot_be_rejected(moderator_client, signed):
    response = act(moderator_client, "reject_statements", [signed], reason="Rejected.")
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.status == Statement.Status.OPEN
    assert not ModerationDecision.objects.exists()


def test_withdrawing_leaves_the_signatures_as_they_were(signed, superuser):
    states = list(signed.signatures.order_by("pk").values_list("state", flat=True))
    statement_decisions.withdraw(signed, superuser, "Withdrawn.")
    assert list(signed.signatures.order_by("pk").values_list("state", flat=True)) == states
    assert set(states) == {Signature.State.CONFIRMED}


def test_a_correction_cannot_change_the_status(signed, superuser):
    with pytest.raises(ValueError, match="status"):
        statement_decisions.correct(signed, {"status": Statement.Status.REJECTED}, "Gone.", superuser)
    signed.refresh_from_db()
    assert signed.status == Statement.Status.OPEN
    assert not StatementCorrection.objects.exists()


def test_the_consultation_page_lists_a_withdrawn_statement_as_withdrawn(client, signed, superuser):
    statement_decisions.withdraw(signed, superuser, "Withdrawn.")
    body = client.get(signed.consultation.get_absolute_url()).content.decode()
    assert signed.title in body
    assert "Withdrawn" in body
