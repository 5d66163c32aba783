import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from consult.models import FraudCleanup, ModerationDecision, Signature, SignatureCounter
from consult.models.statements import Counts
from tests.consult.moderators import persona
from tests.factories import OrganisationFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db

BOT_IP = "ab" * 32


def confirmed(**fields) -> Signature:
    signature = SignatureFactory(**fields)
    signature.confirm()
    return signature


@pytest.fixture
def signatures(statement):
    """A bot's signatures from one domain and address, mixed with genuine ones of every kind."""
    bots = [confirmed(statement=statement, email=f"bot{n}@spam.example", ip_hash=BOT_IP) for n in range(3)]
    bots.append(SignatureFactory(statement=statement, email="bot9@spam.example", ip_hash=BOT_IP))  # pending
    bots.append(
        confirmed(
            statement=statement,
            email="mayor@spam.example",
            kind=Signature.Kind.NOTABLE,
            role_status=Signature.RoleStatus.VERIFIED,
            ip_hash=BOT_IP,
        )
    )
    bots.append(confirmed(statement=statement, email="held@spam.example", hold=Signature.Hold.SUSPECT))
    withdrawn = confirmed(statement=statement, email="gone@spam.example")
    withdrawn.withdraw()
    genuine = [
        confirmed(statement=statement, email="jo@example.org"),
        confirmed(
            statement=statement,
            email="org@example.org",
            kind=Signature.Kind.ORGANISATION,
            organisation=OrganisationFactory(),
        ),
    ]
    return {"bots": bots, "withdrawn": withdrawn, "genuine": genuine}


def assert_counts_exact(statement, expected: Counts) -> None:
    assert statement.counts() == expected
    assert statement.counts().awaiting_checks == expected.awaiting_checks
    assert SignatureCounter.reconcile(statement.pk) == 0
    assert statement.counts() == expected


def cleanup_url() -> str:
    return reverse("admin:consult_signature_cleanup")


def criteria(chosen, **fields) -> dict:
    return {
        "statement": chosen.pk,
        "email_domain": "",
        "signed_from": "",
        "signed_to": "",
        "ip_hash": "",
        **fields,
    }


def test_preview_counts_live_and_counted_matches_separately(client, statement, signatures):
    client.force_login(persona("moderator"))
    response = client.get(cleanup_url(), criteria(statement, email_domain="spam.example"))
    assert response.status_code == 200
    # Six live (one pending, one held), four of them counted; the withdrawn one is not eligible.
    assert {key: response.context["preview"][key] for key in ("live", "counted")} == {"live": 6, "counted": 4}
    assert "Invalidate 6 signatures" in response.content.decode()
    assert not FraudCleanup.objects.exists()


def test_invalidating_corrects_the_counts_exactly_and_undo_restores_them(client, statement, signatures):
    moderator = persona("moderator")
    client.force_login(moderator)
    assert_counts_exact(statement, Counts(individuals=4, organisations=1, notable=1, awaiting_checks=1))
    response = client.post(
        cleanup_url(), {**criteria(statement, email_domain="spam.example"), "reason": "Bot run"}
    )
    cleanup = FraudCleanup.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:consult_fraudcleanup_change", args=[cleanup.pk])
    assert cleanup.affected == 6
    assert cleanup.moderator == moderator
    assert cleanup.criteria["email_domain"] == "spam.example"
    assert set(cleanup.signatures.values_list("state", flat=True)) == {Signature.State.INVALIDATED}
    assert cleanup.signatures.first().invalidation_reason == "Bot run"
    assert_counts_exact(statement, Counts(individuals=1, organisations=1, notable=0))
    decision = ModerationDecision.objects.get(action="fraud clean-up")
    assert (decision.affected, decision.reason, decision.moderator) == (6, "Bot run", moderator)

    response = client.post(
        reverse("admin:consult_fraudcleanup_undo", args=[cleanup.pk]), {"reason": "Real people"}
    )
    assert response.status_code == 302
    assert_counts_exact(statement, Counts(individuals=4, organisations=1, notable=1, awaiting_checks=1))
    states = {signature.email: signature.state for signature in Signature.objects.all()}
    assert states["bot9@spam.example"] == Signature.State.PENDING
    assert states["bot0@spam.example"] == Signature.State.CONFIRMED
    assert states["gone@spam.example"] == Signature.State.WITHDRAWN
    cleanup.refresh_from_db()
    assert cleanup.undone_by == moderator
    assert ModerationDecision.objects.get(action="undo fraud clean-up").reason == "Real people"


def test_a_clean_up_can_be_undone_once_only(client, statement, signatures):
    moderator = persona("moderator")
    cleanup = FraudCleanup.perform(
        moderator, statement, Signature.objects.filter(ip_hash=BOT_IP), {"ip_hash": BOT_IP}, "Bots"
    )
    client.force_login(moderator)
    undo = reverse("admin:consult_fraudcleanup_undo", args=[cleanup.pk])
    client.post(undo, {"reason": "Mistake"})
    client.post(undo, {"reason": "Again"})
    assert ModerationDecision.objects.filter(action="undo fraud clean-up").count() == 1
    assert_counts_exact(statement, Counts(individuals=4, organisations=1, notable=1, awaiting_checks=1))


def test_undo_leaves_a_signature_changed_since_alone(statement, signatures):
    moderator = persona("moderator")
    cleanup = FraudCleanup.perform(
        moderator, statement, Signature.objects.filter(ip_hash=BOT_IP), {"ip_hash": BOT_IP}, "Bots"
    )
    assert cleanup.affected == 5
    signatures["bots"][0].withdraw()
    assert cleanup.undo(moderator, "Mistake") == 4
    assert Signature.objects.get(pk=signatures["bots"][0].pk).state == Signature.State.WITHDRAWN
    assert_counts_exact(statement, Counts(individuals=3, organisations=1, notable=1, awaiting_checks=1))


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"email_domain": "SPAM.example"}, 6),
        ({"email_domain": "@spam.example"}, 6),
        ({"email_domain": "am.example"}, 0),  # A domain matches whole, after the @.
        ({"ip_hash": BOT_IP.upper()}, 5),
        ({"email_domain": "example.org"}, 2),
        ({"ip_hash": BOT_IP, "email_domain": "example.org"}, 0),
        ({}, 8),
    ],
)
def test_each_criterion_narrows_the_selection(client, statement, signatures, fields, expected):
    client.force_login(persona("moderator"))
    response = client.get(cleanup_url(), criteria(statement, **fields))
    assert response.context["preview"]["live"] == expected


def test_time_window_selects_signatures_signed_within_it(client, statement, signatures):
    early = timezone.now() - datetime.timedelta(days=3)
    Signature.objects.filter(email__in=["bot0@spam.example", "jo@example.org"]).update(created_at=early)
    client.force_login(persona("moderator"))
    window = {
        "signed_from": (early - datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "signed_to": (early + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
    }
    assert client.get(cleanup_url(), criteria(statement, **window)).context["preview"]["live"] == 2
    after = {"signed_from": window["signed_to"]}
    assert client.get(cleanup_url(), criteria(statement, **after)).context["preview"]["live"] == 6


def test_only_the_chosen_statement_is_touched(client, statement, signatures):
    other = StatementFactory(consultation=statement.consultation)
    confirmed(statement=other, email="bot@spam.example")
    client.force_login(persona("moderator"))
    client.post(cleanup_url(), {**criteria(statement, email_domain="spam.example"), "reason": "Bots"})
    assert other.counts().total == 1
    assert Signature.objects.get(statement=other).state == Signature.State.CONFIRMED


@pytest.mark.parametrize("reason", ["", "  ", "x" * 2001, "\x00"])
def test_a_clean_up_needs_a_reason(client, statement, signatures, reason):
    client.force_login(persona("moderator"))
    response = client.post(
        cleanup_url(), {**criteria(statement, email_domain="spam.example"), "reason": reason}
    )
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert not FraudCleanup.objects.exists()
    assert statement.counts().total == 6


@pytest.mark.parametrize(
    "fields",
    [
        {"signed_from": "yesterday"},
        {"signed_from": "2026-13-45 99:99"},
        {"signed_to": "\x00"},
        {"signed_from": "2026-03-02 10:00", "signed_to": "2026-03-01 10:00"},
        {"email_domain": "spam.example\x00"},
        {"email_domain": "x" * 100_000},
        {"email_domain": "<script>alert(1)</script>"},
        {"email_domain": "javascript:alert(1)"},
        {"email_domain": "spam\u202e.example"},
        {"email_domain": "sp\u200bam.example"},
        {"ip_hash": "' OR 1=1 --"},
        {"ip_hash": "a" * 65},
        {"statement": "not a number"},
        {"statement": "999999"},
    ],
)
def test_hostile_criteria_are_form_errors(client, statement, signatures, fields):
    client.force_login(persona("moderator"))
    response = client.get(cleanup_url(), criteria(statement, **fields))
    assert response.status_code == 200
    assert response.context["preview"] is None
    body = response.content.decode()
    assert "error-summary" in body
    assert "<script>alert(1)" not in body
    response = client.post(cleanup_url(), {**criteria(statement, **fields), "reason": "Bots"})
    assert response.status_code == 200
    assert not FraudCleanup.objects.exists()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("superuser", 200),
        ("moderator", 200),
        ("data_moderator", 200),
        ("staff", 403),
        ("user", 302),
        ("anonymous", 302),
    ],
)
def test_clean_up_pages_need_the_change_signature_permission(client, statement, signatures, name, status):
    user = persona(name)
    if user:
        client.force_login(user)
    assert client.get(cleanup_url()).status_code == status
    posted = client.post(
        cleanup_url(), {**criteria(statement, email_domain="spam.example"), "reason": "Bots"}
    )
    assert FraudCleanup.objects.exists() is (status == 200)
    if status != 200:
        assert posted.status_code == status
        return
    cleanup = FraudCleanup.objects.get()
    assert client.get(reverse("admin:consult_fraudcleanup_change", args=[cleanup.pk])).status_code == 200
    assert client.get(reverse("admin:consult_fraudcleanup_undo", args=[cleanup.pk])).status_code == 200


def test_undo_page_refuses_others_and_needs_a_reason(client, statement, signatures):
    cleanup = FraudCleanup.perform(persona("moderator"), statement, Signature.objects.all(), {}, "Bots")
    undo = reverse("admin:consult_fraudcleanup_undo", args=[cleanup.pk])
    client.force_login(persona("staff"))
    assert client.post(undo, {"reason": "Mistake"}).status_code == 403
    client.force_login(persona("moderator"))
    assert client.post(undo, {"reason": ""}).status_code == 200
    cleanup.refresh_from_db()
    assert cleanup.undone_at is None
    assert statement.counts().total == 0


def test_signature_list_links_to_the_clean_up(client, statement):
    client.force_login(persona("moderator"))
    assert cleanup_url() in client.get(reverse("admin:consult_signature_changelist")).content.decode()
