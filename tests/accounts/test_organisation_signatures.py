"""An organisation's signature belongs to the organisation: only its current members act on it."""

import json

import pytest
from django.urls import reverse

from consult.models import ConsentEvent, Signature, SignatureCounter, SignatureToken
from consult.views.unsubscribe import unsubscribe_everywhere
from tests.factories import OrganisationFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db

ACCOUNT_ACTIONS = [
    ("get", "my_signature_data"),
    ("get", "my_signature_erase"),
    ("post", "my_signature_erase"),
    ("post", "my_signature_withdraw"),
    ("post", "my_signature_updates"),
]


@pytest.fixture
def organisation():
    organisation = OrganisationFactory()
    organisation.add_member(UserFactory(email="alex@example.org", verified=True), "Director")
    organisation.add_member(UserFactory(email="bea@example.org", verified=True), "Volunteer")
    return organisation


def member(organisation, email: str):
    return organisation.members.get(email=email)


@pytest.fixture
def signed(organisation, statement):
    """Bea signed for the organisation, and in her own name; Alex signed in his own name."""
    bea = member(organisation, "bea@example.org")
    for_organisation = SignatureFactory(
        statement=statement,
        kind=Signature.Kind.ORGANISATION,
        organisation=organisation,
        name=organisation.name,
        email=bea.email,
        email_normalised=organisation.signature_key,
        user=bea,
        ip_hash="b" * 64,
        wants_updates=True,
    )
    for_organisation.confirm()
    own = SignatureFactory(statement=statement, email=bea.email, user=bea, wants_updates=True)
    own.confirm()
    SignatureFactory(statement=statement, email="alex@example.org").confirm()
    assert statement.counts().organisations == 1 and statement.counts().individuals == 2
    return for_organisation, own


def act(client, method: str, name: str, signature: Signature):
    return getattr(client, method)(reverse(name, args=[signature.pk]))


def assert_untouched(signature: Signature, statement) -> None:
    signature.refresh_from_db()
    assert signature.state == Signature.State.CONFIRMED and signature.email == "bea@example.org"
    assert signature.wants_updates
    assert statement.counts().organisations == 1


def test_a_member_who_left_no_longer_reaches_the_organisations_signature(
    client, organisation, signed, statement
):
    for_organisation, own = signed
    bea = member(organisation, "bea@example.org")
    assert organisation.memberships.get(user=bea).leave()
    client.force_login(bea)
    for method, name in ACCOUNT_ACTIONS:
        assert act(client, method, name, for_organisation).status_code == 404, name
    assert_untouched(for_organisation, statement)
    assert list(client.get(reverse("my_signatures")).context["signatures"]) == [own]


def test_a_persons_own_data_leaves_out_the_organisations_signature(client, organisation, signed):
    for_organisation, own = signed
    client.force_login(member(organisation, "bea@example.org"))
    data = json.loads(act(client, "get", "my_signature_data", own).content)
    assert [each["kind"] for each in data["signatures"]] == ["individual"]
    assert "b" * 64 not in json.dumps(data)


def test_another_user_reaches_nobodys_signature_by_id(client, signed, statement):
    for_organisation, own = signed
    client.force_login(UserFactory(verified=True))
    for signature in (for_organisation, own):
        for method, name in ACCOUNT_ACTIONS:
            assert act(client, method, name, signature).status_code == 404, name
    assert_untouched(for_organisation, statement)
    assert statement.counts().individuals == 2


def test_a_current_member_exports_and_erases_the_organisations_signature_alone(
    client, organisation, signed, statement
):
    for_organisation, own = signed
    client.force_login(member(organisation, "alex@example.org"))
    listed = client.get(reverse("my_signatures")).context["signatures"]
    assert for_organisation in listed and own not in listed
    data = json.loads(act(client, "get", "my_signature_data", for_organisation).content)
    assert [each["organisation"] for each in data["signatures"]] == [organisation.name]
    assert act(client, "post", "my_signature_erase", for_organisation).url == reverse("signature_erased")
    for_organisation.refresh_from_db()
    assert for_organisation.state == Signature.State.WITHDRAWN and for_organisation.email == ""
    own.refresh_from_db()
    assert own.state == Signature.State.CONFIRMED and own.email == "bea@example.org"
    assert statement.counts().organisations == 0 and statement.counts().individuals == 2
    assert SignatureCounter.reconcile(statement.pk) == 0  # Nothing drifted.


def test_erasing_ones_own_signatures_leaves_the_organisations_counted(
    client, organisation, signed, statement
):
    for_organisation, own = signed
    client.force_login(member(organisation, "bea@example.org"))
    client.post(reverse("my_signature_erase", args=[own.pk]))
    assert_untouched(for_organisation, statement)
    assert statement.counts().individuals == 1 and SignatureCounter.reconcile(statement.pk) == 0


def test_unsubscribing_everywhere_leaves_the_organisations_updates_alone(signed, statement):
    for_organisation, own = signed
    assert unsubscribe_everywhere(own) == 1
    own.refresh_from_db()
    assert not own.wants_updates
    assert_untouched(for_organisation, statement)
    assert ConsentEvent.objects.filter(signature=for_organisation, wants_updates=False).count() == 0


def test_one_definition_of_a_persons_signatures(organisation, signed):
    """By account or by link, the same signatures; an organisation's stands for itself alone."""
    for_organisation, own = signed
    bea = member(organisation, "bea@example.org")
    assert set(Signature.objects.of_person(bea)) == {for_organisation, own}
    assert list(Signature.objects.of_person(own)) == [own]
    assert list(Signature.objects.of_person(for_organisation)) == [for_organisation]


LINK_ACTIONS = [
    ("get", "signature_manage"),
    ("get", "signature_data"),
    ("get", "signature_erase"),
    ("post", "signature_erase"),
    ("post", "signature_withdraw"),
    ("post", "signature_updates"),
    ("post", "signature_listing"),
]


def follow_link(client, method: str, name: str, token: str):
    return getattr(client, method)(reverse(name, args=[token]))


def test_the_organisations_manage_link_no_longer_opens_for_a_member_who_left(
    client, organisation, signed, statement
):
    for_organisation, own = signed
    token = SignatureToken.issue(for_organisation, SignatureToken.Purpose.MANAGE)
    bea = member(organisation, "bea@example.org")
    organisation.memberships.get(user=bea).leave()
    for who in (None, bea):
        if who is not None:
            client.force_login(who)
        for method, name in LINK_ACTIONS:
            assert follow_link(client, method, name, token).status_code == 404, (who, name)
    assert_untouched(for_organisation, statement)


def test_the_organisations_manage_link_opens_for_a_current_member(client, organisation, signed):
    for_organisation, own = signed
    token = SignatureToken.issue(for_organisation, SignatureToken.Purpose.MANAGE)
    client.force_login(member(organisation, "alex@example.org"))
    assert follow_link(client, "get", "signature_manage", token).status_code == 200
    data = json.loads(follow_link(client, "get", "signature_data", token).content)
    assert [each["organisation"] for each in data["signatures"]] == [organisation.name]


def test_a_persons_own_manage_link_needs_no_account(client, signed):
    for_organisation, own = signed
    token = SignatureToken.issue(own, SignatureToken.Purpose.MANAGE)
    assert follow_link(client, "get", "signature_manage", token).status_code == 200
