import pytest
from django.db import IntegrityError, transaction

from consult.models import (
    Argument,
    Consultation,
    Endorsement,
    Position,
    Signature,
    SignatureCounter,
    Statement,
)
from tests.factories import (
    ArgumentFactory,
    ConsultationFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_second_live_signature_with_same_email_is_refused_by_the_database(statement):
    SignatureFactory(statement=statement, email_normalised="jo@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureFactory(statement=statement, email_normalised="jo@example.org")


def test_withdrawn_signature_does_not_block_signing_again(statement):
    first = SignatureFactory(statement=statement, email_normalised="jo@example.org")
    first.withdraw()
    again = SignatureFactory(statement=statement, email_normalised="jo@example.org")
    assert again.pk != first.pk


def test_same_email_may_sign_different_statements(consultation):
    SignatureFactory(statement=StatementFactory(consultation=consultation), email_normalised="jo@example.org")
    SignatureFactory(statement=StatementFactory(consultation=consultation), email_normalised="jo@example.org")
    assert Signature.objects.filter(email_normalised="jo@example.org").count() == 2


def test_organisation_signs_a_statement_once(statement):
    organisation = OrganisationFactory()
    SignatureFactory(statement=statement, kind="organisation", organisation=organisation)
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureFactory(statement=statement, kind="organisation", organisation=organisation)


def test_organisation_signature_must_name_its_organisation(statement):
    with pytest.raises(IntegrityError), transaction.atomic():
        SignatureFactory(statement=statement, kind="organisation", organisation=None)


def test_one_endorsement_per_person_per_argument():
    argument = ArgumentFactory()
    person = UserFactory()
    Endorsement.objects.create(argument=argument, user=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        Endorsement.objects.create(argument=argument, user=person)


def test_one_position_per_person_per_consultation(consultation):
    person = UserFactory()
    Position.objects.create(consultation=consultation, user=person, stance="for")
    with pytest.raises(IntegrityError), transaction.atomic():
        Position.objects.create(consultation=consultation, user=person, stance="against")


def test_confirming_counts_and_withdrawing_uncounts(statement):
    signature = SignatureFactory(statement=statement)
    assert statement.counts().total == 0
    signature.confirm()
    assert statement.counts().individuals == 1
    signature.withdraw()
    assert statement.counts().total == 0


def test_confirming_twice_counts_once(statement):
    signature = SignatureFactory(statement=statement)
    assert signature.confirm() is True
    assert Signature.objects.get(pk=signature.pk).confirm() is False
    assert statement.counts().total == 1


def test_held_signature_counts_only_once_released(statement):
    signature = SignatureFactory(statement=statement, hold=Signature.Hold.SUSPECT)
    signature.confirm()
    assert statement.counts().total == 0
    signature.release()
    assert statement.counts().total == 1


def test_notable_signature_counts_apart_only_once_verified(statement):
    signature = SignatureFactory(statement=statement, kind="notable", public_role="MP", role_status="pending")
    signature.confirm()
    assert statement.counts() == type(statement.counts())(individuals=1)
    signature.set_role_status(Signature.RoleStatus.VERIFIED)
    counts = statement.counts()
    assert (counts.individuals, counts.notable, counts.total) == (0, 1, 1)


def test_invalidated_signature_stops_counting(statement):
    signature = SignatureFactory(statement=statement)
    signature.confirm()
    signature.invalidate("Fraud")
    assert statement.counts().total == 0


def test_reconcile_corrects_drift_and_reports_it(statement):
    for _ in range(3):
        SignatureFactory(statement=statement).confirm()
    SignatureCounter.objects.filter(statement=statement).update(count=0)
    assert SignatureCounter.reconcile(statement.pk) == 3
    assert statement.counts().total == 3
    assert SignatureCounter.reconcile(statement.pk) == 0


def test_counted_queryset_excludes_pending_withdrawn_held_and_invalidated(statement):
    counted = SignatureFactory(statement=statement)
    counted.confirm()
    SignatureFactory(statement=statement)  # pending
    SignatureFactory(statement=statement, hold=Signature.Hold.SUSPECT).confirm()
    withdrawn = SignatureFactory(statement=statement)
    withdrawn.confirm()
    withdrawn.withdraw()
    assert list(Signature.objects.counted()) == [counted]


def test_open_statements_exclude_proposed_closed_and_out_of_window(consultation):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    open_statement = StatementFactory(consultation=consultation)
    StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    StatementFactory(consultation=consultation, status=Statement.Status.CLOSED)
    StatementFactory(consultation=consultation, closes_at=now - timedelta(days=1))
    StatementFactory(consultation=consultation, opens_at=now + timedelta(days=1))
    assert list(Statement.objects.open()) == [open_statement]
    assert Statement.objects.public().count() == 4


def test_public_consultations_exclude_drafts():
    ConsultationFactory(status=Consultation.Status.DRAFT)
    shown = ConsultationFactory(status=Consultation.Status.CLOSED)
    assert list(Consultation.objects.public()) == [shown]


def test_next_milestone_is_the_first_above_the_count(statement):
    statement.milestones = [10_000, 1_000, 100_000]
    assert statement.next_milestone(0) == 1_000
    assert statement.next_milestone(1_000) == 10_000
    assert statement.next_milestone(100_000) is None


def test_correcting_text_keeps_the_old_text(statement, superuser):
    statement.correct("text", "New text.", "Typo in the second sentence.", superuser)
    correction = statement.corrections.get()
    assert (correction.field, correction.old_text, correction.new_text) == (
        "text",
        "We ask for a pause.",
        "New text.",
    )
    assert Statement.objects.get(pk=statement.pk).text == "New text."


def test_endorsements_from_the_other_side_are_counted_apart(consultation):
    argument = ArgumentFactory(consultation=consultation, side="for")
    for stance in ["for", "against", "undecided", None]:
        person = UserFactory()
        if stance:
            Position.objects.create(consultation=consultation, user=person, stance=stance)
        Endorsement.objects.create(argument=argument, user=person)
    annotated = Argument.objects.with_endorsements().get(pk=argument.pk)
    assert (annotated.endorsement_count, annotated.persuaded_count) == (4, 2)


def test_published_and_pending_arguments(consultation):
    published = ArgumentFactory(consultation=consultation)
    pending = ArgumentFactory(consultation=consultation, status=Argument.Status.PENDING)
    assert list(Argument.objects.published()) == [published]
    assert list(Argument.objects.pending()) == [pending]


def test_a_stale_copy_cannot_confirm_a_signature_invalidated_meanwhile(statement):
    signature = SignatureFactory(statement=statement)
    stale_copy = Signature.objects.get(pk=signature.pk)
    signature.invalidate("Fraud")
    assert stale_copy.confirm() is False
    assert Signature.objects.get(pk=signature.pk).state == Signature.State.INVALIDATED
    assert statement.counts().total == 0


def test_a_withdrawn_signature_cannot_be_invalidated_back_to_life(statement):
    signature = SignatureFactory(statement=statement)
    signature.withdraw()
    assert Signature.objects.get(pk=signature.pk).invalidate("Fraud") is False
    assert Signature.objects.get(pk=signature.pk).state == Signature.State.WITHDRAWN
