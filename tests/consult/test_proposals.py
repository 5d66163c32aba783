"""Statements proposed by organisations, their approval in the admin, and corrections to the
text of a statement people have signed."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from consult.models import ModerationDecision, Organisation, Signature, Statement, StatementCorrection
from consult.models.statements import Counts
from consult.signatories import refuse_organisation
from tests.consult.signers import post_sign
from tests.factories import (
    ConsultationFactory,
    OrganisationFactory,
    SignatureFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VALID = {
    "title": "Pause live facial recognition",
    "text": "We ask the Home Office to pause it.\n\nUntil Parliament has voted.",
    "kind": "open_letter",
    "stance": "against",
    "milestones": "1000, 10000, 100000",
}


@pytest.fixture
def organisation(user):
    organisation = OrganisationFactory(name="Civil Liberties Watch")
    organisation.add_member(user, "Director")
    return organisation


@pytest.fixture
def member_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def moderator_client(client, superuser):
    client.force_login(superuser)
    return client


def propose(client, organisation, consultation, **changes):
    url = reverse("statement_propose", args=[organisation.slug])
    return client.post(url, {**VALID, "consultation": consultation.pk, **changes})


def proposed_statement(organisation, proposer, consultation) -> Statement:
    return Statement.propose(
        organisation=organisation,
        proposer=proposer,
        consultation=consultation,
        title="Pause it",
        text="We ask for a pause.",
        kind="open_letter",
        stance="against",
        milestones=[100, 1000],
    )


def decide(client, action: str, objects, reason: str | None = None):
    data = {"action": action, "_selected_action": [obj.pk for obj in objects]}
    if reason is not None:
        data.update(apply="Confirm", reason=reason)
    return client.post(reverse("admin:consult_statement_changelist"), data)


def decisions(obj, action: str):
    content_type = ContentType.objects.get_for_model(obj)
    return ModerationDecision.objects.filter(content_type=content_type, object_id=str(obj.pk), action=action)


# Proposing


def test_member_of_a_verified_organisation_proposes_a_statement(
    member_client, organisation, consultation, user
):
    response = propose(member_client, organisation, consultation)
    assert response.status_code == 302
    statement = Statement.objects.get()
    assert statement.status == Statement.Status.PROPOSED
    assert statement.proposed_by == organisation
    assert statement.proposer == user
    assert statement.consultation == consultation
    assert statement.slug == "pause-live-facial-recognition"
    assert statement.text == VALID["text"]
    assert statement.milestones == [1000, 10000, 100000]
    assert statement.stance == "against"


def test_proposal_is_not_public_until_approved(client, member_client, organisation, consultation):
    propose(member_client, organisation, consultation)
    statement = Statement.objects.get()
    assert client.get(statement.get_absolute_url()).status_code == 404


def test_proposer_sees_the_status_on_my_organisations(member_client, organisation, consultation):
    propose(member_client, organisation, consultation)
    page = member_client.get(reverse("my_organisations")).content.decode()
    assert VALID["title"] in page
    assert "Proposed, awaiting moderation" in page


def test_same_title_twice_gets_a_second_slug(member_client, organisation, consultation):
    propose(member_client, organisation, consultation)
    propose(member_client, organisation, consultation)
    assert sorted(Statement.objects.values_list("slug", flat=True)) == [
        "pause-live-facial-recognition",
        "pause-live-facial-recognition-2",
    ]


def test_title_without_latin_letters_gets_a_generic_slug(member_client, organisation, consultation):
    propose(member_client, organisation, consultation, title="✊✊")
    propose(member_client, organisation, consultation, title="أوقفوا المراقبة")
    assert sorted(Statement.objects.values_list("slug", flat=True)) == ["statement", "statement-2"]


def test_member_of_an_unverified_organisation_cannot_propose(member_client, organisation, consultation):
    Organisation.objects.filter(pk=organisation.pk).update(status=Organisation.Status.PENDING)
    response = propose(member_client, organisation, consultation)
    assert response.status_code == 403
    assert "not verified yet" in response.content.decode()
    assert not Statement.objects.exists()


def test_non_member_cannot_propose(client, organisation, consultation):
    client.force_login(UserFactory(verified=True))
    assert propose(client, organisation, consultation).status_code == 404
    assert client.get(reverse("statement_propose", args=[organisation.slug])).status_code == 404
    assert not Statement.objects.exists()


def test_anonymous_and_unverified_cannot_propose(client, organisation, consultation, unverified_user):
    response = propose(client, organisation, consultation)
    assert response.url.startswith(reverse("account_login"))
    client.force_login(unverified_user)
    assert propose(client, organisation, consultation).status_code == 403
    assert not Statement.objects.exists()


def test_proposal_form_refuses_other_methods(member_client, organisation):
    assert member_client.get(reverse("statement_propose", args=[organisation.slug])).status_code == 200
    assert member_client.delete(reverse("statement_propose", args=[organisation.slug])).status_code == 405


def test_closed_consultation_cannot_be_chosen(member_client, organisation):
    closed = ConsultationFactory(status="closed")
    response = propose(member_client, organisation, closed)
    assert 'href="#id_consultation"' in response.content.decode()
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("milestones", "message"),
    [
        ("100, 10", "smallest to largest"),
        ("100, 100", "smallest to largest"),
        ("0, 100", "between 1 and"),
        ("-5", "is not a whole number"),
        ("1000000000", "between 1 and"),
        ("1,000", "between 1 and"),
        ("1000, 2,500", "smallest to largest"),
        ("1.5", "is not a whole number"),
        ("ten", "is not a whole number"),
        ("١٠٠", "is not a whole number"),
        ("100,,200", "is not a whole number"),
        ("1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11", "at most 10"),
        ("", "required"),
        ("<script>", "is not a whole number"),
    ],
)
def test_bad_milestones_get_a_clear_error(member_client, organisation, consultation, milestones, message):
    response = propose(member_client, organisation, consultation, milestones=milestones)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_milestones"' in page
    assert message in page
    assert not Statement.objects.exists()


def test_milestones_tolerate_spaces_and_invisible_characters(member_client, organisation, consultation):
    propose(member_client, organisation, consultation, milestones=" 50 ,\u200b500,\u202e 5000 ")
    assert Statement.objects.get().milestones == [50, 500, 5000]


def test_hostile_title_and_text_are_stored_as_text_and_shown_inert(
    client, member_client, organisation, consultation, superuser
):
    script = "<script>alert(1)</script>"
    propose(
        member_client, organisation, consultation, title=script + "\u202e", text=script + "\x07\n\u200bend"
    )
    statement = Statement.objects.get()
    assert statement.title == script
    assert statement.text == script + "\nend"
    statement.approve(superuser, "ok")
    page = client.get(statement.get_absolute_url()).content.decode()
    assert script not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize(("field", "length"), [("title", 201), ("text", 10_001)])
def test_oversized_title_or_text_is_refused(member_client, organisation, consultation, field, length):
    response = propose(member_client, organisation, consultation, **{field: "a" * length})
    assert f'href="#id_{field}"' in response.content.decode()
    assert not Statement.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("kind", "manifesto"), ("stance", "sideways"), ("title", "\u200b")]
)
def test_invalid_choices_and_empty_titles_are_refused(
    member_client, organisation, consultation, field, value
):
    response = propose(member_client, organisation, consultation, **{field: value})
    assert f'href="#id_{field}"' in response.content.decode()
    assert not Statement.objects.exists()


# Approval and rejection


def test_approval_opens_the_statement_with_the_organisation_as_first_signatory(
    client, moderator_client, organisation, consultation, user, superuser
):
    statement = proposed_statement(organisation, user, consultation)
    response = decide(moderator_client, "approve_statements", [statement], "Clear and on topic.")
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == Statement.Status.OPEN
    assert statement.counts() == Counts(organisations=1)
    signature = Signature.objects.get(statement=statement)
    assert signature.kind == Signature.Kind.ORGANISATION
    assert signature.organisation == organisation
    assert signature.state == Signature.State.CONFIRMED
    assert signature.name == organisation.name
    assert signature.email == user.email
    assert signature.email_normalised == organisation.signature_key
    assert signature.user == user
    assert decisions(statement, "approve statement").get().moderator == superuser
    page = client.get(statement.get_absolute_url()).content.decode()
    assert f'proposed by <a href="{organisation.get_absolute_url()}">Civil Liberties Watch</a>' in page
    assert "Organisations that signed" in page


def test_approval_asks_for_a_reason_first(moderator_client, organisation, consultation, user):
    statement = proposed_statement(organisation, user, consultation)
    response = decide(moderator_client, "approve_statements", [statement])
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PROPOSED
    assert not Signature.objects.exists()


def test_approval_signs_with_another_member_when_the_proposer_has_left(
    moderator_client, organisation, consultation, user
):
    colleague = UserFactory(email="Sam@Example.org", verified=True)
    organisation.add_member(colleague, "Trustee")
    statement = proposed_statement(organisation, user, consultation)
    organisation.memberships.get(user=user).leave()
    decide(moderator_client, "approve_statements", [statement], "ok")
    assert Signature.objects.get().email == colleague.email
    assert statement.counts().organisations == 1


def test_proposal_of_an_organisation_refused_meanwhile_is_not_approved(
    moderator_client, organisation, consultation, user, superuser
):
    statement = proposed_statement(organisation, user, consultation)
    refuse_organisation(organisation, superuser, "Not genuine.")
    response = decide(moderator_client, "approve_statements", [statement], "ok")
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PROPOSED
    assert not Signature.objects.exists()
    assert not decisions(statement, "approve statement").exists()


def test_approving_an_open_statement_again_changes_nothing(moderator_client, statement):
    decide(moderator_client, "approve_statements", [statement], "ok")
    assert statement.counts() == Counts()
    assert not ModerationDecision.objects.exists()


def test_rejection_keeps_the_reason_and_shows_it_to_the_proposer(
    member_client, organisation, consultation, user, superuser
):
    statement = proposed_statement(organisation, user, consultation)
    member_client.force_login(superuser)
    response = decide(member_client, "reject_statements", [statement], "It duplicates an open statement.")
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == Statement.Status.REJECTED
    assert statement.decision_reason == "It duplicates an open statement."
    assert decisions(statement, "reject statement").get().reason == "It duplicates an open statement."
    assert not Signature.objects.exists()
    member_client.force_login(user)
    page = member_client.get(reverse("my_organisations")).content.decode()
    assert "It duplicates an open statement." in page


def test_rejection_needs_a_reason(moderator_client, organisation, consultation, user):
    statement = proposed_statement(organisation, user, consultation)
    decide(moderator_client, "reject_statements", [statement], "   ")
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PROPOSED


def test_non_staff_cannot_approve(client, organisation, consultation, user):
    statement = proposed_statement(organisation, user, consultation)
    client.force_login(user)
    decide(client, "approve_statements", [statement], "ok")
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PROPOSED


# Corrections of signed text


def change_form_data(statement: Statement, **changes) -> dict:
    data = {
        "consultation": statement.consultation_id,
        "slug": statement.slug,
        "title": statement.title,
        "text": statement.text,
        "recipient": statement.recipient,
        "recipient_cy": statement.recipient_cy,
        "kind": statement.kind,
        "stance": statement.stance,
        "status": statement.status,
        "proposed_by": "",
        "proposer": "",
        "milestones": "[1000, 10000, 100000]",
        "opens_at_0": "",
        "opens_at_1": "",
        "closes_at_0": "",
        "closes_at_1": "",
        "decision_reason": "",
        "correction_reason": "",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "milestone_meanings-TOTAL_FORMS": "0",
        "milestone_meanings-INITIAL_FORMS": "0",
        "milestone_meanings-MIN_NUM_FORMS": "0",
        "milestone_meanings-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def edit(client, statement, **changes):
    url = reverse("admin:consult_statement_change", args=[statement.pk])
    return client.post(url, change_form_data(statement, **changes))


def test_text_of_an_unsigned_statement_can_be_edited(moderator_client, statement):
    response = edit(moderator_client, statement, text="A better text.")
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.text == "A better text."
    assert not StatementCorrection.objects.exists()


def test_text_of_a_signed_statement_cannot_change_without_a_reason(moderator_client, statement):
    SignatureFactory(statement=statement).confirm()
    response = edit(moderator_client, statement, text="A different promise.")
    assert response.status_code == 200
    assert "give the reason for the correction" in response.content.decode()
    statement.refresh_from_db()
    assert statement.text == "We ask for a pause."
    assert not StatementCorrection.objects.exists()


def test_text_of_a_signed_statement_changes_as_a_public_correction(
    client, moderator_client, statement, superuser
):
    SignatureFactory(statement=statement).confirm()
    response = edit(moderator_client, statement, text="We ask for a pause.", kind="petition")
    assert response.status_code == 302
    response = edit(
        moderator_client, statement, text="We ask for a full pause.", correction_reason="A word was missing."
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.text == "We ask for a full pause."
    correction = StatementCorrection.objects.get()
    assert correction.old_text == "We ask for a pause."
    assert correction.new_text == "We ask for a full pause."
    assert correction.reason == "A word was missing."
    assert correction.corrected_by == superuser
    assert decisions(statement, "correct statement text").get().reason == "A word was missing."
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "Corrected on" in page and "A word was missing." in page


def test_welsh_text_of_a_signed_statement_changes_only_as_a_correction(moderator_client, statement):
    """Welsh signers signed the Welsh text: it is protected like the English one."""
    assert edit(moderator_client, statement, text_cy="Gofynnwn am saib.").status_code == 302
    SignatureFactory(statement=statement, language="cy").confirm()
    response = edit(moderator_client, statement, text_cy="Gofynnwn am saib llawn.")
    assert response.status_code == 200
    assert "give the reason for the correction" in response.content.decode()
    response = edit(
        moderator_client, statement, text_cy="Gofynnwn am saib llawn.", correction_reason="Gair ar goll."
    )
    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.text, statement.text_cy) == ("We ask for a pause.", "Gofynnwn am saib llawn.")
    correction = StatementCorrection.objects.get()
    assert (correction.language, correction.old_text, correction.new_text) == (
        "cy",
        "Gofynnwn am saib.",
        "Gofynnwn am saib llawn.",
    )
    assert decisions(statement, "correct Welsh statement text").get().reason == "Gair ar goll."


def test_a_welsh_version_can_be_added_to_a_signed_statement(moderator_client, statement):
    """Adding a translation changes nothing anyone signed: no correction is needed."""
    SignatureFactory(statement=statement).confirm()
    assert edit(moderator_client, statement, text_cy="Gofynnwn am saib.").status_code == 302
    statement.refresh_from_db()
    assert statement.text_cy == "Gofynnwn am saib."
    assert not StatementCorrection.objects.exists()


def test_other_fields_of_a_signed_statement_change_freely(moderator_client, statement):
    SignatureFactory(statement=statement).confirm()
    response = edit(moderator_client, statement, kind="petition", stance="against")
    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.kind, statement.stance) == ("petition", "against")
    assert not StatementCorrection.objects.exists()


def test_pending_signatures_do_not_fix_the_text(moderator_client, statement):
    SignatureFactory(statement=statement)
    assert edit(moderator_client, statement, text="Changed before anyone confirmed.").status_code == 302
    assert not StatementCorrection.objects.exists()


def test_approval_is_refused_cleanly_when_the_organisation_already_signed(
    moderator_client, organisation, consultation, user
):
    statement = proposed_statement(organisation, user, consultation)
    SignatureFactory(
        statement=statement,
        kind="organisation",
        organisation=organisation,
        email_normalised=organisation.signature_key,
    ).confirm()
    response = decide(moderator_client, "approve_statements", [statement], "ok")
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.status == Statement.Status.PROPOSED
    assert statement.counts() == Counts(organisations=1)
    assert not ModerationDecision.objects.exists()


def test_proposing_member_can_still_sign_in_their_own_name(
    client, organisation, consultation, user, superuser, django_capture_on_commit_callbacks
):
    statement = proposed_statement(organisation, user, consultation)
    statement.approve(superuser, "ok")
    client.force_login(user)
    post_sign(client, statement, django_capture_on_commit_callbacks, email=None)
    assert statement.counts() == Counts(individuals=1, organisations=1)
