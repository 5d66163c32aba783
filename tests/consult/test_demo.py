import pytest
from django.core.management import call_command

from consult.models import (
    Argument,
    Consultation,
    MilestoneMeaning,
    ModerationDecision,
    Signature,
    SignatureCounter,
    Statement,
    StatementResponse,
    Update,
)

pytestmark = pytest.mark.django_db


def snapshot() -> dict:
    return {
        "consultations": list(Consultation.objects.values_list("slug", "title")),
        "arguments": sorted(Argument.objects.values_list("side", "claim", "status")),
        "sources": sorted(Argument.objects.values_list("sources__url", flat=True)),
        "signatures": sorted(Signature.objects.values_list("email_normalised", "state", "kind")),
        "statements": sorted(Statement.objects.values_list("slug", "stance", "title", "title_cy", "text_cy")),
        "counts": [statement.counts() for statement in Statement.objects.order_by("slug")],
        "recipients": sorted(Statement.objects.values_list("slug", "recipient", "recipient_cy")),
        "meanings": sorted(MilestoneMeaning.objects.values_list("statement__slug", "signatures", "meaning")),
        "responses": sorted(StatementResponse.objects.values_list("statement__slug", "kind", "summary")),
        "updates": Update.objects.count(),
        "decisions": ModerationDecision.objects.count(),
    }


def test_demo_has_both_sides_with_sources_and_an_open_statement():
    call_command("load_demo")
    consultation = Consultation.objects.get(slug="police-facial-recognition")
    for side in ["for", "against"]:
        arguments = consultation.arguments.published().filter(side=side)
        assert arguments.count() >= 5
        assert all(argument.sources.exists() for argument in arguments)
    statements = Statement.objects.open()
    assert sorted(statements.values_list("stance", flat=True)) == ["against", "for"]
    for statement in statements:
        assert statement.counts().total == statement.signatures.counted().count() > 0
    assert all(email.endswith("example.org") for email in Signature.objects.values_list("email", flat=True))


def test_loading_the_demo_twice_gives_the_same_data():
    call_command("load_demo")
    first = snapshot()
    call_command("load_demo")
    assert snapshot() == first
    for statement in Statement.objects.all():
        assert SignatureCounter.reconcile(statement.pk) == 0


def test_the_statement_for_states_its_safeguards_in_english_and_welsh():
    call_command("load_demo")
    statement = Statement.objects.get(slug="keep-facial-recognition-with-safeguards")
    assert statement.stance == "for" and statement.status == "open"
    assert "safeguards" in statement.text and statement.text.count("\n– ") == 6
    assert statement.title_cy and statement.text_cy.count("\n– ") == 6
    # Signed as the statement against is: people, listed or not, and a verified holder of a public role.
    counted = statement.signatures.counted()
    assert counted.filter(kind=Signature.Kind.NOTABLE, role_status=Signature.RoleStatus.VERIFIED).count() == 1
    assert counted.filter(kind=Signature.Kind.INDIVIDUAL).count() == 17


def test_both_statements_are_on_the_consultation_page(client):
    call_command("load_demo")
    html = client.get("/consultations/police-facial-recognition/").content.decode()
    assert "Pause live facial recognition until Parliament has voted on it" in html
    assert "Keep facial recognition for policing, with safeguards set in law" in html
    welsh = client.get("/cy/consultations/police-facial-recognition/").content.decode()
    assert "Cadw adnabod wynebau ar gyfer plismona" in welsh


def test_each_statement_says_whom_it_addresses_what_its_milestones_mean_and_what_happened(client):
    call_command("load_demo")
    for statement in Statement.objects.all():
        assert statement.recipient and statement.recipient_cy
        meanings = statement.milestone_meanings.all()
        assert meanings and all(meaning.meaning_cy for meaning in meanings)
        assert {meaning.signatures for meaning in meanings} <= set(statement.milestones)
    event = StatementResponse.objects.get()
    assert (event.kind, event.statement.slug) == ("event", "pause-live-facial-recognition")
    assert event.arguments.get().claim == "Parliament has never voted on it"
    assert event.source_url.startswith("https://hansard.parliament.uk/")
    page = client.get(event.statement.get_absolute_url()).content.decode()
    assert "The Home Secretary" in page and event.summary in page


def test_every_demo_argument_has_its_welsh_version(client):
    call_command("load_demo")
    arguments = Argument.objects.filter(consultation__slug="police-facial-recognition")
    assert arguments.count() == 12
    assert not arguments.filter(claim_cy="").exists() and not arguments.filter(explanation_cy="").exists()
    welsh = client.get("/cy/consultations/police-facial-recognition/").content.decode()
    assert "Nid yw Senedd y DU erioed wedi pleidleisio arno" in welsh
    assert "Parliament has never voted on it" not in welsh


def test_rerunning_the_demo_writes_welsh_into_rows_loaded_without_it():
    call_command("load_demo")
    Argument.objects.update(claim_cy="", explanation_cy="")
    Statement.objects.update(title_cy="", text_cy="")
    before = snapshot()
    call_command("load_demo")
    assert not Argument.objects.filter(claim_cy="").exists()
    assert not Statement.objects.filter(title_cy="").exists()
    assert Argument.objects.count() == 12
    after = snapshot()
    assert after["arguments"] == before["arguments"] and after["signatures"] == before["signatures"]


# The demo's event has its own update, already sent: these are about the draft.
def test_the_demos_draft_update_is_in_both_languages_and_loaded_once():
    call_command("load_demo")
    call_command("load_demo")
    update = Update.objects.get(kind=Update.Kind.MANUAL)
    assert update.status == Update.Status.DRAFT and update.statement.slug == "pause-live-facial-recognition"
    assert update.subject_cy and update.body_cy and not update.falls_back("body", "cy")


def test_rerunning_the_demo_fills_a_drafts_welsh_but_never_rewrites_a_sent_update():
    call_command("load_demo")
    Update.objects.filter(kind=Update.Kind.MANUAL).update(subject_cy="", body_cy="")
    call_command("load_demo")
    assert Update.objects.get(kind=Update.Kind.MANUAL).body_cy
    Update.objects.filter(kind=Update.Kind.MANUAL).update(status=Update.Status.SENT, body_cy="As sent")
    call_command("load_demo")
    assert Update.objects.get(kind=Update.Kind.MANUAL).body_cy == "As sent"
