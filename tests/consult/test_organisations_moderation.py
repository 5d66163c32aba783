"""Verifying organisations and public roles, releasing and invalidating signatures: the model
methods and the admin actions that call them, each decision recorded with its reason."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from consult import signatories
from consult.models import ModerationDecision, Organisation, Signature, SignatureCounter
from consult.models.statements import Counts
from tests.consult.signers import post_sign
from tests.factories import OrganisationFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

HELD = Signature.Hold.UNVERIFIED_ORGANISATION


@pytest.fixture
def moderator_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def pending_organisation(db):
    return OrganisationFactory(status=Organisation.Status.PENDING)


def held_signature(statement, organisation, confirmed: bool = True) -> Signature:
    signature = SignatureFactory(
        statement=statement, kind="organisation", organisation=organisation, hold=HELD
    )
    if confirmed:
        signature.confirm()
    return signature


def decide(client, model: str, action: str, objects, reason: str | None = None):
    """Post an admin action; with a reason, also the confirmation step."""
    data = {"action": action, "_selected_action": [obj.pk for obj in objects]}
    if reason is not None:
        data.update(apply="Confirm", reason=reason)
    return client.post(reverse(f"admin:consult_{model}_changelist"), data)


def decisions(obj, action: str):
    return ModerationDecision.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk), action=action
    )


# The model methods


def test_verifying_releases_held_signatures_with_exact_counts(statement, superuser, pending_organisation):
    other_statement = SignatureFactory().statement
    held_signature(statement, pending_organisation)
    held_signature(other_statement, pending_organisation)
    unconfirmed = held_signature(SignatureFactory().statement, pending_organisation, confirmed=False)
    SignatureFactory(statement=statement).confirm()
    assert statement.counts() == Counts(individuals=1, organisations=0)

    released = pending_organisation.verify()
    ModerationDecision.record(
        superuser, pending_organisation, "verify organisation", "Checked the charity register."
    )

    pending_organisation.refresh_from_db()
    assert pending_organisation.status == Organisation.Status.VERIFIED
    assert pending_organisation.verified_at is not None
    assert released == 3
    assert statement.counts() == Counts(individuals=1, organisations=1)
    assert other_statement.counts() == Counts(organisations=1)
    assert unconfirmed.statement.counts() == Counts()
    assert not Signature.objects.filter(hold=HELD).exists()
    assert SignatureCounter.reconcile(statement.pk) == 0
    decision = decisions(pending_organisation, "verify organisation").get()
    assert decision.moderator == superuser
    assert decision.reason == "Checked the charity register."


def test_member_signature_through_the_sign_form_counts_once_the_organisation_is_verified(
    client, superuser, user, statement, pending_organisation, django_capture_on_commit_callbacks
):
    pending_organisation.add_member(user, "Chair")
    client.force_login(user)
    signing_as = f"organisation-{pending_organisation.pk}"
    post_sign(client, statement, django_capture_on_commit_callbacks, email=None, signing_as=signing_as)
    assert Signature.objects.get().hold == HELD
    assert statement.counts() == Counts()
    client.force_login(superuser)
    decide(client, "organisation", "verify_organisations", [pending_organisation], "Registered.")
    assert statement.counts() == Counts(organisations=1)
    assert SignatureCounter.reconcile(statement.pk) == 0


def test_verifying_leaves_signatures_of_other_organisations_held(statement, superuser, pending_organisation):
    other = OrganisationFactory(status=Organisation.Status.PENDING)
    held_signature(statement, other)
    signatories.verify_organisation(pending_organisation, superuser, "ok")
    assert statement.counts() == Counts()
    assert Signature.objects.get().hold == HELD


def test_verifying_twice_counts_once_and_keeps_the_first_date(statement, superuser, pending_organisation):
    held_signature(statement, pending_organisation)
    signatories.verify_organisation(pending_organisation, superuser, "ok")
    first = pending_organisation.verified_at
    assert signatories.verify_organisation(pending_organisation, superuser, "again") is False
    assert pending_organisation.verified_at == first
    assert statement.counts().organisations == 1


def test_refusing_keeps_signatures_held_and_uncounted(statement, superuser, pending_organisation):
    signature = held_signature(statement, pending_organisation)
    signatories.refuse_organisation(pending_organisation, superuser, "No such charity.")
    pending_organisation.refresh_from_db()
    signature.refresh_from_db()
    assert pending_organisation.status == Organisation.Status.REFUSED
    assert signature.hold == HELD and signature.state == Signature.State.CONFIRMED
    assert statement.counts() == Counts()
    assert decisions(pending_organisation, "refuse organisation").get().reason == "No such charity."


def test_verifying_after_a_refusal_counts_the_held_signatures(statement, superuser, pending_organisation):
    held_signature(statement, pending_organisation)
    signatories.refuse_organisation(pending_organisation, superuser, "Documents missing.")
    signatories.verify_organisation(pending_organisation, superuser, "Documents received.")
    assert statement.counts().organisations == 1


# Organisation admin actions


def test_verify_action_asks_for_a_reason_first(moderator_client, pending_organisation):
    response = decide(moderator_client, "organisation", "verify_organisations", [pending_organisation])
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="reason"' in page and pending_organisation.name in page
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == Organisation.Status.PENDING
    assert not ModerationDecision.objects.exists()


def test_verify_action_without_a_reason_changes_nothing(moderator_client, pending_organisation):
    response = decide(
        moderator_client, "organisation", "verify_organisations", [pending_organisation], " \u200b"
    )
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == Organisation.Status.PENDING
    assert not ModerationDecision.objects.exists()


def test_verify_action_verifies_each_and_records_one_decision_each(moderator_client, statement, superuser):
    organisations = OrganisationFactory.create_batch(2, status=Organisation.Status.PENDING)
    held_signature(statement, organisations[0])
    response = decide(
        moderator_client, "organisation", "verify_organisations", organisations, "Registered charities."
    )
    assert response.status_code == 302
    assert Organisation.objects.verified().count() == 2
    assert statement.counts().organisations == 1
    for organisation in organisations:
        assert decisions(organisation, "verify organisation").get().moderator == superuser


def test_refuse_action_refuses_and_records(moderator_client, pending_organisation):
    response = decide(
        moderator_client, "organisation", "refuse_organisations", [pending_organisation], "Unknown."
    )
    assert response.status_code == 302
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == Organisation.Status.REFUSED
    assert decisions(pending_organisation, "refuse organisation").get().reason == "Unknown."


def test_hostile_reason_is_stored_as_text_and_shown_inert(moderator_client, pending_organisation):
    reason = "<script>alert(1)</script>\u202e"
    decide(moderator_client, "organisation", "refuse_organisations", [pending_organisation], reason)
    decision = ModerationDecision.objects.get()
    assert decision.reason == "<script>alert(1)</script>"
    page = moderator_client.get(reverse("admin:consult_moderationdecision_change", args=[decision.pk]))
    assert "<script>alert(1)</script>" not in page.content.decode()


def test_organisation_status_cannot_be_edited_around_the_actions(moderator_client, pending_organisation):
    page = moderator_client.get(reverse("admin:consult_organisation_change", args=[pending_organisation.pk]))
    assert 'name="status"' not in page.content.decode()


def test_staff_without_permission_cannot_verify(client, pending_organisation):
    client.force_login(UserFactory(is_staff=True, verified=True))
    decide(client, "organisation", "verify_organisations", [pending_organisation], "ok")
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == Organisation.Status.PENDING
    assert not ModerationDecision.objects.exists()


def test_non_staff_and_anonymous_cannot_verify(client, user, pending_organisation):
    response = decide(client, "organisation", "verify_organisations", [pending_organisation], "ok")
    assert response.status_code == 302
    client.force_login(user)
    decide(client, "organisation", "verify_organisations", [pending_organisation], "ok")
    pending_organisation.refresh_from_db()
    assert pending_organisation.status == Organisation.Status.PENDING


# Signature admin actions


def notable_signature(statement, **fields) -> Signature:
    signature = SignatureFactory(
        statement=statement, kind="notable", public_role="MP for Haltemprice", role_status="pending", **fields
    )
    signature.confirm()
    return signature


def test_verifying_a_public_role_moves_the_signature_to_notable(moderator_client, statement, superuser):
    signature = notable_signature(statement)
    assert statement.counts() == Counts(individuals=1)
    response = decide(
        moderator_client, "signature", "verify_public_roles", [signature], "Listed on parliament.uk"
    )
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.role_status == Signature.RoleStatus.VERIFIED
    assert statement.counts() == Counts(notable=1)
    assert decisions(signature, "verify public role").get().moderator == superuser
    assert SignatureCounter.reconcile(statement.pk) == 0


def test_refusing_a_verified_public_role_moves_it_back_to_individuals(moderator_client, statement):
    signature = notable_signature(statement)
    signature.set_role_status(Signature.RoleStatus.VERIFIED)
    decide(moderator_client, "signature", "refuse_public_roles", [signature], "Not an MP.")
    signature.refresh_from_db()
    assert signature.role_status == Signature.RoleStatus.REFUSED
    assert statement.counts() == Counts(individuals=1)
    assert decisions(signature, "refuse public role").get().reason == "Not an MP."


def test_role_actions_skip_signatures_without_a_public_role(moderator_client, statement):
    individual = SignatureFactory(statement=statement)
    individual.confirm()
    decide(moderator_client, "signature", "verify_public_roles", [individual], "ok")
    individual.refresh_from_db()
    assert individual.role_status == Signature.RoleStatus.NONE
    assert statement.counts() == Counts(individuals=1)
    assert not ModerationDecision.objects.exists()


def test_releasing_a_suspect_signature_counts_it(moderator_client, statement):
    signature = SignatureFactory(statement=statement, hold=Signature.Hold.SUSPECT)
    signature.confirm()
    assert statement.counts() == Counts()
    decide(moderator_client, "signature", "release_signatures", [signature], "Genuine signer.")
    signature.refresh_from_db()
    assert signature.hold == Signature.Hold.NONE
    assert statement.counts() == Counts(individuals=1)
    assert decisions(signature, "release signature").count() == 1


def test_release_action_leaves_organisation_holds_to_verification(
    moderator_client, statement, pending_organisation
):
    signature = held_signature(statement, pending_organisation)
    decide(moderator_client, "signature", "release_signatures", [signature], "ok")
    signature.refresh_from_db()
    assert signature.hold == HELD
    assert statement.counts() == Counts()


def test_invalidating_signatures_drops_the_count_and_keeps_the_reason(moderator_client, statement):
    signatures = SignatureFactory.create_batch(3, statement=statement)
    for signature in signatures:
        signature.confirm()
    decide(
        moderator_client, "signature", "invalidate_signatures", signatures[:2], "Bulk fraud from one domain."
    )
    assert statement.counts() == Counts(individuals=1)
    invalidated = Signature.objects.filter(state=Signature.State.INVALIDATED)
    assert invalidated.count() == 2
    assert set(invalidated.values_list("invalidation_reason", flat=True)) == {"Bulk fraud from one domain."}
    assert ModerationDecision.objects.filter(action="invalidate signature").count() == 2
    assert SignatureCounter.reconcile(statement.pk) == 0


def test_invalidating_leaves_withdrawn_signatures_alone(moderator_client, statement):
    signature = SignatureFactory(statement=statement)
    signature.confirm()
    signature.withdraw()
    SignatureFactory(statement=statement, email_normalised=signature.email_normalised).confirm()
    decide(moderator_client, "signature", "invalidate_signatures", [signature], "fraud")
    signature.refresh_from_db()
    assert signature.state == Signature.State.WITHDRAWN
    assert statement.counts() == Counts(individuals=1)


def test_signature_actions_need_a_reason(moderator_client, statement):
    signature = SignatureFactory(statement=statement)
    signature.confirm()
    response = decide(moderator_client, "signature", "invalidate_signatures", [signature], "")
    assert response.status_code == 200
    signature.refresh_from_db()
    assert signature.state == Signature.State.CONFIRMED
    assert statement.counts() == Counts(individuals=1)
