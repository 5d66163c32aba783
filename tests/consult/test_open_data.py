import csv
import io
import json

import pytest
from django.urls import reverse

from consult.history import record_hours
from consult.models import Consultation, Statement
from tests.consult.history_helpers import confirmed_at, database_hours, hours_ago
from tests.factories import (
    ArgumentFactory,
    ArgumentSourceFactory,
    OrganisationFactory,
    StatementFactory,
    UserFactory,
)

HOSTILE = '=HYPERLINK("http://evil.example","click")'


def history_csv(statement) -> str:
    return reverse("open_data_history_csv", args=[statement.slug])


def history_json(statement) -> str:
    return reverse("open_data_history_json", args=[statement.slug])


def counts_json(statement) -> str:
    return reverse("open_data_counts", args=[statement.slug])


def arguments_json(consultation) -> str:
    return reverse("open_data_arguments", args=[consultation.slug])


def arguments_csv(consultation) -> str:
    return reverse("open_data_arguments_csv", args=[consultation.slug])


@pytest.fixture
def signed(statement):
    for ago, postcode in ((30, "CF10 1AA"), (30.1, "B1 1AA"), (5, ""), (2, "EH1 1AA")):
        confirmed_at(statement, hours_ago(ago), postcode=postcode, email=f"signer{ago}@example.org")
    record_hours()
    confirmed_at(statement, hours_ago(0), email="latest@example.org")
    return statement


def test_the_urls_are_the_public_contract(statement, consultation):
    assert history_csv(statement) == f"/open-data/v1/statements/{statement.slug}/history.csv"
    assert history_json(statement) == f"/open-data/v1/statements/{statement.slug}/history.json"
    assert counts_json(statement) == f"/open-data/v1/statements/{statement.slug}/counts.json"
    assert arguments_json(consultation) == f"/open-data/v1/consultations/{consultation.slug}/arguments.json"
    assert reverse("open_data") == "/open-data/"


def test_the_open_data_page_states_the_licence_and_links_every_public_statement(
    client, statement, consultation
):
    hidden = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)

    response = client.get(reverse("open_data"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Open Government Licence v3.0" in html
    assert (
        history_csv(statement) in html and history_json(statement) in html and counts_json(statement) in html
    )
    assert arguments_json(consultation) in html and arguments_csv(consultation) in html
    assert hidden.slug not in html
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_the_footer_links_to_the_open_data_page(client):
    assert f'href="{reverse("open_data")}"' in client.get(reverse("privacy")).content.decode()


def test_history_json_equals_the_database_counts(client, signed):
    document = client.get(history_json(signed)).json()

    hours = {row["hour"]: row["signatures"] for row in document["hours"]}
    assert hours == {hour.isoformat(): count for hour, count in database_hours(signed).items()}
    assert document["hours"][-1]["cumulative"] == signed.counts().total == 5
    assert document["licence"]["name"] == "Open Government Licence v3.0"


def test_history_csv_parses_and_matches_the_json(client, signed):
    response = client.get(history_csv(signed))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    expected = client.get(history_json(signed)).json()["hours"]
    assert [(r["hour"], int(r["signatures"]), int(r["cumulative"])) for r in rows] == [
        (row["hour"], row["signatures"], row["cumulative"]) for row in expected
    ]


def test_counts_json_gives_counts_by_kind_and_nation(client, signed):
    document = client.get(counts_json(signed)).json()

    assert document["counts"] == {"individuals": 5, "organisations": 0, "notable": 0, "total": 5}
    assert document["by_nation"] == {"wales": 1, "england": 1, "scotland": 1}
    assert document["by_postcode_area"] == {"CF": 1, "B": 1, "EH": 1}


@pytest.mark.parametrize("endpoint", ["history_csv", "history_json", "counts_json"])
def test_statement_endpoints_are_cookie_free_and_publicly_cacheable(client, signed, endpoint):
    response = client.get(globals()[endpoint](signed))

    assert response.status_code == 200
    assert not response.cookies and "Set-Cookie" not in response.headers
    cache_control = response["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control
    assert "Cookie" not in response.get("Vary", "")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert client.get(globals()[endpoint](signed), HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


@pytest.mark.parametrize("endpoint", ["arguments_json", "arguments_csv"])
def test_consultation_endpoints_are_cookie_free_and_publicly_cacheable(client, consultation, endpoint):
    ArgumentFactory(consultation=consultation)

    response = client.get(globals()[endpoint](consultation))

    assert response.status_code == 200
    assert not response.cookies and "public" in response["Cache-Control"]


@pytest.fixture
def arguments(consultation):
    author = UserFactory(email="author@example.org", display_name="Ann Author")
    organisation = OrganisationFactory(name="Liberty Watch")
    first = ArgumentFactory(consultation=consultation, side="for", author=author, claim=HOSTILE)
    first.explanation = "-1+2 @SUM(A1) <script>alert(1)</script>"
    first.save()
    ArgumentSourceFactory(argument=first, title="+cmd|' /C calc'!A0", url="https://example.org/report")
    second = ArgumentFactory(
        consultation=consultation, side="against", author=author, organisation=organisation
    )
    ArgumentFactory(consultation=consultation, claim="Not yet published", status="pending")
    for user in UserFactory.create_batch(2):
        first.endorsements.create(user=user)
    return first, second


def test_arguments_json_publishes_arguments_without_personal_data(client, consultation, arguments):
    first, second = arguments

    response = client.get(arguments_json(consultation))

    body = response.content.decode()
    document = json.loads(body)
    by_id = {argument["id"]: argument for argument in document["arguments"]}
    assert set(by_id) == {first.pk, second.pk}
    assert by_id[first.pk]["claim"] == HOSTILE
    assert by_id[first.pk]["endorsements"] == 2
    assert by_id[first.pk]["made_by"] == "Ann Author"
    assert by_id[second.pk]["made_by"] == "Liberty Watch"
    assert by_id[first.pk]["sources"][1] == {
        "title": "+cmd|' /C calc'!A0",
        "url": "https://example.org/report",
    }
    assert "@example.org" not in body and "author@" not in body
    # Nothing names the account behind an argument: no email, no user or author id.
    assert set(by_id[first.pk]) == {
        "id",
        "side",
        "claim",
        "explanation",
        "sources",
        "endorsements",
        "endorsements_from_other_side",
        "made_by",
        "answers",
        "published_at",
        "url",
    }
    assert "Not yet published" not in body


def test_arguments_csv_neutralises_formula_cells(client, consultation, arguments):
    first, _second = arguments

    response = client.get(arguments_csv(consultation))

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 2
    row = next(row for row in rows if row["id"] == str(first.pk))
    assert row["claim"] == "'" + HOSTILE
    assert row["explanation"] == "'-1+2 @SUM(A1) <script>alert(1)</script>"
    assert "+cmd" in row["sources"] and row["made_by"] == "Ann Author"
    assert "@example.org" not in response.content.decode()


def test_history_carries_no_signer_data(client, signed):
    for url in (history_json(signed), history_csv(signed), counts_json(signed)):
        body = client.get(url).content.decode()
        assert "@" not in body.replace("@context", "")
        assert "Signer" not in body and "CF10" not in body


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/v1/statements/no-such-statement/history.csv",
        "/open-data/v1/statements/no-such-statement/history.json",
        "/open-data/v1/statements/no-such-statement/counts.json",
        "/open-data/v1/consultations/no-such-consultation/arguments.json",
        "/open-data/v1/consultations/no-such-consultation/arguments.csv",
        "/open-data/v1/statements/%3Cscript%3E/history.json",
        "/open-data/v1/statements/..%2F..%2Fetc%2Fpasswd/history.csv",
        "/open-data/v1/statements/a%00b/counts.json",
        "/open-data/v1/statements/%E2%80%AEabc/history.json",
        "/open-data/v1/statements/" + "a" * 5000 + "/history.json",
        "/open-data/v1/statements/javascript:alert(1)/history.json",
        "/open-data/v2/statements/x/history.json",
    ],
)
def test_hostile_or_unknown_slugs_are_not_found(client, db, path):
    response = client.get(path)

    assert response.status_code == 404
    assert b"<script>" not in response.content


def test_unpublished_statements_and_draft_consultations_are_not_found(client, consultation):
    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    draft = Consultation.objects.create(slug="draft-one", title="Draft", status=Consultation.Status.DRAFT)

    assert client.get(history_json(proposed)).status_code == 404
    assert client.get(counts_json(proposed)).status_code == 404
    assert client.get(arguments_json(draft)).status_code == 404


def test_endpoints_refuse_writes(client, signed, consultation):
    for url in (history_csv(signed), history_json(signed), counts_json(signed), arguments_json(consultation)):
        assert client.post(url).status_code == 405
        assert client.delete(url).status_code == 405
    assert client.post(reverse("open_data")).status_code == 405


def test_endpoints_answer_cors_preflights(client, signed):
    response = client.options(history_json(signed))

    assert response.status_code == 204 and response["Access-Control-Allow-Origin"] == "*"


def test_a_statement_without_signatures_has_an_empty_history(client, statement):
    assert client.get(history_json(statement)).json()["hours"] == []
    rows = list(csv.reader(io.StringIO(client.get(history_csv(statement)).content.decode())))
    assert rows == [["hour", "signatures", "cumulative"]]
