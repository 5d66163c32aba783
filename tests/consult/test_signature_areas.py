"""Counts by postcode area and nation: counters moved with each signature, exact at every commit."""

import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from consult import charts
from consult.models import FraudCleanup, Signature, SignatureArea, SignatureCounter, Statement
from consult.models.signatures import count_areas
from consult.views.reading import local_copies
from tests.consult.moderators import persona
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory
from tests.services import require

pytestmark = pytest.mark.django_db


def confirmed(**fields) -> Signature:
    signature = SignatureFactory(**fields)
    signature.confirm()
    return signature


def shown(statement) -> dict[str, int]:
    return dict(charts.area_counts(statement))


def assert_areas_exact(statement) -> None:
    """The counters equal the rows, and a reconciliation finds nothing to correct."""
    expected = count_areas(statement.pk)
    assert shown(statement) == expected
    rows = list(SignatureArea.objects.filter(statement=statement).values_list("pk", "count"))
    SignatureCounter.reconcile(statement.pk)
    assert list(SignatureArea.objects.filter(statement=statement).values_list("pk", "count")) == rows


def nations_on_page(client, statement) -> dict[str, int]:
    response = client.get(reverse("statement_detail", args=[statement.slug]))
    return {bar.key: bar.count for bar in response.context["nations"]}


def test_a_confirmed_postcode_shows_by_nation_on_the_next_page_build_without_any_task(client, statement):
    assert nations_on_page(client, statement) == {}
    signature = SignatureFactory(statement=statement, postcode="CF10 1AA")
    assert shown(statement) == {}  # Pending: it does not count yet.

    signature.confirm()
    # The page's shared copy lives a few seconds; the next build of it is what this is about.
    local_copies.clear()
    cache.clear()

    assert nations_on_page(client, statement) == {"wales": 1}
    html = client.get(reverse("statement_detail", args=[statement.slug])).content.decode()
    assert "Wales: <strong>1</strong>" in html and "No signer has given a postcode yet." not in html


def test_every_change_of_state_moves_the_area_once(statement):
    signature = confirmed(statement=statement, postcode="SA1 1AA")
    confirmed(statement=statement, postcode="B1 1AA")
    confirmed(statement=statement, postcode="")
    assert shown(statement) == {"B": 1, "SA": 1}

    assert signature.confirm() is False  # A double click moves nothing.
    signature.withdraw()
    assert shown(statement) == {"B": 1}

    held = confirmed(statement=statement, postcode="EH1 1AA", hold=Signature.Hold.SUSPECT)
    assert "EH" not in shown(statement)
    held.release()
    assert shown(statement)["EH"] == 1
    held.invalidate("a bot")
    assert "EH" not in shown(statement)
    assert_areas_exact(statement)


def test_an_unverified_public_role_counts_in_its_area_and_a_held_organisation_does_not(statement):
    notable = confirmed(
        statement=statement, postcode="LL57 2AA", kind=Signature.Kind.NOTABLE, role_status="pending"
    )
    organisation = confirmed(
        statement=statement,
        postcode="BT1 1AA",
        kind=Signature.Kind.ORGANISATION,
        organisation=OrganisationFactory(),
    )
    assert shown(statement) == {"BT": 1, "LL": 1}

    notable.set_role_status(Signature.RoleStatus.REFUSED)  # Still one person.
    organisation.hold_for_organisation()

    assert shown(statement) == {"LL": 1}
    assert_areas_exact(statement)


def test_counts_equal_the_rows_after_a_fraud_cleanup_and_its_undo(statement):
    moderator = persona("moderator")
    for n in range(3):
        confirmed(statement=statement, email=f"bot{n}@spam.example", postcode="CF10 1AA")
    SignatureFactory(statement=statement, email="bot9@spam.example", postcode="CF24 1AA")  # Pending.
    confirmed(
        statement=statement, email="held@spam.example", postcode="CF11 1AA", hold=Signature.Hold.SUSPECT
    )
    confirmed(statement=statement, email="gone@spam.example", postcode="CF12 1AA").withdraw()
    confirmed(statement=statement, email="jo@example.org", postcode="CF10 2AA")
    other = StatementFactory(consultation=statement.consultation)
    confirmed(statement=other, email="bot1@spam.example", postcode="CF10 1AA")
    assert shown(statement) == {"CF": 4}

    matching = Signature.objects.filter(email_domain="spam.example") | Signature.objects.filter(
        email__endswith="@spam.example"
    )
    cleanup = FraudCleanup.perform(moderator, statement, matching, {"domain": "spam.example"}, "Bots")

    assert cleanup.affected == 5
    assert shown(statement) == {"CF": 1}
    assert shown(other) == {"CF": 1}
    assert_areas_exact(statement)

    cleanup.undo(moderator, "They were real")

    assert shown(statement) == {"CF": 4}
    assert_areas_exact(statement)
    assert_areas_exact(other)


def test_reconciliation_corrects_drifted_areas(statement):
    for postcode in ("CF10 1AA", "cf24 3aa", "SA1 1AA", "B1 1AA", "BT1 1AA", "EH1 1AA", "", "12345", "CF10"):
        confirmed(statement=statement, postcode=postcode)
    confirmed(statement=statement, postcode="LL11 1AA").withdraw()
    expected = {"CF": 3, "SA": 1, "B": 1, "BT": 1, "EH": 1}
    assert shown(statement) == expected

    SignatureArea.objects.filter(statement=statement, area="CF").update(count=0)
    SignatureArea.objects.create(statement=statement, area="ZE", shard=1, count=5)
    SignatureArea.objects.create(statement=statement, area="HS", shard=2, count=-1)  # Hidden, yet drift.
    assert shown(statement) != expected

    SignatureCounter.reconcile(statement.pk)

    assert shown(statement) == expected
    assert_areas_exact(statement)


def test_the_open_data_counts_follow_at_once(client, statement):
    confirmed(statement=statement, postcode="G1 1AA")
    confirmed(statement=statement, postcode="SW1A 1AA")

    document = client.get(reverse("open_data_counts", args=[statement.slug])).json()

    assert document["by_nation"] == {"scotland": 1, "england": 1}
    assert document["by_postcode_area"] == {"G": 1, "SW": 1}


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_in_one_area_are_all_counted(statement):
    """Real transactions on PostgreSQL: confirmations racing on one area's shards lose nothing."""
    require(connection.vendor == "postgresql", "needs PostgreSQL for concurrent transactions")
    signatures = [SignatureFactory(statement=statement, postcode="CF10 1AA") for _ in range(12)]
    errors: list[BaseException] = []

    def confirm(signature: Signature) -> None:
        try:
            signature.confirm()
        except BaseException as error:  # Reported below: a thread's exception would be lost.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(signature,)) for signature in signatures]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert shown(statement) == {"CF": 12} == count_areas(statement.pk)


def test_anonymising_and_erasing_keep_the_areas_exact(statement):
    from consult.personal_data import erase_for
    from consult.retention import anonymise

    kept = confirmed(statement=statement, postcode="SW1A 1AA", email="kept@example.org")
    confirmed(statement=statement, postcode="B1 1AA", email="also@example.org")
    erased = confirmed(statement=statement, postcode="CF10 1AA", email="gone@example.org")

    anonymise(Signature.objects.filter(pk=kept.pk))  # Only the outward code ("SW1A") is kept.
    erase_for(erased)

    assert Signature.objects.get(pk=kept.pk).postcode == "SW1A"
    assert shown(statement) == {"B": 1, "SW": 1}
    assert_areas_exact(statement)


@pytest.mark.django_db(transaction=True)
def test_a_reconciliation_racing_confirmations_and_withdrawals_neither_loses_nor_deadlocks(statement):
    """Confirmations, withdrawals and reconciliations that each find drift, at once: nothing lost."""
    require(connection.vendor == "postgresql", "needs PostgreSQL for concurrent transactions")
    postcodes = ["CF10 1AA", "SA1 1AA", "B1 1AA"]
    pending = [SignatureFactory(statement=statement, postcode=postcodes[n % 3]) for n in range(18)]
    leaving = [confirmed(statement=statement, postcode=postcodes[n % 3]) for n in range(6)]
    errors: list[BaseException] = []

    def run(action) -> None:
        try:
            action()
        except BaseException as error:  # Reported below: a thread's exception would be lost.
            errors.append(error)
        finally:
            connection.close()

    actions = [signature.confirm for signature in pending] + [signature.withdraw for signature in leaving]

    def drift_then_reconcile() -> None:
        # Each reconciliation finds drift, so it rewrites the areas while confirmations move them.
        SignatureArea.add(statement.pk, "ZE", 1)
        SignatureCounter.reconcile(statement.pk)

    actions += [drift_then_reconcile] * 8
    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert shown(statement) == {"B": 6, "CF": 6, "SA": 6} == count_areas(statement.pk)
    assert statement.counts().total == 18


def test_an_area_drifted_below_zero_is_hidden_from_readers_but_corrected(statement):
    confirmed(statement=statement, postcode="CF10 1AA")
    SignatureArea.objects.create(statement=statement, area="HS", shard=2, count=-1)
    assert shown(statement) == {"CF": 1}

    SignatureCounter.reconcile(statement.pk)

    assert not SignatureArea.objects.filter(statement=statement, area="HS").exists()
    assert_areas_exact(statement)


def test_the_demo_shows_signers_by_nation_and_reloading_keeps_the_areas_exact(client):
    call_command("load_demo")
    statement = Statement.objects.get(slug="pause-live-facial-recognition")
    first = shown(statement)

    call_command("load_demo")

    assert shown(statement) == first == count_areas(statement.pk)
    assert {"CF", "EH", "BT"} <= set(first)
    assert {"wales", "england", "scotland", "northern-ireland"} <= set(nations_on_page(client, statement))


def test_the_demo_gives_postcodes_to_signers_loaded_before_it_did(client):
    call_command("load_demo")
    Signature.objects.update(postcode="")
    for statement in Statement.objects.all():
        SignatureCounter.reconcile(statement.pk)
    assert SignatureArea.objects.filter(count__gt=0).count() == 0

    call_command("load_demo")

    for statement in Statement.objects.all():
        assert shown(statement) == count_areas(statement.pk) != {}
