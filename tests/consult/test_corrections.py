"""What signers signed is fixed: every change to what they saw is a recorded, public correction
with a reason, announced once to the signers who asked for updates."""

import datetime
import html

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from consult import statement_decisions
from consult.models import (
    ModerationDecision,
    OutboundEmail,
    Statement,
    StatementCorrection,
    Update,
)
from tests.consult.test_proposals import change_form_data
from tests.factories import SignatureFactory
from tests.naughty import as_received, form_body, naughty_strings, unescaped_markup

pytestmark = pytest.mark.django_db

CLOSES_AT = datetime.datetime(2027, 3, 1, 12, 0, tzinfo=datetime.UTC)

# Each field signers saw, the form data changing it, and its value once changed.
PROTECTED_CHANGES = {
    "title": ({"title": "Allow live facial recognition"}, "Allow live facial recognition"),
    "text": ({"text": "We ask for more cameras."}, "We ask for more cameras."),
    "title_cy": ({"title_cy": "Caniatáu adnabod wynebau"}, "Caniatáu adnabod wynebau"),
    "text_cy": ({"text_cy": "Gofynnwn am fwy o gamerâu."}, "Gofynnwn am fwy o gamerâu."),
    "recipient": ({"recipient": "The Prime Minister"}, "The Prime Minister"),
    "recipient_cy": ({"recipient_cy": "Y Prif Weinidog"}, "Y Prif Weinidog"),
    "slug": ({"slug": "allow-live-facial-recognition"}, "allow-live-facial-recognition"),
    "closes_at": ({"closes_at_0": "2027-03-01", "closes_at_1": "12:00:00"}, CLOSES_AT),
}


@pytest.fixture
def moderator_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def signed(statement):
    """A statement with a Welsh version, signed by three people (two want updates)."""
    statement.title = "Ban live facial recognition"
    statement.title_cy = "Gwahardd adnabod wynebau byw"
    statement.text_cy = "Gofynnwn am saib."
    statement.recipient = "The Home Secretary"
    statement.recipient_cy = "Yr Ysgrifennydd Cartref"
    statement.save()
    for wants_updates in (True, True, False):
        SignatureFactory(statement=statement, wants_updates=wants_updates).confirm()
    return statement


def edit(client, statement, **changes):
    url = reverse("admin:consult_statement_change", args=[statement.pk])
    welsh = {
        "title_cy": statement.title_cy,
        "text_cy": statement.text_cy,
        "recipient_cy": statement.recipient_cy,
    }
    data = change_form_data(statement, **{**welsh, **changes})
    data.pop("status")  # Read-only once signed.
    return client.post(url, data)


def decisions(statement, action: str):
    content_type = ContentType.objects.get_for_model(statement)
    return ModerationDecision.objects.filter(
        content_type=content_type, object_id=str(statement.pk), action=action
    )


@pytest.mark.parametrize("field", list(PROTECTED_CHANGES))
def test_each_signed_field_changed_without_a_reason_is_refused(moderator_client, signed, field):
    before = Statement.objects.values(field).get(pk=signed.pk)[field]
    data, _value = PROTECTED_CHANGES[field]
    response = edit(moderator_client, signed, **data)
    assert response.status_code == 200
    assert "give the reason for the correction" in response.content.decode()
    assert Statement.objects.values(field).get(pk=signed.pk)[field] == before
    assert not StatementCorrection.objects.exists()
    assert not ModerationDecision.objects.exists()


@pytest.mark.parametrize("field", list(PROTECTED_CHANGES))
def test_each_signed_field_changed_with_a_reason_is_a_public_correction(
    client, moderator_client, signed, superuser, field, django_capture_on_commit_callbacks
):
    data, value = PROTECTED_CHANGES[field]
    before = getattr(signed, field)
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(moderator_client, signed, correction_reason="It said the opposite.", **data)
    assert response.status_code == 302
    signed.refresh_from_db()
    assert getattr(signed, field) == value
    correction = StatementCorrection.objects.get()
    assert (correction.field, correction.reason, correction.corrected_by) == (
        field,
        "It said the opposite.",
        superuser,
    )
    assert correction.old_text == (before or "")
    assert correction.new_text == (value.isoformat() if field == "closes_at" else value)
    assert decisions(signed, statement_decisions.ACTIONS[field]).get().reason == "It said the opposite."
    # On the statement page: the date, what changed and why.
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "It said the opposite." in page
    assert correction.get_field_display() in page
    assert timezone.localdate().strftime("%-d %B %Y") in page
    # In the API and in the open data.
    published = {
        "corrected_at": correction.corrected_at.isoformat(),
        "field": field,
        "before": correction.old_text,
        "after": correction.new_text,
        "reason": "It said the opposite.",
    }
    assert client.get(f"/api/v1/statements/{signed.slug}/").json()["corrections"] == [published]
    counts = client.get(f"/open-data/v1/statements/{signed.slug}/counts.json").json()
    assert counts["corrections"] == [published]
    # One notice, to the two signers who asked for updates.
    assert Update.objects.get().kind == Update.Kind.CORRECTION
    assert len(mail.outbox) == 2


def test_the_testers_story_is_all_on_the_record(client, moderator_client, signed):
    """Title turned around, Welsh text contradicting it, new address: all listed, none lost."""
    response = edit(
        moderator_client,
        signed,
        title="Allow live facial recognition",
        text_cy="Gofynnwn am fwy o gamerâu.",
        slug="allow-it",
        correction_reason="Reworded.",
    )
    assert response.status_code == 302
    assert sorted(StatementCorrection.objects.values_list("field", flat=True)) == ["slug", "text_cy", "title"]
    assert Update.objects.count() == 1  # One notice for the three changes made together.
    signed.refresh_from_db()
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "Ban live facial recognition" in page  # The title they signed, kept in the list.
    assert "Gofynnwn am saib." in page


def test_a_welsh_version_added_later_is_a_translation_not_a_correction(moderator_client, statement):
    SignatureFactory(statement=statement).confirm()
    response = edit(moderator_client, statement, title_cy="Saib", text_cy="Gofynnwn am saib.")
    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.title_cy, statement.text_cy) == ("Saib", "Gofynnwn am saib.")
    assert not StatementCorrection.objects.exists()
    assert not Update.objects.exists()


def test_the_status_of_a_signed_statement_is_read_only(moderator_client, signed):
    data = change_form_data(signed, title_cy=signed.title_cy, text_cy=signed.text_cy, status="rejected")
    response = moderator_client.post(reverse("admin:consult_statement_change", args=[signed.pk]), data)
    assert response.status_code == 302
    signed.refresh_from_db()
    assert signed.status == Statement.Status.OPEN
    page = moderator_client.get(reverse("admin:consult_statement_change", args=[signed.pk])).content.decode()
    assert 'name="status"' not in page


def test_a_signed_statement_cannot_be_deleted(moderator_client, signed):
    response = moderator_client.post(
        reverse("admin:consult_statement_delete", args=[signed.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Statement.objects.filter(pk=signed.pk).exists()
    changelist = moderator_client.get(reverse("admin:consult_statement_changelist")).content.decode()
    assert "delete_selected" not in changelist


def test_an_unsigned_statement_still_changes_freely(moderator_client, statement):
    data = change_form_data(statement, title="A better title", slug="a-better-title")
    response = moderator_client.post(reverse("admin:consult_statement_change", args=[statement.pk]), data)
    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.title, statement.slug) == ("A better title", "a-better-title")
    assert not StatementCorrection.objects.exists()


def test_a_correction_without_a_reason_is_refused_by_the_domain_too(signed, superuser):
    with pytest.raises(Exception, match="reason"):
        statement_decisions.correct(signed, {"title": "Allow it"}, "   ", superuser)
    signed.refresh_from_db()
    assert signed.title == "Ban live facial recognition"


# Hostile reasons


def test_an_oversized_reason_is_refused(moderator_client, signed):
    response = edit(moderator_client, signed, title="Allow it", correction_reason="A" * 2001)
    assert response.status_code == 200
    assert "at most 2000 characters" in response.content.decode()
    assert not StatementCorrection.objects.exists()


def test_a_reason_with_a_nul_byte_is_refused(moderator_client, signed):
    response = edit(moderator_client, signed, title="Allow it", correction_reason="Typo\x00")
    assert response.status_code == 200
    assert not StatementCorrection.objects.exists()


@pytest.mark.parametrize(
    "reason",
    [
        "<script>alert(1)</script>",
        '"><img src=x onerror=alert(1)>',
        "[click](javascript:alert(1)) **bold** <b>b</b>",
        "Cymraeg: ŵ ŷ · العربية · 🙂 \u202eecalevoL",
    ],
)
def test_a_hostile_reason_is_kept_as_written_and_shown_escaped(
    client, moderator_client, signed, reason, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(moderator_client, signed, title="Allow it", correction_reason=reason)
    assert response.status_code == 302
    assert StatementCorrection.objects.get().reason == reason
    page = client.get(signed.get_absolute_url()).content.decode()
    assert html.escape(reason, quote=False) in page or html.escape(reason) in page
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert client.get(f"/api/v1/statements/{signed.slug}/").json()["corrections"][0]["reason"] == reason
    for message in mail.outbox:
        assert reason in message.body  # The text part, as written.
        [(email_html, _type)] = message.alternatives
        assert "<script>" not in email_html and "<img src=x" not in email_html
        assert "javascript:" not in email_html.replace("(javascript:alert(1))", "")


# The correction notice


def test_one_notice_per_correction_to_each_opted_in_signer_in_their_language(
    signed, superuser, django_capture_on_commit_callbacks
):
    welsh = SignatureFactory(statement=signed, wants_updates=True, language="cy")
    welsh.confirm()
    SignatureFactory(statement=signed, wants_updates=True)  # Never confirmed.
    withdrawn = SignatureFactory(statement=signed, wants_updates=True)
    withdrawn.confirm()
    withdrawn.withdraw()
    with django_capture_on_commit_callbacks(execute=True):
        statement_decisions.correct(signed, {"title": "Allow it", "text": "More."}, "Reworded.", superuser)
    with django_capture_on_commit_callbacks(execute=True):
        statement_decisions.correct(signed, {"title": "Ban it"}, "Undone.", superuser)
    wanted = set(signed.signatures.counted().filter(wants_updates=True).values_list("email", flat=True))
    assert len(wanted) == 3
    notices = Update.objects.filter(kind=Update.Kind.CORRECTION)
    assert notices.count() == 2
    for notice in notices:
        rows = OutboundEmail.objects.filter(update=notice)
        assert sorted(rows.values_list("signature__email", flat=True)) == sorted(wanted)
    assert len(mail.outbox) == 6
    welsh_messages = [message for message in mail.outbox if message.to == [welsh.email]]
    assert len(welsh_messages) == 2
    assert all("Cywiriad" in message.subject for message in welsh_messages)
    english = [message for message in mail.outbox if message.to != [welsh.email]]
    assert all("A correction to" in message.subject for message in english)
    assert "Reworded." in english[0].body or "Reworded." in english[-1].body


def test_every_naughty_reason_is_stored_as_received_or_refused_never_a_500(client, superuser, signed):
    """A sample of the hostile strings as correction reasons: a form error or a correction whose
    reason the page, the API and the open data show as typed, never as live markup."""
    moderator = Client(raise_request_exception=False)
    moderator.force_login(superuser)
    url = reverse("admin:consult_statement_change", args=[signed.pk])
    failures = []
    for index, value in enumerate(naughty_strings()[::25]):
        signed.refresh_from_db()
        welsh = {"title_cy": signed.title_cy, "text_cy": signed.text_cy}
        data = change_form_data(signed, **welsh, title=f"Title {index}", correction_reason=value)
        data.pop("status")
        body = form_body({name: str(field) for name, field in data.items()})
        response = moderator.post(url, body, content_type="application/x-www-form-urlencoded")
        if response.status_code >= 500:
            failures.append(f"{value[:40]!r}: {response.status_code}")
        elif response.status_code == 200 and unescaped_markup(response.content.decode(), as_received(value)):
            failures.append(f"{value[:40]!r}: unescaped in the form")
    assert not failures, failures[:10]
    corrections = list(StatementCorrection.objects.all())
    assert len(corrections) > 5
    page = client.get(reverse("statement_detail", args=[signed.slug])).content.decode()
    for correction in corrections:
        assert not unescaped_markup(page, correction.reason), correction.reason[:40]
    published = client.get(f"/api/v1/statements/{signed.slug}/").json()["corrections"]
    assert [entry["reason"] for entry in published] == [correction.reason for correction in corrections]
