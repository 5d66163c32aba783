"""The decisions on updates (approve, send, resume, send a milestone now, cancel it) and the
fraud clean-up: each writes exactly one record, in the transaction of its change, so a record
that cannot be written leaves the update, its emails and the counts as they were."""

import pytest

from consult import milestones, updates
from consult.models import FraudCleanup, ModerationDecision, OutboundEmail, Signature, Update
from consult.models.moderation import ModerationDecision as RecordedDecision
from tests.factories import SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def author(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def moderator(db):
    return UserFactory(is_staff=True)


@pytest.fixture
def draft(statement, author):
    for _ in range(2):
        SignatureFactory(statement=statement, wants_updates=True).confirm()
    return Update.objects.create(
        statement=statement, subject="Progress", body="Nearly there.", created_by=author
    )


@pytest.fixture
def held(statement):
    statement.milestones = [1]
    statement.save()
    SignatureFactory(statement=statement, wants_updates=True).confirm()
    milestones.hold(statement, 1)
    return statement.updates.get(kind=Update.Kind.MILESTONE)


@pytest.fixture
def records_fail(monkeypatch):
    """Writing a moderation record fails: a full disk, a lost connection, a bug."""

    def fail(*args, **kwargs):
        raise RuntimeError("the record could not be written")

    monkeypatch.setattr(RecordedDecision, "record", classmethod(fail))


def state(update: Update) -> tuple:
    current = Update.objects.get(pk=update.pk)
    return (current.status, current.approved_at, current.sending_started_at, OutboundEmail.objects.count())


DECISIONS = {
    "approve": lambda update, moderator: updates.approve(update, moderator, "Reads well."),
    "send": lambda update, moderator: updates.send(update, moderator),
    "send milestone now": lambda update, moderator: milestones.send_now(update, moderator, "Big day."),
    "cancel milestone": lambda update, moderator: milestones.cancel(update, moderator, "Fraud suspected."),
}


@pytest.mark.parametrize("decision", DECISIONS)
def test_each_update_decision_writes_exactly_one_record(decision, draft, held, moderator):
    update = held if "milestone" in decision else draft
    DECISIONS[decision](update, moderator)
    assert ModerationDecision.objects.filter(moderator=moderator).count() == 1
    assert ModerationDecision.objects.get().target == update


@pytest.mark.parametrize("decision", DECISIONS)
def test_an_update_decision_whose_record_fails_changes_nothing(
    decision, draft, held, moderator, records_fail, django_capture_on_commit_callbacks
):
    update = held if "milestone" in decision else draft
    before = state(update)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        DECISIONS[decision](update, moderator)
    assert state(update) == before
    assert callbacks == []  # Nothing was queued to go out.
    assert not ModerationDecision.objects.exists()


def test_resuming_whose_record_fails_changes_nothing(draft, moderator, monkeypatch):
    updates.send(draft, moderator)
    draft.refresh_from_db()
    OutboundEmail.objects.filter(update=draft).update(next_attempt_at=None)
    before = list(OutboundEmail.objects.values("pk", "next_attempt_at", "claimed_until"))
    monkeypatch.setattr(RecordedDecision, "record", classmethod(lambda *args: 1 / 0))
    with pytest.raises(ZeroDivisionError):
        updates.resume(draft, moderator)
    assert list(OutboundEmail.objects.values("pk", "next_attempt_at", "claimed_until")) == before


def test_a_clean_up_whose_record_fails_leaves_signatures_and_counts(statement, moderator, records_fail):
    for _ in range(3):
        SignatureFactory(statement=statement, ip_hash="ab" * 32).confirm()
    with pytest.raises(RuntimeError):
        FraudCleanup.perform(moderator, statement, Signature.objects.all(), {}, "Bots")
    assert statement.counts().total == 3
    assert not FraudCleanup.objects.exists()
    assert set(Signature.objects.values_list("state", flat=True)) == {"confirmed"}
