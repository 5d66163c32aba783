"""Signing while logged in: one click with a verified email, and on behalf of an organisation."""

import pytest
from django.core import mail
from django.urls import reverse

from consult.models import Membership, Organisation, Signature
from tests.consult.signers import post_sign
from tests.factories import OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sign(client, statement, django_capture_on_commit_callbacks):
    def sign(**overrides):
        return post_sign(client, statement, django_capture_on_commit_callbacks, **overrides)

    return sign


def test_verified_user_signs_with_one_click_and_is_counted_at_once(client, user, sign, statement):
    client.force_login(user)
    form_page = client.get(reverse("statement_sign", args=[statement.slug])).content.decode()
    assert 'name="email"' not in form_page and user.email in form_page
    response = sign(email=None)
    assert response.status_code == 302 and "/thanks/" in response.url
    signature = Signature.objects.get()
    assert signature.state == Signature.State.CONFIRMED and signature.user == user
    assert signature.email == user.email
    assert statement.counts().total == 1
    assert mail.outbox == []
    assert 'data-count="total">1<' in client.get(response.url).content.decode()


def test_verified_user_signing_twice_is_told_and_counted_once(client, user, sign, statement):
    client.force_login(user)
    sign(email=None)
    response = sign(email=None)
    assert response.url == reverse("my_signatures")
    assert statement.counts().total == 1 and mail.outbox == []


def test_verified_user_confirms_their_earlier_pending_signature_by_signing(client, user, sign, statement):
    pending = SignatureFactory(statement=statement, email=user.email)
    client.force_login(user)
    sign(email=None)
    pending.refresh_from_db()
    assert pending.state == Signature.State.CONFIRMED and pending.user == user
    assert statement.counts().total == 1


def test_unverified_user_confirms_by_email_like_anyone(client, unverified_user, sign, statement):
    client.force_login(unverified_user)
    response = sign(email="other@example.org")
    assert response.url == reverse("signature_check_email", args=[statement.slug])
    assert Signature.objects.get().state == Signature.State.PENDING
    assert len(mail.outbox) == 1


def test_member_signs_for_a_verified_organisation_with_their_role(client, user, sign, statement):
    organisation = OrganisationFactory(name="Liberty")
    Membership.objects.create(organisation=organisation, user=user, role="Director")
    client.force_login(user)
    page = client.get(reverse("statement_sign", args=[statement.slug])).content.decode()
    assert "On behalf of Liberty, as Director" in page
    sign(email=None, signing_as=f"organisation-{organisation.pk}")
    signature = Signature.objects.get()
    assert signature.kind == Signature.Kind.ORGANISATION and signature.organisation == organisation
    assert signature.public_role == "Director" and signature.hold == Signature.Hold.NONE
    assert statement.counts().organisations == 1
    # The same person may still sign in their own name.
    sign(email=None)
    assert statement.counts().individuals == 1 and Signature.objects.count() == 2
    assert "Liberty" in client.get(statement.get_absolute_url()).content.decode()


def test_unverified_organisation_signature_is_held_until_verified(client, user, sign, statement):
    organisation = OrganisationFactory(status=Organisation.Status.PENDING)
    Membership.objects.create(organisation=organisation, user=user, role="Chair")
    client.force_login(user)
    sign(email=None, signing_as=f"organisation-{organisation.pk}")
    signature = Signature.objects.get()
    assert signature.hold == Signature.Hold.UNVERIFIED_ORGANISATION
    assert signature.state == Signature.State.CONFIRMED
    assert statement.counts().total == 0


def test_user_cannot_sign_for_an_organisation_they_are_not_a_member_of(client, user, sign):
    stranger_organisation = OrganisationFactory()
    client.force_login(user)
    response = sign(email=None, signing_as=f"organisation-{stranger_organisation.pk}")
    assert response.status_code == 400
    assert Signature.objects.count() == 0


def test_organisation_signs_a_statement_once(client, user, sign, statement):
    organisation = OrganisationFactory()
    Membership.objects.create(organisation=organisation, user=user, role="Director")
    colleague_signature = SignatureFactory(
        statement=statement,
        kind=Signature.Kind.ORGANISATION,
        organisation=organisation,
        email_normalised=f"organisation:{organisation.pk}",
    )
    colleague_signature.confirm()
    client.force_login(user)
    sign(email=None, signing_as=f"organisation-{organisation.pk}")
    assert Signature.objects.count() == 1 and statement.counts().organisations == 1
