"""What a statement leads to: whom it addresses, when it opened and closes, and what each
milestone means, on its page, in the API and in the open data."""

import datetime

import pytest
from django.urls import reverse

from consult.models import MilestoneMeaning
from consult.openapi import openapi_document
from tests.consult.test_api import confirmed, detail, expire_cached_counts, response_schema, validate
from tests.consult.test_proposals import change_form_data
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

OPENS_AT = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)
CLOSES_AT = datetime.datetime(2099, 6, 30, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def addressed(statement):
    """A statement to the Home Secretary, open since January, whose milestones mean something."""
    statement.recipient = "The Home Secretary"
    statement.recipient_cy = "Yr Ysgrifennydd Cartref"
    statement.opens_at, statement.closes_at = OPENS_AT, CLOSES_AT
    statement.proposed_by = OrganisationFactory(name="Open Rights Cymru")
    statement.milestones = [1, 10_000]
    statement.save()
    MilestoneMeaning.objects.create(
        statement=statement,
        signatures=10_000,
        meaning="The Home Office is asked to respond.",
        meaning_cy="Gofynnir i’r Swyddfa Gartref ymateb.",
    )
    MilestoneMeaning.objects.create(statement=statement, signatures=1, meaning="The first voice is heard.")
    return statement


def test_the_page_says_whom_it_addresses_when_it_opened_and_closes(client, addressed):
    page = client.get(addressed.get_absolute_url()).content.decode()
    assert "Addressed to" in page and "The Home Secretary" in page
    assert "Open Rights Cymru" in page
    assert "5 January 2026" in page and "30 June 2099" in page


def test_the_page_shows_what_the_next_milestone_leads_to(client, addressed):
    confirmed(addressed, 2)  # The first milestone is passed: 10,000 is next.
    page = client.get(addressed.get_absolute_url()).content.decode()
    assert "At 10,000: The Home Office is asked to respond." in page
    assert "(reached)" in page  # The first one, listed with the rest.
    assert "The first voice is heard." in page


def test_the_welsh_page_shows_the_welsh_recipient_and_meaning(client, addressed):
    page = client.get("/cy" + addressed.get_absolute_url()).content.decode()
    assert "Yr Ysgrifennydd Cartref" in page
    assert "Gofynnir i’r Swyddfa Gartref ymateb." in page
    # Untranslated, the English is shown, marked as English.
    assert 'lang="en">The first voice is heard.' in page


def test_a_statement_without_recipient_or_meanings_shows_neither(client, statement):
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "Addressed to" not in page
    assert "What the milestones lead to" not in page


def test_the_api_publishes_recipient_proposer_dates_and_milestone_meanings(client, addressed):
    body = client.get(detail(addressed.slug)).json()
    validate(body, response_schema("/api/v1/statements/{slug}/"), openapi_document())
    assert (body["recipient"], body["recipient_cy"]) == ("The Home Secretary", "Yr Ysgrifennydd Cartref")
    assert body["proposed_by"] == "Open Rights Cymru"
    assert body["opens_at"] == OPENS_AT.isoformat()
    assert body["closes_at"] == CLOSES_AT.isoformat()
    assert body["milestone_meanings"] == [
        {"signatures": 1, "meaning": "The first voice is heard.", "meaning_cy": ""},
        {
            "signatures": 10_000,
            "meaning": "The Home Office is asked to respond.",
            "meaning_cy": "Gofynnir i’r Swyddfa Gartref ymateb.",
        },
    ]
    assert body["responses"] == []


def test_the_api_list_carries_the_same_fields(client, addressed):
    body = client.get("/api/v1/statements/").json()
    validate(body, response_schema("/api/v1/statements/"), openapi_document())
    assert body["results"][0]["recipient"] == "The Home Secretary"
    assert len(body["results"][0]["milestone_meanings"]) == 2


def test_a_new_recipient_shows_in_the_api_once_its_cached_copy_expires(client, addressed):
    client.get(detail(addressed.slug))
    addressed.recipient = "The First Minister"
    addressed.save()
    expire_cached_counts()
    assert client.get(detail(addressed.slug)).json()["recipient"] == "The First Minister"


def test_the_open_data_publishes_what_it_leads_to(client, addressed):
    for name in ("open_data_counts", "open_data_history_json"):
        body = client.get(reverse(name, args=[addressed.slug])).json()
        assert body["recipient"] == "The Home Secretary"
        assert [meaning["signatures"] for meaning in body["milestone_meanings"]] == [1, 10_000]
        assert body["responses"] == []


def meaning_form(statement, signatures: str, meaning: str) -> dict:
    data = change_form_data(statement, title_cy=statement.title_cy, text_cy=statement.text_cy)
    data.pop("status")
    return {
        **data,
        "milestone_meanings-TOTAL_FORMS": "1",
        "milestone_meanings-0-signatures": signatures,
        "milestone_meanings-0-meaning": meaning,
        "milestone_meanings-0-meaning_cy": "",
    }


@pytest.mark.parametrize(
    ("signatures", "meaning"),
    [("10000", "A" * 301), ("-5", "Negative"), ("ten", "Not a number"), ("10000", "")],
)
def test_the_statement_admin_refuses_a_bad_milestone_meaning(
    client, superuser, statement, signatures, meaning
):
    client.force_login(superuser)
    url = reverse("admin:consult_statement_change", args=[statement.pk])
    assert client.post(url, meaning_form(statement, signatures, meaning)).status_code == 200
    assert not MilestoneMeaning.objects.exists()


def test_markup_in_a_milestone_meaning_is_shown_as_text(client, superuser, statement):
    client.force_login(superuser)
    url = reverse("admin:consult_statement_change", args=[statement.pk])
    meaning = "<script>alert(1)</script> and “ünïcode” \u202eevil"
    assert client.post(url, meaning_form(statement, "1000", meaning)).status_code == 302
    client.logout()
    page = client.get(statement.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; and “ünïcode”" in page
