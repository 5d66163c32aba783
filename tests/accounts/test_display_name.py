"""A person's name: asked for at sign-up, changed on "Your name", shown to others in place of
the email address, and cleaned of whatever would make it read differently from how it is stored."""

import unicodedata

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from accounts.forms import DisplayNameForm, normalise_name
from accounts.models import User
from consult.models import Membership
from tests.consult.test_naughty_input import FORM, Probe
from tests.factories import ArgumentFactory, OrganisationFactory, UserFactory
from tests.naughty import EXTRA, as_received, form_body, naughty_strings, visible

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"


@pytest.fixture
def sign_up(client, django_capture_on_commit_callbacks):
    """Post the sign-up form, then run the task its attempt queued after the commit."""

    def post(display_name: str, email: str = "new@example.org", path: str = ""):
        fields = {"display_name": display_name, "email": email, "password1": PASSWORD, "password2": PASSWORD}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path or reverse("account_signup"), form_body(fields), content_type=FORM)

    return post


@pytest.fixture
def reader(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Ada   Lovelace ", "Ada Lovelace"),
        ("Ada \u202eecalevoL", "Ada ecalevoL"),  # A right-to-left override.
        ("\u2066Ada\u2069 \u2067Lovelace\u2069", "Ada Lovelace"),
        ("Ada\u200b\u2060\ufeffLovelace", "AdaLovelace"),  # Zero-width characters.
        ("Ada\ud800Lovelace", "AdaLovelace"),  # A lone surrogate.
        ("Ada\x00\x1b[31mLovelace", "Ada[31mLovelace"),
        ("Ada\r\nLovelace", "Ada Lovelace"),
        ("e\u0301", "\u00e9"),
        ("زهرا\u200cی", "زهرا\u200cی"),  # A zero-width non-joiner Persian needs stays.
        ("\u200b\u202e", ""),
    ],
)
def test_a_name_is_one_line_of_what_it_shows(typed, kept):
    assert normalise_name(typed) == kept


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("A" * 81, "Enter a name of at most 80 characters."),
        ("é" * 50_000, "Enter a name of at most 80 characters."),
        ("https://spam.example/", "Enter your name, not a web address."),
        ("Visit WWW.spam.example", "Enter your name, not a web address."),
    ],
)
def test_a_name_too_long_or_a_link_is_refused_with_a_reason(user, typed, error):
    form = DisplayNameForm({"display_name": typed}, instance=user)
    assert not form.is_valid()
    assert form.errors["display_name"] == [error]


def test_eighty_characters_after_cleaning_are_enough(user):
    form = DisplayNameForm({"display_name": "\u200b" * 40 + "A" * 80 + "  "}, instance=user)
    assert form.is_valid(), form.errors
    assert form.save().display_name == "A" * 80


def test_sign_up_keeps_the_name_given(sign_up):
    assert sign_up("  Ada \u202eLovelace ").status_code == 302
    assert User.objects.get(email="new@example.org").display_name == "Ada Lovelace"


def test_sign_up_without_a_name_leaves_it_blank(sign_up):
    assert sign_up("").status_code == 302
    user = User.objects.get(email="new@example.org")
    assert user.display_name == "" and user.public_name == "A participant"


def test_signing_up_again_with_a_known_address_does_not_rename_its_account(sign_up, user):
    before = user.display_name
    assert sign_up("Someone Else", email=user.email).status_code == 302
    user.refresh_from_db()
    assert user.display_name == before


def test_sign_up_refuses_a_long_name_in_welsh_too(sign_up):
    response = sign_up("A" * 200, path="/cy" + reverse("account_signup"))
    assert response.status_code == 200
    assert "Rhowch enw o 80 nod ar y mwyaf." in response.content.decode()
    assert not User.objects.filter(email="new@example.org").exists()


def test_the_name_page_needs_a_login(client):
    response = client.get(reverse("account_name"))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_a_person_changes_their_name(reader, user):
    page = reader.get(reverse("account_name")).content.decode()
    assert f'value="{user.display_name}"' in page
    response = reader.post(reverse("account_name"), {"display_name": "Grace Hopper"}, follow=True)
    assert "Your name is saved." in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Grace Hopper"
    reader.post(reverse("account_name"), {"display_name": "   "})
    user.refresh_from_db()
    assert user.display_name == "" and user.public_name == "A participant"


def test_a_refused_name_keeps_the_old_one_and_says_why(reader, user):
    before = user.display_name
    response = reader.post(reverse("account_name"), {"display_name": "x" * 81})
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count("Enter a name of at most 80 characters.") == 2  # The summary and the field.
    assert "<title>Error: Your name" in html
    user.refresh_from_db()
    assert user.display_name == before


def test_the_name_page_takes_only_get_and_post(reader):
    assert reader.put(reverse("account_name")).status_code == 405


def test_every_naughty_name_is_kept_as_shown_or_refused_and_never_live(user):
    client = Client(raise_request_exception=False)
    client.force_login(user)
    probe = Probe(client)
    url = reverse("account_name")
    for value in naughty_strings():
        response = probe.post(url, value, {"display_name": value})
        user.refresh_from_db()
        if response.status_code == 302:
            stored = user.display_name
            probe.stored_intact(value, stored, "display_name")
            if len(stored) > 80 or any(unicodedata.category(c) in {"Cc", "Cs"} for c in stored):
                probe.fail(value, f"stored as {stored[:60]!r}")
            if stored != " ".join(stored.split()):
                probe.fail(value, "stored with untidy spaces")
            probe.get(reverse("account_name"), value)  # Shown back in the form, escaped.
        else:
            probe.refused(value, response, "account_name")
    probe.assert_clean()


@pytest.mark.parametrize("value", EXTRA, ids=lambda value: repr(value[:20]))
def test_a_hostile_name_shows_escaped_beside_an_argument(client, value):
    author = UserFactory(display_name=normalise_name(as_received(value))[:80])
    argument = ArgumentFactory(author=author)
    html = client.get(argument.get_absolute_url()).content.decode()
    assert "<script>window.naughty" not in html and "<script>alert(1)" not in html
    assert author.email not in html
    if visible(author.display_name):
        assert escape(author.display_name)[:20] in html


def test_arguments_show_the_name_or_a_participant_and_never_the_address(client):
    named = ArgumentFactory(author=UserFactory(display_name="Grace Hopper"))
    unnamed = ArgumentFactory(author=UserFactory(display_name=""))
    html = client.get(named.get_absolute_url()).content.decode()
    assert "Grace Hopper" in html and named.author.email not in html
    html = client.get(unnamed.get_absolute_url()).content.decode()
    assert "A participant" in html and unnamed.author.email not in html


def test_organisation_members_see_each_other_by_name(reader, user):
    organisation = OrganisationFactory()
    named = UserFactory(display_name="Grace Hopper", email="grace@example.org")
    unnamed = UserFactory(display_name="", email="anon@example.org")
    for person in (user, named, unnamed):
        Membership.objects.create(organisation=organisation, user=person, role="Member")
    html = reader.get(reverse("my_organisations")).content.decode()
    members = html.split('class="organisation__members"', 1)[1].split("</ul>", 1)[0]
    assert "Grace Hopper (grace@example.org)" in members
    assert "anon@example.org, Member" in members
    assert "A participant" not in members
    # Its public page names none of them, and shows no address.
    public = Client().get(organisation.get_absolute_url()).content.decode()
    assert "grace@example.org" not in public and "anon@example.org" not in public
