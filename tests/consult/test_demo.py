import pytest
from django.core.management import call_command

from consult.models import Argument, Consultation, Signature, SignatureCounter, Statement

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    statement = Statement.objects.get()
    return {
        "consultations": list(Consultation.objects.values_list("slug", "title")),
        "arguments": sorted(Argument.objects.values_list("side", "claim", "status")),
        "sources": sorted(Argument.objects.values_list("sources__url", flat=True)),
        "signatures": sorted(Signature.objects.values_list("email_normalised", "state", "kind")),
        "counts": statement.counts(),
    }


def test_demo_has_both_sides_with_sources_and_an_open_statement():
    call_command("load_demo")
    consultation = Consultation.objects.get(slug="police-facial-recognition")
    for side in ["for", "against"]:
        arguments = consultation.arguments.published().filter(side=side)
        assert arguments.count() >= 5
        assert all(argument.sources.exists() for argument in arguments)
    statement = Statement.objects.open().get()
    assert statement.counts().total == Signature.objects.counted().count() > 0
    assert all(email.endswith("example.org") for email in Signature.objects.values_list("email", flat=True))


def test_loading_the_demo_twice_gives_the_same_data():
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first
    assert SignatureCounter.reconcile(Statement.objects.get().pk) == 0
