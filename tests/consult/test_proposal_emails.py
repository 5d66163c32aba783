"""The member who proposed a statement is emailed the decision on it, in their language, with the
reason: written in the same transaction as the decision and its record."""

import pytest
from django.core import mail
from django.urls import reverse

from consult import statement_decisions
from consult.models import OutboundEmail, Statement
from tests.consult.test_proposals import VALID, decide, proposed_statement
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(user):
    organisation = OrganisationFactory(name="Civil Liberties Watch")
    organisation.add_member(user, "Director")
    return organisation


@pytest.fixture
def moderator_client(client, superuser):
    client.force_login(superuser)
    return client


def test_approval_emails_the_proposer(
    moderator_client, organisation, consultation, user, django_capture_on_commit_callbacks
):
    statement = proposed_statement(organisation, user, consultation)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(moderator_client, "approve_statements", [statement], "Clear & sourced.")
    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == [user.email]
    assert message.subject == "Your statement is open for signatures"
    assert "Clear & sourced." in message.body
    assert f"/statements/{statement.slug}/" in message.body
    outbound = OutboundEmail.objects.get()
    assert (outbound.template, outbound.object_id) == ("emails/statement_decided", str(statement.pk))


def test_rejection_emails_the_proposer_the_reason_escaped_in_html(
    moderator_client, organisation, consultation, user, django_capture_on_commit_callbacks
):
    statement = proposed_statement(organisation, user, consultation)
    reason = "<script>alert(1)</script> duplicates “another”"
    with django_capture_on_commit_callbacks(execute=True):
        decide(moderator_client, "reject_statements", [statement], reason)
    [message] = mail.outbox
    assert message.subject == "Your statement was not approved"
    assert reason in message.body
    [(html, _type)] = message.alternatives
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_welsh_proposer_is_told_in_welsh(member_client_cy, organisation, consultation, user, superuser):
    response = member_client_cy.post(
        "/cy" + reverse("statement_propose", args=[organisation.slug]),
        {**VALID, "consultation": consultation.pk},
    )
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.proposer_language == "cy"
    statement_decisions.reject(statement, superuser, "Dyblyg.")
    outbound = OutboundEmail.objects.get()
    assert outbound.language == "cy"
    assert outbound.subject == "Ni chymeradwywyd eich datganiad"


@pytest.fixture
def member_client_cy(client, user):
    client.force_login(user)
    return client


def test_a_decision_that_does_not_apply_emails_nobody(moderator_client, organisation, consultation, user):
    statement = proposed_statement(organisation, user, consultation)
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.OPEN)
    decide(moderator_client, "reject_statements", [statement], "Too late.")
    assert not OutboundEmail.objects.exists()
