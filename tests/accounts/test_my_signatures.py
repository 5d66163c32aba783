"""My signatures: a user's own signatures, with withdraw and update-preference controls."""

import pytest
from django.urls import reverse

from consult.models import ConsentEvent, Signature
from tests.factories import SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_lists_signatures_made_logged_in_or_with_the_verified_address(client, user, statement):
    by_account = SignatureFactory(statement=statement, user=user, email="old@example.org")
    by_email = SignatureFactory(email=user.email.upper())
    by_email.email_normalised = user.email
    by_email.save()
    SignatureFactory(statement=statement)  # Someone else's.
    client.force_login(user)
    response = client.get(reverse("my_signatures"))
    assert response.status_code == 200
    assert set(response.context["signatures"]) == {by_account, by_email}
    assert reverse("my_signatures") in response.content.decode()  # In the account navigation.


def test_unverified_address_does_not_claim_signatures_made_with_it(client, unverified_user, statement):
    SignatureFactory(statement=statement, email=unverified_user.email)
    client.force_login(unverified_user)
    assert list(client.get(reverse("my_signatures")).context["signatures"]) == []


def test_anonymous_reader_is_sent_to_log_in(client):
    response = client.get(reverse("my_signatures"))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_withdrawing_from_my_signatures_drops_the_count(client, user, statement):
    signature = SignatureFactory(statement=statement, user=user)
    signature.confirm()
    client.force_login(user)
    response = client.post(reverse("my_signature_withdraw", args=[signature.pk]))
    assert response.status_code == 302
    signature.refresh_from_db()
    assert signature.state == Signature.State.WITHDRAWN and statement.counts().total == 0


def test_update_preference_change_is_recorded(client, user, statement):
    signature = SignatureFactory(statement=statement, user=user)
    client.force_login(user)
    client.post(reverse("my_signature_updates", args=[signature.pk]), {"wants_updates": "on"})
    signature.refresh_from_db()
    assert signature.wants_updates
    assert ConsentEvent.objects.get().source == ConsentEvent.Source.ACCOUNT


def test_another_users_signature_is_not_found(client, user, statement):
    theirs = SignatureFactory(statement=statement, user=UserFactory(verified=True))
    theirs.confirm()
    client.force_login(user)
    assert client.post(reverse("my_signature_withdraw", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("my_signature_updates", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == Signature.State.CONFIRMED


def test_actions_need_post_and_login(client, user, statement):
    signature = SignatureFactory(statement=statement, user=user)
    assert client.post(reverse("my_signature_withdraw", args=[signature.pk])).status_code == 302
    client.force_login(user)
    assert client.get(reverse("my_signature_withdraw", args=[signature.pk])).status_code == 405
    assert client.post(reverse("my_signatures")).status_code == 405
