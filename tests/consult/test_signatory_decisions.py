"""Decisions about who signed (consult/signatories.py): organisations and public roles verified or
refused, signatures released or invalidated. Each is recorded once, tells the people affected in
their language, keeps the counters equal to the rows, and changes nothing if any part fails."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from consult import signatories
from consult.models import ModerationDecision, Organisation, OutboundEmail, Signature, SignatureCounter
from consult.models.statements import Counts
from tests.consult.moderators import persona
from tests.factories import OrganisationFactory, SignatureFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return persona("moderator")


def counts_match_rows(*statements) -> bool:
    return all(SignatureCounter.reconcile(statement.pk) == 0 for statement in statements)


def organisation_with_members(status=Organisation.Status.VERIFIED):
    creator, member = UserFactory(verified=True), UserFactory(verified=True)
    organisation = OrganisationFactory(status=status, created_by=creator)
    organisation.add_member(creator, "Chair")
    organisation.add_member(member, "Secretary")
    return organisation, creator, member


def organisation_signature(statement, organisation, hold="") -> Signature:
    signature = SignatureFactory(
        statement=statement,
        kind=Signature.Kind.ORGANISATION,
        organisation=organisation,
        email_normalised=organisation.signature_key,
        hold=hold,
        show_name=True,
    )
    signature.confirm()
    return signature


def test_refusing_a_verified_organisation_stops_its_signatures_counting_and_listing(statement, moderator):
    organisation, _creator, _member = organisation_with_members()
    signature = organisation_signature(statement, organisation)
    other_statement = SignatureFactory().statement
    organisation_signature(other_statement, organisation)
    SignatureFactory(statement=statement).confirm()
    assert statement.counts() == Counts(individuals=1, organisations=1)

    assert signatories.refuse_organisation(organisation, moderator, "Its registration lapsed.")

    assert statement.counts() == Counts(individuals=1)
    assert other_statement.counts() == Counts()
    assert not Signature.objects.listed().filter(organisation=organisation).exists()
    signature.refresh_from_db()
    assert (signature.state, signature.hold) == ("confirmed", Signature.Hold.UNVERIFIED_ORGANISATION)
    assert counts_match_rows(statement, other_statement)
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.affected) == ("refuse organisation", 2)

    assert signatories.verify_organisation(organisation, moderator, "Renewed.")
    assert statement.counts() == Counts(individuals=1, organisations=1)
    assert counts_match_rows(statement, other_statement)


def test_refusing_leaves_suspect_and_withdrawn_signatures_as_they_were(statement, moderator):
    organisation, _creator, _member = organisation_with_members()
    suspect = organisation_signature(statement, organisation, hold=Signature.Hold.SUSPECT)
    suspect.withdraw()
    organisation_signature(statement, organisation, hold=Signature.Hold.SUSPECT)
    signatories.refuse_organisation(organisation, moderator, "Lapsed.")
    assert set(Signature.objects.values_list("hold", flat=True)) == {Signature.Hold.SUSPECT}
    signatories.verify_organisation(organisation, moderator, "Renewed.")
    assert statement.counts() == Counts()
    assert counts_match_rows(statement)


def test_members_and_creator_are_told_in_their_language(
    statement, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    organisation, creator, member = organisation_with_members(Organisation.Status.PENDING)
    SignatureFactory(statement=statement, user=member, language="cy")
    with django_capture_on_commit_callbacks(execute=True):
        signatories.verify_organisation(organisation, moderator, "Checked the <b>register</b>.")
    by_address = {email.to[0]: email for email in mailoutbox}
    assert set(by_address) == {creator.email, member.email}
    assert by_address[creator.email].subject == f"{organisation.name} is verified"
    assert by_address[member.email].subject == f"Mae {organisation.name} wedi'i wirio"
    assert "Checked the <b>register</b>." in by_address[creator.email].body
    assert "Checked the &lt;b&gt;register&lt;/b&gt;." in by_address[creator.email].alternatives[0][0]
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        signatories.refuse_organisation(organisation, moderator, "The charity number is wrong.")
    assert {email.subject for email in mailoutbox} == {
        f"{organisation.name} was not verified",
        f"Nid yw {organisation.name} wedi'i wirio",
    }
    assert all("The charity number is wrong." in email.body for email in mailoutbox)


def test_deciding_an_organisation_again_the_same_way_records_and_sends_nothing(statement, moderator):
    organisation, _creator, _member = organisation_with_members()
    assert signatories.verify_organisation(organisation, moderator, "Again") is False
    signatories.refuse_organisation(organisation, moderator, "No")
    assert signatories.refuse_organisation(organisation, moderator, "No again") is False
    assert ModerationDecision.objects.count() == 1
    assert OutboundEmail.objects.count() == 2


def notable(statement, state="confirmed", **fields) -> Signature:
    fields = {"role_status": "pending", **fields}
    signature = SignatureFactory(
        statement=statement, kind="notable", public_role="MP for Ceredigion", **fields
    )
    if state == "confirmed":
        signature.confirm()
    return signature


def test_public_role_decisions_tell_the_signer_in_their_language(
    statement, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    welsh, english = notable(statement, language="cy"), notable(statement)
    with django_capture_on_commit_callbacks(execute=True):
        assert signatories.verify_public_role(welsh, moderator, "Ar wefan y Senedd.")
        assert signatories.refuse_public_role(english, moderator, "Not on the list of MPs.")
    assert statement.counts() == Counts(individuals=1, notable=1)
    assert counts_match_rows(statement)
    by_address = {email.to[0]: email for email in mailoutbox}
    assert by_address[welsh.email].subject == "Mae eich rôl gyhoeddus wedi'i gwirio"
    assert by_address[english.email].subject == "Your public role was not verified"
    assert "Not on the list of MPs." in by_address[english.email].body
    assert "MP for Ceredigion" in by_address[english.email].body


def test_an_unconfirmed_signer_is_not_emailed_about_their_role(statement, moderator, mailoutbox):
    pending = notable(statement, state="pending")
    assert signatories.verify_public_role(pending, moderator, "Known MP")
    assert not OutboundEmail.objects.exists()
    assert ModerationDecision.objects.count() == 1


@pytest.mark.parametrize(
    ("setup", "decide"),
    [
        (lambda statement: organisation_signature(statement, OrganisationFactory()), "refuse_organisation"),
        (
            lambda statement: organisation_signature(
                statement,
                OrganisationFactory(status="pending"),
                hold=Signature.Hold.UNVERIFIED_ORGANISATION,
            ),
            "verify_organisation",
        ),
        (lambda statement: notable(statement), "verify_public_role"),
        (lambda statement: notable(statement, role_status="verified"), "refuse_public_role"),
        (lambda statement: SignatureFactory(statement=statement, hold="suspect"), "release_signature"),
        (lambda statement: SignatureFactory(statement=statement), "invalidate_signature"),
    ],
)
def test_a_decision_whose_record_fails_changes_nothing(statement, setup, decide):
    signature = setup(statement)
    if signature.state == "pending":
        signature.confirm()
    target = signature.organisation if decide.endswith("organisation") else signature
    before = (list(Signature.objects.values()), list(Organisation.objects.values()), statement.counts())
    ghost = UserFactory.build()  # Never saved: writing the record fails after the change.
    with pytest.raises(ValueError):
        getattr(signatories, decide)(target, ghost, "Because")
    after = (list(Signature.objects.values()), list(Organisation.objects.values()), statement.counts())
    assert after == before
    assert not ModerationDecision.objects.exists() and not OutboundEmail.objects.exists()
    assert counts_match_rows(statement)


def act(client, action: str, objects, reason: str):
    data = {
        "action": action,
        ACTION_CHECKBOX_NAME: [obj.pk for obj in objects],
        "apply": "1",
        "reason": reason,
    }
    return client.post(reverse("admin:consult_signature_changelist"), data)


def test_counts_equal_the_rows_after_every_signature_decision_in_the_admin(client, statement, moderator):
    client.force_login(moderator)
    roles = [notable(statement) for _ in range(3)]
    suspect = SignatureFactory(statement=statement, hold="suspect")
    suspect.confirm()
    plain = SignatureFactory(statement=statement)
    plain.confirm()
    steps = [
        ("verify_public_roles", roles, Counts(individuals=1, notable=3)),
        ("refuse_public_roles", roles[:1], Counts(individuals=2, notable=2)),
        ("release_signatures", [suspect], Counts(individuals=3, notable=2)),
        ("invalidate_signatures", [plain, roles[1]], Counts(individuals=2, notable=1)),
    ]
    for action, selected, expected in steps:
        assert act(client, action, selected, "Checked.").status_code == 302
        assert statement.counts() == expected, action
        assert counts_match_rows(statement), action
    assert ModerationDecision.objects.count() == 3 + 1 + 1 + 2


def test_the_signature_list_shows_the_role_claimed(client, statement, moderator):
    notable(statement)
    client.force_login(moderator)
    page = client.get(reverse("admin:consult_signature_changelist")).content.decode()
    assert "MP for Ceredigion" in page


def test_editing_a_signature_cannot_forge_an_organisation_signature_or_consent(client, statement, moderator):
    organisation = OrganisationFactory()
    organisation_signature(statement, organisation)
    signature = SignatureFactory(statement=statement)
    signature.confirm()
    client.force_login(persona("superuser"))
    url = reverse("admin:consult_signature_change", args=[signature.pk])
    page = client.get(url).content.decode()
    for field in ["kind", "organisation", "user", "wants_updates", "show_name", "state", "hold"]:
        assert f'name="{field}"' not in page
    response = client.post(
        url,
        {
            "kind": "organisation",
            "organisation": organisation.pk,
            "user": moderator.pk,
            "wants_updates": "on",
            "show_name": "on",
            "name": "Forged",
        },
    )
    assert response.status_code in (200, 302)
    signature.refresh_from_db()
    assert (
        signature.kind,
        signature.organisation,
        signature.user,
        signature.wants_updates,
        signature.name,
    ) == (
        "individual",
        None,
        None,
        False,
        signature.name,
    )
    assert statement.counts() == Counts(individuals=1, organisations=1)
