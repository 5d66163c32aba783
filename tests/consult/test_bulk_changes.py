"""The bulk transition every moderator decision on many signatures uses: counters equal the rows."""

import pytest

from consult.models import Signature, SignatureCounter
from consult.models.statements import Counts
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db

Kind, State, Hold, Role = Signature.Kind, Signature.State, Signature.Hold, Signature.RoleStatus


def confirmed(**fields) -> Signature:
    signature = SignatureFactory(**fields)
    signature.confirm()
    return signature


def every_kind(statement) -> list[Signature]:
    """One signature of each state a bulk change meets, on one statement."""
    withdrawn = confirmed(statement=statement)
    withdrawn.withdraw()
    return [
        confirmed(statement=statement),
        confirmed(statement=statement, kind=Kind.NOTABLE, role_status=Role.VERIFIED),
        confirmed(statement=statement, kind=Kind.NOTABLE, role_status=Role.PENDING),  # Counts as one person.
        confirmed(statement=statement, kind=Kind.ORGANISATION, organisation=OrganisationFactory()),
        confirmed(statement=statement, hold=Hold.SUSPECT),
        SignatureFactory(statement=statement),
        withdrawn,
    ]


def assert_exact(statement, expected: Counts) -> None:
    assert statement.counts() == expected
    assert SignatureCounter.reconcile(statement.pk) == 0


def test_invalidating_in_bulk_moves_each_statement_counter_by_what_stopped_counting():
    first, second = StatementFactory(), StatementFactory()
    every_kind(first)
    every_kind(second)
    assert_exact(first, Counts(individuals=2, organisations=1, notable=1))

    previous = Signature.objects.filter(statement=first).change_all(
        {State.PENDING, State.CONFIRMED}, state=State.INVALIDATED, invalidation_reason="Bots"
    )

    assert sorted(previous.values()) == [State.CONFIRMED] * 5 + [State.PENDING]
    assert_exact(first, Counts(individuals=0, organisations=0, notable=0))
    assert_exact(second, Counts(individuals=2, organisations=1, notable=1))
    assert Signature.objects.filter(statement=first, state=State.WITHDRAWN).count() == 1


def test_a_bulk_change_only_touches_rows_in_the_given_states_and_can_be_reversed_exactly():
    statement = StatementFactory()
    signatures = every_kind(statement)
    invalidated = Signature.objects.filter(statement=statement).change_all(
        {State.CONFIRMED}, state=State.INVALIDATED
    )
    assert set(invalidated) == {s.pk for s in signatures[:5]}
    assert Signature.objects.get(pk=signatures[5].pk).state == State.PENDING

    restored = Signature.objects.filter(pk__in=invalidated).change_all(
        {State.INVALIDATED}, state=State.CONFIRMED
    )

    assert set(restored) == set(invalidated)
    assert_exact(statement, Counts(individuals=2, organisations=1, notable=1))


def test_lifting_holds_in_bulk_counts_the_released_signatures_once():
    statement = StatementFactory()
    held = [confirmed(statement=statement, hold=Hold.SUSPECT) for _ in range(3)]
    queryset = Signature.objects.filter(pk__in=[s.pk for s in held])

    assert len(queryset.change_all({State.CONFIRMED}, hold=Hold.NONE)) == 3
    assert_exact(statement, Counts(individuals=3, organisations=0, notable=0))
    # Nothing left to release in a state that moves anything: a second call changes counters not at all.
    queryset.change_all({State.CONFIRMED}, hold=Hold.NONE)
    assert_exact(statement, Counts(individuals=3, organisations=0, notable=0))
