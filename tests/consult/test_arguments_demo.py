import pytest
from django.core.management import call_command
from django.urls import reverse

from consult.models import Endorsement, Position

pytestmark = pytest.mark.django_db

SLUG = "police-facial-recognition"


def first_claims(client, order: str) -> tuple[str, str]:
    response = client.get(reverse("consultation_detail", args=[SLUG]), {"order": order})
    return response.context["arguments_for"][0].claim, response.context["arguments_against"][0].claim


def test_demo_readers_make_each_ordering_put_a_different_argument_first(client):
    call_command("load_demo")
    tops = {order: first_claims(client, order) for order in ["endorsed", "convincing", "newest"]}
    assert tops["endorsed"] == (
        "It helps catch people wanted for serious crimes",
        "It is suspicionless mass surveillance of everyone who passes a camera",
    )
    assert tops["convincing"] == (
        "It can find missing and vulnerable people",
        "Parliament has never voted on it",
    )
    assert tops["newest"] == (
        "Retrospective searches make investigations faster",
        "Watch lists can include people not wanted for any crime",
    )


def test_demo_readers_are_invented_and_cannot_log_in():
    call_command("load_demo")
    readers = [position.user for position in Position.objects.select_related("user")]
    assert len(readers) == 9
    assert all(
        reader.email.endswith("@example.org") and "(invented)" in reader.display_name for reader in readers
    )
    assert not any(reader.has_usable_password() for reader in readers)


def test_loading_the_demo_twice_keeps_the_same_positions_and_endorsements():
    call_command("load_demo")
    before = (
        sorted(Position.objects.values_list("user__email", "stance")),
        sorted(Endorsement.objects.values_list("user__email", "argument__claim")),
    )
    call_command("load_demo")
    after = (
        sorted(Position.objects.values_list("user__email", "stance")),
        sorted(Endorsement.objects.values_list("user__email", "argument__claim")),
    )
    assert after == before and len(before[1]) == 23
