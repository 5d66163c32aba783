"""Personal data across every admin, for staff without the permission to see it.

Admins, fields and relations are found by walking the admin site and the models, with this
module's own idea of what is personal, so a new admin or a new field that leaks fails here.
"""

import contextlib
import datetime

import pytest
from allauth.account.models import EmailAddress
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.db import models
from django.test import Client
from django.urls import NoReverseMatch, reverse

from consult import responses
from consult.admin_personal_data import mask_emails_in
from consult.models import (
    ArgumentReport,
    Feedback,
    FraudCleanup,
    ModerationDecision,
    Organisation,
    OutboundEmail,
    Signature,
    Update,
)
from consult.roles import MODERATORS
from tests.conftest import with_mfa
from tests.factories import (
    ArgumentFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PERSONAL_NAMES = ("email", "postcode", "ip_hash", "password")
# Named like personal data but shown to every moderator: a signature's email domain is what the
# clean-up and the trending panel select by (a flood comes from a domain, not from a person).
NOT_PERSONAL = {"email_domain"}


def is_personal(field) -> bool:
    if field.name in NOT_PERSONAL:
        return False
    return isinstance(field, models.EmailField) or any(name in field.name for name in PERSONAL_NAMES)


def personal_fields(model) -> list[str]:
    return [field.name for field in model._meta.concrete_fields if is_personal(field)]


def personal_paths(model) -> list[str]:
    """Every personal field of the model, and of every model one relation away (either direction)."""
    paths = personal_fields(model)
    for field in model._meta.get_fields():
        if field.is_relation and field.related_model is not None and field.related_model != "self":
            paths += [f"{field.name}__{name}" for name in personal_fields(field.related_model)]
    return paths


def personal_values() -> set[str]:
    """Every personal value stored in a model the admin shows (addresses, postcodes, hashes)."""
    values = set()
    for model in admin.site._registry:
        for name in personal_fields(model):
            values |= {value for value in model.objects.values_list(name, flat=True) if value}
    return {value for value in values if isinstance(value, str) and len(value) >= 6}


@pytest.fixture
def world(statement):
    """Personal data everywhere the admin could show it: one row of every registered model at least."""
    victim = UserFactory(email="victim.person@example.org", verified=True)
    member = UserFactory(email="member.person@example.org", verified=True)
    root = with_mfa(UserFactory(email="root.person@example.org", is_staff=True, is_superuser=True))
    organisation = OrganisationFactory(created_by=victim)
    organisation.add_member(victim, "Director")
    organisation.add_member(member, "Treasurer")
    argument = ArgumentFactory(consultation=statement.consultation, author=victim, organisation=organisation)
    ArgumentReport.objects.create(argument=argument, reporter=member, reason="spam")
    signature = SignatureFactory(
        statement=statement,
        email="signer.secret@example.org",
        postcode="SW1A 1AA",
        ip_hash="cd" * 32,
        user=victim,
    )
    SignatureFactory(
        statement=statement,
        kind=Signature.Kind.ORGANISATION,
        organisation=organisation,
        email="member.person@example.org",
        email_normalised=organisation.signature_key,
        user=member,
    )
    cleaned = SignatureFactory(statement=statement, email="bot.person@example.org", ip_hash="ab" * 32)
    FraudCleanup.perform(
        root, statement, Signature.objects.filter(pk=cleaned.pk), {"ip_hash": "ab" * 32}, "Bots"
    )
    StatementFactory(consultation=statement.consultation, proposed_by=organisation, proposer=victim)
    ModerationDecision.record(root, organisation, "verify organisation", "Checked")
    OutboundEmail.objects.create(signature=signature, kind=OutboundEmail.Kind.CONFIRM)
    OutboundEmail.objects.create(
        to="outbox.person@example.org", kind=OutboundEmail.Kind.MESSAGE, subject="Hi"
    )
    Update.objects.create(statement=statement, subject="Progress", body="Nearly there.", created_by=root)
    EmailAddress.objects.create(user=victim, email="second.address@example.org")
    Feedback.objects.create(satisfaction="satisfied", comments="Clear.", email="feedback.person@example.org")
    responses.record(statement, root, kind="response", date=datetime.date(2026, 12, 1), summary="A reply.")
    return {"victim": victim, "root": root}


@pytest.fixture
def nosy():
    """Staff with every permission but the personal-data ones: the widest view without them."""
    user = with_mfa(UserFactory(email="nosy.staff@example.org", is_staff=True, verified=True))
    user.user_permissions.set(Permission.objects.exclude(codename__endswith="signer_personal_data"))
    client = Client()
    client.force_login(user)
    return client


def admin_url(model, name: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def pages_of(model) -> list[str]:
    """The model's list, its raw-id popup, and the change and history pages of its rows."""
    urls = [admin_url(model, "changelist"), admin_url(model, "changelist") + "?_popup=1&_to_field=id"]
    for pk in model.objects.order_by("pk").values_list("pk", flat=True)[:10]:
        urls.append(admin_url(model, "change", pk))
        with contextlib.suppress(NoReverseMatch):  # Models without versions have no history page.
            urls.append(admin_url(model, "history", pk))
    return urls


def test_the_world_has_a_row_of_every_registered_model(world):
    assert [model for model in admin.site._registry if not model.objects.exists()] == []


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_no_admin_page_shows_personal_data_without_the_permission(world, nosy, model):
    secrets = personal_values()
    assert "victim.person@example.org" in secrets and "SW1A 1AA" in secrets  # The test can fail.
    for url in pages_of(model):
        response = nosy.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert [secret for secret in secrets if secret in html] == [], url


def test_the_admin_home_and_app_pages_show_no_personal_data(world, nosy):
    secrets = personal_values()
    apps = {model._meta.app_label for model in admin.site._registry}
    trending = reverse("admin:consult_signature_trending")
    statements = Signature.objects.values_list("statement", flat=True).distinct()
    pages = [
        reverse("admin:index"),
        *(reverse("admin:app_list", args=[app]) for app in apps),
        # The moderators' own pages beside the models': what is trending, per statement.
        trending,
        *(f"{trending}?statement={pk}" for pk in statements),
    ]
    for url in pages:
        response = nosy.get(url)
        assert response.status_code == 200, url
        assert [secret for secret in secrets if secret in response.content.decode()] == [], url


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_no_admin_list_answers_a_lookup_on_personal_data_without_the_permission(world, nosy, model):
    changelist = admin_url(model, "changelist")
    everything = nosy.get(changelist).context["cl"].result_count
    for path in personal_paths(model):
        value = model.objects.exclude(**{f"{path}__isnull": True}).values_list(path, flat=True).first()
        value = str(value or "victim.person@example.org")
        for lookup, probe in [(path, value), (f"{path}__startswith", value[:1])]:
            response = nosy.get(changelist, {lookup: probe})
            answered = response.status_code == 200 and response.context["cl"].result_count != everything
            assert response.status_code in (400, 200) and not answered, f"{model._meta.label} ?{lookup}="


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_no_admin_list_hands_back_a_personal_field_as_its_key(world, nosy, model):
    for name in personal_fields(model):
        response = nosy.get(admin_url(model, "changelist"), {"_to_field": name, "_popup": "1"})
        assert response.status_code == 400, f"{model._meta.label} ?_to_field={name}"


def test_with_the_permission_a_lookup_on_an_address_filters(world):
    """The probe above would see an answer: the filter works for those entitled to it."""
    client = Client()
    client.force_login(world["root"])
    response = client.get(admin_url(Signature, "changelist"), {"email": "signer.secret@example.org"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    listing = client.get(admin_url(type(world["victim"]), "changelist")).content.decode()
    assert "victim.person@example.org" in listing


def test_an_address_search_finds_nobody_without_the_permission(world, nosy):
    users = nosy.get(admin_url(type(world["victim"]), "changelist"), {"q": "victim.person@example.org"})
    assert users.context["cl"].result_count == 0
    decisions = nosy.get(admin_url(ModerationDecision, "changelist"), {"q": "root.person"})
    assert decisions.context["cl"].result_count == 0


def test_a_list_is_not_sorted_by_address_without_the_permission(world, nosy):
    """Sorted by address, masked addresses still say where a known one falls (one can register it)."""
    response = nosy.get(admin_url(type(world["victim"]), "changelist"), {"o": "1"})
    assert "email" not in response.context["cl"].get_ordering_field_columns().values()
    assert not any("email" in str(order) for order in response.context["cl"].queryset.query.order_by)


def test_a_moderator_sees_addresses_masked(world):
    client = Client()
    moderator = with_mfa(UserFactory(is_staff=True, verified=True))
    moderator.groups.set([Group.objects.get(name=MODERATORS)])
    client.force_login(moderator)
    organisation = Organisation.objects.get(memberships__user=world["victim"])
    page = client.get(admin_url(Organisation, "change", organisation.pk)).content.decode()
    assert "v***@example.org" in page  # The member, in the membership inline's label.
    assert "victim.person@example.org" not in page


def test_addresses_in_a_page_are_masked_but_form_values_are_left_to_save_unchanged():
    page = (
        b'<a href="/admin/accounts/user/1/change/">jo.bloggs@example.org</a> (Ann+tag@mail.example.co.uk)'
        b'<input name="q" value="typed@example.org">'
        b'<textarea name="body">write to help@example.org</textarea>'
    )
    masked = mask_emails_in(page).decode()
    assert ">j***@example.org</a> (A***@mail.example.co.uk)" in masked
    assert 'value="typed@example.org"' in masked and "write to help@example.org</textarea>" in masked
    assert "jo.bloggs@" not in masked and "Ann+tag@" not in masked
