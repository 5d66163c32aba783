"""Milestone emails: held for a grace period, checked against the recounted signatures, sent
once or cancelled (by a moderator, or by a fraud clean-up that takes the count below them)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from consult import milestones
from consult.models import (
    FraudCleanup,
    ModerationDecision,
    OutboundEmail,
    Signature,
    SignatureCounter,
    Update,
)
from consult.updates import Refused
from tests.factories import OrganisationFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reached(statement, settings):
    """A statement whose milestone of 3 was just passed by three signers who want updates."""
    settings.MILESTONE_GRACE_MINUTES = 15
    statement.milestones = [3, 100]
    statement.save()
    for _ in range(3):
        SignatureFactory(statement=statement, wants_updates=True, ip_hash="ab" * 32).confirm()
    return statement


def grace_over(update: Update) -> None:
    Update.objects.filter(pk=update.pk).update(held_until=timezone.now() - timedelta(seconds=1))


def test_a_reached_milestone_is_held_for_its_grace_period_then_sent_once(
    reached, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert milestones.check_milestones() == 0
    update = reached.updates.get()
    assert (update.kind, update.milestone, update.status) == ("milestone", 3, Update.Status.HELD)
    assert timedelta(minutes=14) < update.held_until - timezone.now() <= timedelta(minutes=15)
    assert mail.outbox == []
    grace_over(update)
    with django_capture_on_commit_callbacks(execute=True):
        assert milestones.check_milestones() == 1
        assert milestones.check_milestones() == 0
    update.refresh_from_db()
    assert update.status == Update.Status.SENT and update.audience_size == 3
    assert len(mail.outbox) == 3
    assert reached.updates.count() == 1


def test_with_no_grace_period_a_milestone_goes_in_the_same_run(
    reached, settings, django_capture_on_commit_callbacks
):
    settings.MILESTONE_GRACE_MINUTES = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert milestones.check_milestones() == 1
    assert len(mail.outbox) == 3


def test_a_milestone_cancelled_by_a_fraud_clean_up_sends_nothing(reached, django_capture_on_commit_callbacks):
    milestones.check_milestones()
    moderator = UserFactory(is_staff=True)
    bots = Signature.objects.filter(statement=reached)[:1]
    FraudCleanup.perform(moderator, reached, Signature.objects.filter(pk__in=bots), {"ip": "x"}, "Bots")
    update = reached.updates.get()
    assert update.status == Update.Status.CANCELLED
    decision = ModerationDecision.objects.get(action="cancel milestone")
    assert decision.reason == "Fraud clean-up: Bots" and decision.moderator == moderator
    grace_over(update)
    with django_capture_on_commit_callbacks(execute=True):
        assert milestones.check_milestones() == 0
    assert mail.outbox == []
    # Cancelled for good: even once the count passes it again.
    SignatureFactory(statement=reached, wants_updates=True).confirm()
    with django_capture_on_commit_callbacks(execute=True):
        assert milestones.check_milestones() == 0
    assert mail.outbox == [] and reached.updates.count() == 1


def test_a_clean_up_that_leaves_the_count_at_the_milestone_cancels_nothing(reached):
    milestones.check_milestones()
    SignatureFactory(statement=reached, wants_updates=True).confirm()
    extra = Signature.objects.filter(statement=reached).order_by("-pk")[:1]
    FraudCleanup.perform(UserFactory(), reached, Signature.objects.filter(pk__in=extra), {}, "One bot")
    assert reached.updates.get().status == Update.Status.HELD


def test_the_count_is_reconciled_before_a_milestone_goes(reached, django_capture_on_commit_callbacks):
    milestones.check_milestones()
    update = reached.updates.get()
    # The counters say 3, but one signature stopped counting without them knowing (drift).
    Signature.objects.filter(pk=Signature.objects.filter(statement=reached).first().pk).update(
        state=Signature.State.INVALIDATED
    )
    grace_over(update)
    with django_capture_on_commit_callbacks(execute=True):
        assert milestones.check_milestones() == 0
    update.refresh_from_db()
    assert update.status == Update.Status.HELD and reached.counts().total == 2
    assert mail.outbox == []
    SignatureFactory(statement=reached, wants_updates=True).confirm()  # It is reached for real.
    with django_capture_on_commit_callbacks(execute=True):
        assert milestones.check_milestones() == 1
    assert len(mail.outbox) == 3


def test_a_moderator_sends_a_held_milestone_now_or_cancels_it_each_with_a_reason(reached):
    milestones.check_milestones()
    update = reached.updates.get()
    moderator = UserFactory(is_staff=True)
    with pytest.raises(Refused):
        milestones.cancel(update, moderator, " ")
    milestones.send_now(update, moderator, "The press asked for it.")
    update.refresh_from_db()
    assert update.status == Update.Status.SENDING
    with pytest.raises(Refused):
        milestones.cancel(update, moderator, "Too late")
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.reason) == ("send milestone now", "The press asked for it.")


def test_send_now_refuses_a_milestone_the_recounted_signatures_do_not_reach(reached):
    milestones.check_milestones()
    update = reached.updates.get()
    Signature.objects.filter(statement=reached).update(state=Signature.State.INVALIDATED)
    with pytest.raises(Refused, match="below this milestone"):
        milestones.send_now(update, UserFactory(), "Now")
    update.refresh_from_db()
    assert update.status == Update.Status.HELD and not ModerationDecision.objects.exists()
    assert SignatureCounter.reconcile(reached.pk) == 0  # Recounted already.


def test_the_proposer_is_told_when_the_milestone_goes_out(
    reached, settings, django_capture_on_commit_callbacks
):
    settings.MILESTONE_GRACE_MINUTES = 0
    proposer = UserFactory(email="proposer@example.org")
    reached.proposer, reached.proposed_by = proposer, OrganisationFactory()
    reached.title = "Jo's <b>bold</b> & “brave” statement"
    reached.save()
    with django_capture_on_commit_callbacks(execute=True):
        milestones.check_milestones()
    [notice] = [message for message in mail.outbox if message.to == ["proposer@example.org"]]
    assert (
        notice.subject
        == "3 signatures: the milestone email about “Jo's <b>bold</b> & “brave” statement” is going out"
    )
    assert "3 signers who asked for updates" in notice.body
    assert OutboundEmail.objects.get(to="proposer@example.org").about == reached.updates.get()


def test_milestones_are_unique_in_the_database(statement):
    Update.objects.create(statement=statement, kind="milestone", milestone=10, subject="a", body="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        Update.objects.create(statement=statement, kind="milestone", milestone=10, subject="a", body="b")
