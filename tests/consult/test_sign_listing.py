"""A signer lists or unlists their name from the manage page, without withdrawing."""

import pytest
from django.test import Client
from django.urls import reverse

from consult.models import Signature, SignatureToken
from tests.conftest import forget_shared_pages
from tests.factories import SignatureFactory
from tests.naughty import naughty_strings

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(statement):
    signature = SignatureFactory(statement=statement, show_name=True, wants_updates=True)
    signature.confirm()
    return signature


def manage_token(signature: Signature) -> str:
    return SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)


def listing(token: str) -> str:
    return reverse("signature_listing", args=[token])


def listed_names(client, statement) -> list[str]:
    return list(statement.signatures.listed().values_list("name", flat=True))


def test_unlisting_keeps_the_signature_and_every_count(client, listed, statement):
    before = statement.counts()
    token = manage_token(listed)
    response = client.post(listing(token), {})
    assert response.status_code == 302 and response.url == reverse("signature_manage", args=[token])
    listed.refresh_from_db()
    assert listed.show_name is False
    assert listed.state == Signature.State.CONFIRMED and listed.wants_updates is True
    assert statement.counts() == before and before.total == 1
    assert listed_names(client, statement) == []
    page = client.get(response.url).content.decode()
    assert "Your name will not be shown in the public list. Your signature still counts." in page


def test_listing_again_puts_the_name_back(client, listed, statement):
    token = manage_token(listed)
    client.post(listing(token), {})
    client.post(listing(token), {"show_name": "on"})
    listed.refresh_from_db()
    assert listed.show_name is True
    assert listed_names(client, statement) == [listed.name]
    assert statement.counts().total == 1


def test_the_statement_page_stops_listing_an_unlisted_name(client, listed, statement):
    assert listed.name in Client().get(statement.get_absolute_url()).content.decode()
    client.post(listing(manage_token(listed)), {})
    forget_shared_pages()
    assert listed.name not in Client().get(statement.get_absolute_url()).content.decode()


def test_manage_page_offers_the_listing_form_with_csrf_and_the_current_choice(client, listed):
    token = manage_token(listed)
    page = client.get(reverse("signature_manage", args=[token])).content.decode()
    assert f'action="{listing(token)}"' in page
    form = page.split(f'action="{listing(token)}"', 1)[1].split("</form>", 1)[0]
    assert "csrfmiddlewaretoken" in form
    assert 'name="show_name"' in form and "checked" in form


def test_listing_needs_the_csrf_token(listed):
    client = Client(enforce_csrf_checks=True)
    assert client.post(listing(manage_token(listed)), {}).status_code == 403
    listed.refresh_from_db()
    assert listed.show_name is True


def test_listing_needs_post(client, listed):
    assert client.get(listing(manage_token(listed))).status_code == 405


@pytest.mark.parametrize("token", ["forged", "a" * 5000, "%00", "<script>"])
def test_a_forged_token_changes_nothing(client, listed, token):
    response = client.post(listing("placeholder").replace("placeholder", token), {})
    assert response.status_code == 404
    listed.refresh_from_db()
    assert listed.show_name is True


def test_a_confirm_token_even_used_is_not_a_manage_token(client, statement):
    signature = SignatureFactory(statement=statement, show_name=True)
    token = SignatureToken.issue(signature, SignatureToken.Purpose.CONFIRM)
    client.post(reverse("signature_confirm", args=[token]))
    assert client.post(listing(token), {}).status_code == 404
    signature.refresh_from_db()
    assert signature.state == Signature.State.CONFIRMED and signature.show_name is True


def test_a_withdrawn_signature_is_not_listed_again(client, listed):
    token = manage_token(listed)
    listed.withdraw()
    listed.refresh_from_db()
    client.post(listing(token), {"show_name": "on"})
    listed.refresh_from_db()
    assert listed.state == Signature.State.WITHDRAWN
    assert "show_name" not in client.get(reverse("signature_manage", args=[token])).content.decode()


def test_an_erased_signature_has_nothing_to_list(client, listed):
    token = manage_token(listed)
    Signature.objects.filter(pk=listed.pk).update(email="", name="")
    assert client.post(listing(token), {"show_name": "on"}).status_code == 410


@pytest.mark.parametrize("value", naughty_strings()[:40] + ("A" * 100_000, "\x00", "off", "0", "false"))
def test_any_show_name_value_is_a_checkbox_never_an_error(client, listed, value):
    response = client.post(listing(manage_token(listed)), {"show_name": value})
    assert response.status_code == 302
    listed.refresh_from_db()
    assert listed.show_name in (True, False)
    assert listed.state == Signature.State.CONFIRMED


def test_a_public_roles_manage_page_offers_no_listing_choice(client, statement):
    notable = SignatureFactory(statement=statement, kind="notable", public_role="MP", role_status="pending")
    notable.confirm()
    token = manage_token(notable)
    assert "signature_listing" not in client.get(reverse("signature_manage", args=[token])).content.decode()
    assert (
        f'action="{listing(token)}"'
        not in client.get(reverse("signature_manage", args=[token])).content.decode()
    )
