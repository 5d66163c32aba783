import pytest
from django.urls import reverse

from consult.models import Membership, Organisation, Signature
from tests.factories import (
    ArgumentFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VALID = {
    "name": "Civil Liberties Watch",
    "website": "https://liberties.example.org/",
    "description": "We campaign for privacy.",
    "role": "Director",
}


@pytest.fixture
def member_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def organisation(user):
    organisation = OrganisationFactory(status=Organisation.Status.PENDING)
    organisation.add_member(user, "Director", is_admin=True)
    return organisation


def register(client, **changes):
    return client.post(reverse("organisation_register"), {**VALID, **changes})


# Registering an organisation


def test_verified_user_registers_an_organisation_awaiting_verification(member_client, user):
    response = register(member_client)
    assert response.status_code == 302
    assert response.url == reverse("my_organisations")
    organisation = Organisation.objects.get()
    assert organisation.status == Organisation.Status.PENDING
    assert organisation.created_by == user
    assert organisation.slug == "civil-liberties-watch"
    assert organisation.website == "https://liberties.example.org/"
    assert Membership.objects.get(organisation=organisation).user == user
    assert Membership.objects.get(organisation=organisation).role == "Director"


def test_registration_form_shows_every_field_with_a_label(member_client):
    response = member_client.get(reverse("organisation_register"))
    assert response.status_code == 200
    for field in VALID:
        assert f'for="id_{field}"' in response.content.decode()


def test_anonymous_visitor_is_sent_to_log_in(client):
    for url in [reverse("organisation_register"), reverse("my_organisations")]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert register(client).status_code == 302
    assert not Organisation.objects.exists()


def test_user_without_verified_email_is_asked_to_verify_it(client, unverified_user):
    client.force_login(unverified_user)
    for url in [reverse("organisation_register"), reverse("my_organisations")]:
        response = client.get(url)
        assert response.status_code == 403
        assert "Verify your email address first" in response.content.decode()
    assert register(client).status_code == 403
    assert not Organisation.objects.exists()


def test_registration_refuses_other_methods(member_client):
    assert member_client.put(reverse("organisation_register")).status_code == 405
    assert member_client.post(reverse("my_organisations")).status_code == 405


def test_same_name_twice_gets_a_second_slug(member_client):
    register(member_client)
    register(member_client)
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == [
        "civil-liberties-watch",
        "civil-liberties-watch-2",
    ]


@pytest.mark.parametrize("name", ["🦊🦊🦊", "مرصد الحقوق", "עמותה"])
def test_name_without_latin_letters_gets_a_generic_unique_slug(member_client, name):
    register(member_client, name=name)
    register(member_client, name=name)
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == ["organisation", "organisation-2"]
    assert Organisation.objects.filter(name=name).count() == 2


def test_html_in_every_field_is_stored_as_text_and_shown_inert(member_client):
    script = "<script>alert(1)</script>"
    register(member_client, name=script, description=script, role=script)
    organisation = Organisation.objects.get()
    assert organisation.name == script
    assert organisation.slug == "scriptalert1script"
    page = member_client.get(reverse("my_organisations")).content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)//https://x.org",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/",
        "https://user:secret@example.org/",
        "https://" + "a" * 300 + ".org/",
        "not a website",
        "https://exa mple.org/",
    ],
)
def test_website_must_be_a_plain_http_address(member_client, website):
    response = register(member_client, website=website)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_nul_and_invisible_characters_are_removed_from_the_website(member_client):
    register(member_client, website="https://exa\x00mple.org/\u200b\u202e")
    assert Organisation.objects.get().website == "https://example.org/"


def test_website_without_a_scheme_is_taken_as_https(member_client):
    register(member_client, website="liberties.example.org")
    assert Organisation.objects.get().website == "https://liberties.example.org"


def test_invisible_and_control_characters_are_removed(member_client):
    register(
        member_client,
        name="\u202eCivil\u200b Liberties\x07 Watch\ufeff",
        description="Line one\r\n\u2066second\x07 line",
        role="Dir\x1bector",
    )
    organisation = Organisation.objects.get()
    assert organisation.name == "Civil Liberties Watch"
    assert organisation.description == "Line one\nsecond line"
    assert organisation.memberships.get().role == "Director"


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u200b", "\u202e", "\x00"])
def test_a_name_of_nothing_visible_is_refused(member_client, name):
    response = register(member_client, name=name)
    assert response.status_code == 200
    assert 'href="#id_name"' in response.content.decode()
    assert 'id="id_name_error"' in response.content.decode()
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    ("field", "length"), [("name", 201), ("description", 1001), ("role", 121), ("website", 301)]
)
def test_oversized_fields_are_refused(member_client, field, length):
    value = "https://example.org/" + "a" * length if field == "website" else "a" * length
    response = register(member_client, **{field: value})
    assert response.status_code == 200
    assert f'href="#id_{field}"' in response.content.decode()
    assert not Organisation.objects.exists()


def test_emoji_and_right_to_left_names_are_kept(member_client):
    register(member_client, name="🦊 مرصد الحقوق")
    assert Organisation.objects.get().name == "🦊 مرصد الحقوق"


# My organisations


def test_my_organisations_shows_state_members_and_proposals(member_client, organisation, user):
    colleague = UserFactory(verified=True, display_name="Sam")
    organisation.add_member(colleague, "Policy officer")
    proposal = StatementFactory(
        proposed_by=organisation, status="rejected", decision_reason="Duplicate text."
    )
    page = member_client.get(reverse("my_organisations")).content.decode()
    assert organisation.name in page
    assert "Awaiting verification" in page
    assert "Sam" in page and "Policy officer" in page
    assert proposal.title in page and "Duplicate text." in page
    assert reverse("statement_propose", args=[organisation.slug]) not in page


def test_my_organisations_does_not_show_other_peoples_organisations(member_client):
    other = OrganisationFactory()
    other.add_member(UserFactory(verified=True), "Director")
    page = member_client.get(reverse("my_organisations")).content.decode()
    assert other.name not in page


def test_account_navigation_links_to_organisations(member_client):
    page = member_client.get(reverse("my_organisations")).content.decode()
    assert f'href="{reverse("my_organisations")}"' in page


# Adding members


def add_member(client, organisation, email, role="Trustee"):
    prefix = f"member-{organisation.pk}"
    url = reverse("organisation_add_member", args=[organisation.slug])
    return client.post(url, {f"{prefix}-email": email, f"{prefix}-role": role})


def test_member_adds_an_existing_account_by_email(member_client, organisation):
    colleague = UserFactory(email="sam@example.org", verified=True)
    response = add_member(member_client, organisation, "SAM@example.org")
    assert response.status_code == 302
    assert organisation.memberships.get(user=colleague).role == "Trustee"


def test_added_member_sees_the_organisation(client, organisation):
    colleague = UserFactory(verified=True)
    organisation.add_member(colleague, "Trustee")
    client.force_login(colleague)
    assert organisation.name in client.get(reverse("my_organisations")).content.decode()


@pytest.mark.parametrize(
    "email", ["nobody@example.org", "not-an-email", "<script>@example.org", "a\x00b@example.org", "x" * 300]
)
def test_adding_someone_without_an_account_is_refused(member_client, organisation, email):
    response = add_member(member_client, organisation, email)
    assert response.status_code == 200
    assert 'class="error-summary"' in response.content.decode()
    assert organisation.memberships.count() == 1


def test_adding_an_account_whose_email_is_not_verified_is_refused(member_client, organisation):
    UserFactory(email="sam@example.org")
    response = add_member(member_client, organisation, "sam@example.org")
    assert "no account with this verified email" in response.content.decode()
    assert organisation.memberships.count() == 1


def test_adding_an_existing_member_again_is_refused(member_client, organisation, user):
    response = add_member(member_client, organisation, user.email)
    assert "already a member" in response.content.decode()
    assert organisation.memberships.count() == 1


def test_role_of_a_new_member_is_cleaned_and_shown_inert(member_client, organisation):
    UserFactory(email="sam@example.org", verified=True)
    add_member(member_client, organisation, "sam@example.org", role="<b>\u202eBoss</b>\x07")
    assert organisation.memberships.get(user__email="sam@example.org").role == "<b>Boss</b>"
    page = member_client.get(reverse("my_organisations")).content.decode()
    assert "&lt;b&gt;Boss&lt;/b&gt;" in page


def test_non_member_cannot_add_members(client, organisation):
    outsider = UserFactory(verified=True)
    UserFactory(email="sam@example.org", verified=True)
    client.force_login(outsider)
    assert add_member(client, organisation, "sam@example.org").status_code == 404
    assert client.post(reverse("organisation_add_member", args=[organisation.slug]), {}).status_code == 404
    assert not organisation.memberships.filter(user__email="sam@example.org").exists()


def test_adding_members_needs_post_and_a_verified_login(client, organisation, unverified_user):
    url = reverse("organisation_add_member", args=[organisation.slug])
    assert client.post(url).url.startswith(reverse("account_login"))
    client.force_login(unverified_user)
    assert client.post(url).status_code == 403
    client.force_login(organisation.memberships.get().user)
    members = organisation.memberships.count()
    # A GET (the language link on the form's error page) adds nobody: it goes back to the list.
    response = client.get(url)
    assert response.status_code == 302 and response.url == reverse("my_organisations")
    assert client.put(url).status_code == 405
    assert organisation.memberships.count() == members


def test_adding_members_is_rate_limited(member_client, organisation, settings):
    settings.ADD_MEMBER_RATE_LIMIT = "3/h"
    for number in range(3):
        add_member(member_client, organisation, f"nobody{number}@example.org")
    UserFactory(email="sam@example.org", verified=True)
    response = add_member(member_client, organisation, "sam@example.org")
    assert response.status_code == 429 and response["Retry-After"]
    assert "too often" in response.content.decode()
    assert organisation.memberships.count() == 1


def test_the_registrant_administers_the_organisation(member_client, user):
    register(member_client)
    assert Organisation.objects.get().memberships.get(user=user).is_admin


def test_an_administrator_chooses_whether_a_new_member_administers(member_client, organisation):
    UserFactory(email="sam@example.org", verified=True)
    UserFactory(email="kim@example.org", verified=True)
    prefix = f"member-{organisation.pk}"
    url = reverse("organisation_add_member", args=[organisation.slug])
    member_client.post(
        url, {f"{prefix}-email": "sam@example.org", f"{prefix}-role": "Chair", f"{prefix}-is_admin": "on"}
    )
    add_member(member_client, organisation, "kim@example.org")
    admins = dict(organisation.memberships.values_list("user__email", "is_admin"))
    assert admins["sam@example.org"] is True and admins["kim@example.org"] is False


def test_a_member_who_is_not_an_administrator_cannot_add_members(client, organisation):
    colleague = UserFactory(verified=True)
    organisation.add_member(colleague, "Trustee")
    UserFactory(email="sam@example.org", verified=True)
    client.force_login(colleague)
    page = client.get(reverse("my_organisations")).content.decode()
    assert organisation.name in page
    assert reverse("organisation_add_member", args=[organisation.slug]) not in page
    assert add_member(client, organisation, "sam@example.org").status_code == 404
    prefix = f"member-{organisation.pk}"
    url = reverse("organisation_add_member", args=[organisation.slug])
    hostile = {f"{prefix}-email": "sam@example.org", f"{prefix}-role": "x", f"{prefix}-is_admin": "on"}
    assert client.post(url, hostile).status_code == 404
    assert not organisation.memberships.filter(user__email="sam@example.org").exists()
    assert not organisation.memberships.get(user=colleague).is_admin


@pytest.mark.parametrize("value", ["", "off", "false", "0", "<script>", "\x00", "on"])
def test_the_administrator_choice_takes_any_value_without_an_error(member_client, organisation, value):
    UserFactory(email="sam@example.org", verified=True)
    prefix = f"member-{organisation.pk}"
    url = reverse("organisation_add_member", args=[organisation.slug])
    response = member_client.post(
        url, {f"{prefix}-email": "sam@example.org", f"{prefix}-role": "Chair", f"{prefix}-is_admin": value}
    )
    assert response.status_code == 302
    expected = value not in ("", "false")  # A checkbox: only its absence or "false" says no.
    assert organisation.memberships.get(user__email="sam@example.org").is_admin is expected


def test_existing_creators_become_administrators_and_other_members_do_not():
    """The data migration: the creator's membership administers, every other one does not."""
    from importlib import import_module

    from django.apps import apps

    creator, other = UserFactory(verified=True), UserFactory(verified=True)
    organisation = OrganisationFactory(created_by=creator)
    organisation.add_member(creator, "Director")
    organisation.add_member(other, "Trustee")
    orphan = OrganisationFactory(created_by=None)
    orphan.add_member(UserFactory(verified=True), "Trustee")
    migration = import_module("consult.migrations.0025_trending_membership_admins")
    migration.creators_administer(apps, None)
    assert dict(Membership.objects.values_list("user", "is_admin")) == {
        creator.pk: True,
        other.pk: False,
        orphan.memberships.get().user_id: False,
    }


# Leaving


def test_member_leaves_an_organisation(member_client, organisation, user):
    organisation.add_member(UserFactory(verified=True), "Trustee")
    response = member_client.post(reverse("organisation_leave", args=[organisation.slug]))
    assert response.status_code == 302
    assert not organisation.has_member(user)
    assert organisation.memberships.count() == 1


def test_last_member_cannot_leave(member_client, organisation, user):
    response = member_client.post(reverse("organisation_leave", args=[organisation.slug]), follow=True)
    assert organisation.has_member(user)
    assert "last member" in response.content.decode()


def test_leaving_needs_post_and_membership(client, member_client, organisation):
    url = reverse("organisation_leave", args=[organisation.slug])
    assert member_client.get(url).status_code == 405
    client.force_login(UserFactory(verified=True))
    assert client.post(url).status_code == 404


# The public page


def test_public_page_lists_statements_signed_and_arguments_made(client):
    organisation = OrganisationFactory(description="<script>alert(1)</script>")
    signed = StatementFactory()
    SignatureFactory(statement=signed, kind="organisation", organisation=organisation).confirm()
    unconfirmed = StatementFactory()
    SignatureFactory(statement=unconfirmed, kind="organisation", organisation=organisation)
    argument = ArgumentFactory(organisation=organisation)
    response = client.get(reverse("organisation_detail", args=[organisation.slug]))
    page = response.content.decode()
    assert response.status_code == 200
    assert signed.title in page
    assert unconfirmed.title not in page
    assert argument.claim in page
    assert "<script>alert(1)" not in page


def test_public_page_sets_no_cookie_and_has_no_form(client):
    organisation = OrganisationFactory()
    response = client.get(reverse("organisation_detail", args=[organisation.slug]))
    assert response.status_code == 200
    assert not response.cookies
    assert "<form" not in response.content.decode()


@pytest.mark.parametrize("status", [Organisation.Status.PENDING, Organisation.Status.REFUSED])
def test_unverified_organisation_has_no_public_page(client, status):
    organisation = OrganisationFactory(status=status)
    assert client.get(reverse("organisation_detail", args=[organisation.slug])).status_code == 404


def test_public_page_refuses_posts(client):
    organisation = OrganisationFactory()
    assert client.post(reverse("organisation_detail", args=[organisation.slug])).status_code == 405


def test_held_signature_is_not_shown_on_public_page(client):
    organisation = OrganisationFactory()
    statement = StatementFactory()
    signature = SignatureFactory(
        statement=statement, kind="organisation", organisation=organisation, hold=Signature.Hold.SUSPECT
    )
    signature.confirm()
    page = client.get(reverse("organisation_detail", args=[organisation.slug])).content.decode()
    assert statement.title not in page
