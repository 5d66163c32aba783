from datetime import timedelta

import pytest
from django.utils import timezone

from consult import retention
from consult.models import OutboundEmail, Signature, Statement
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db


def aged(signature: Signature, days: int) -> Signature:
    Signature.objects.filter(pk=signature.pk).update(created_at=timezone.now() - timedelta(days=days))
    return signature


def test_ip_hashes_are_forgotten_after_thirty_days(statement):
    old = aged(SignatureFactory(statement=statement, ip_hash="a" * 64), 31)
    recent = aged(SignatureFactory(statement=statement, ip_hash="b" * 64), 29)
    assert retention.forget_ip_hashes() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.ip_hash, recent.ip_hash) == ("", "b" * 64)


def test_the_asking_address_of_a_repeat_email_is_forgotten_after_thirty_days(statement):
    signature = SignatureFactory(statement=statement)
    kind = OutboundEmail.Kind.ALREADY_SIGNED
    rows = [
        OutboundEmail.objects.create(signature=signature, kind=kind, ip_hash=value)
        for value in ("a" * 64, "b" * 64)
    ]
    OutboundEmail.objects.filter(pk=rows[0].pk).update(created_at=timezone.now() - timedelta(days=31))
    retention.forget_ip_hashes()
    assert [row.ip_hash for row in OutboundEmail.objects.order_by("pk")] == ["", "b" * 64]


def closed_long_ago(consultation, days: int = 91) -> Statement:
    return StatementFactory(consultation=consultation, closes_at=timezone.now() - timedelta(days=days))


def test_signers_of_a_long_closed_statement_are_anonymised_but_still_counted(consultation):
    statement = closed_long_ago(consultation)
    person = SignatureFactory(
        statement=statement, name="Jo Bloggs", email="jo@example.org", postcode="SW1A 1AA", ip_hash="c" * 64
    )
    person.confirm()
    organisation = OrganisationFactory(name="Rights Group")
    member = SignatureFactory(
        statement=statement,
        kind="organisation",
        organisation=organisation,
        name="Rights Group",
        email="m@x.org",
    )
    member.confirm()
    before = statement.counts()
    assert retention.anonymise_closed_statements() == 2
    person.refresh_from_db()
    member.refresh_from_db()
    assert (person.name, person.email, person.postcode, person.ip_hash) == ("", "", "SW1A", "")
    assert person.email_normalised == f"anonymised:{person.pk}"
    assert (member.name, member.email) == ("Rights Group", "")
    assert statement.counts() == before
    assert retention.anonymise_closed_statements() == 0


def test_open_and_recently_closed_statements_keep_their_signers(consultation, statement):
    recent = closed_long_ago(consultation, days=10)
    for target in [statement, recent]:
        SignatureFactory(statement=target, name="Kept").confirm()
    assert retention.anonymise_closed_statements() == 0
    assert Signature.objects.filter(name="Kept").count() == 2
