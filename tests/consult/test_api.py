"""The public JSON API: contract, counts, caching and CORS headers, hostile input."""

import datetime
import json
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.utils import timezone

from consult import embeds, outcomes
from consult.embeds import forget_local_documents
from consult.models import Statement
from consult.openapi import openapi_document
from tests.factories import SignatureFactory, StatementFactory

# Public contract: these literal paths must keep working.
LIST = "/api/v1/statements/"
OPENAPI = "/api/v1/openapi.json"


def detail(slug: str) -> str:
    return f"/api/v1/statements/{slug}/"


def expire_cached_counts() -> None:
    """What a few seconds' wait does: the shared and the per-process copies of the counts expire."""
    cache.clear()
    forget_local_documents()


def confirmed(statement: Statement, number: int = 1) -> None:
    for _ in range(number):
        SignatureFactory(statement=statement).confirm()


# A validator for the subset of JSON Schema (2020-12, as OpenAPI 3.1 uses it) our description uses.
def validate(instance, schema: dict, root: dict, where: str = "$") -> None:
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return validate(instance, root["components"]["schemas"][name], root, where)
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        assert any(is_type(instance, name) for name in types), f"{where}: {instance!r} is not {types}"
    if instance is None:
        return None
    if "enum" in schema:
        assert instance in schema["enum"], f"{where}: {instance!r} not in {schema['enum']}"
    if "minimum" in schema:
        assert instance >= schema["minimum"], where
    if "pattern" in schema:
        assert re.search(schema["pattern"], instance), where
    if schema.get("format") == "date-time":
        assert datetime.datetime.fromisoformat(instance).tzinfo is not None, where
    if schema.get("format") == "uri":
        parts = urlsplit(instance)
        assert parts.scheme in {"http", "https"} and parts.netloc, f"{where}: {instance!r} is not a URI"
    if isinstance(instance, dict):
        for name in schema.get("required", []):
            assert name in instance, f"{where}: {name} is missing"
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is False:
            assert set(instance) <= set(properties), (
                f"{where}: undocumented {set(instance) - set(properties)}"
            )
        for name, value in instance.items():
            if name in properties:
                validate(value, properties[name], root, f"{where}.{name}")
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            validate(item, schema["items"], root, f"{where}[{index}]")
    return None


def is_type(instance, name: str) -> bool:
    checks = {
        "string": lambda value: isinstance(value, str),
        "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
        "number": lambda value: isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": lambda value: isinstance(value, bool),
        "null": lambda value: value is None,
        "object": lambda value: isinstance(value, dict),
        "array": lambda value: isinstance(value, list),
    }
    return checks[name](instance)


def response_schema(path: str, status: str = "200") -> dict:
    document = openapi_document()
    operation = document["paths"][path]["get"]
    return operation["responses"][status]["content"]["application/json"]["schema"]


def test_detail_has_every_documented_field_with_counts_at_the_top_level(client, statement, settings):
    confirmed(statement, 2)
    response = client.get(detail(statement.slug))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["slug"] == statement.slug
    assert body["title"] == statement.title
    assert body["status"] == "open"
    assert body["url"] == f"{settings.SITE_URL}/statements/{statement.slug}/"
    assert body["widget_url"] == f"{settings.SITE_URL}/embed/statements/{statement.slug}/"
    assert body["badge_url"] == f"{settings.SITE_URL}/embed/statements/{statement.slug}/badge.svg"
    assert body["sign_url"].startswith(body["url"])
    assert (body["signatures"], body["individuals"], body["organisations"], body["notable"]) == (2, 2, 0, 0)
    assert body["next_milestone"] == 1000
    assert body["opens_at"] is None and body["closes_at"] is None
    assert datetime.datetime.fromisoformat(body["updated_at"]) == statement.updated_at


def test_detail_matches_the_openapi_description(client, statement):
    statement.closes_at = timezone.now() + datetime.timedelta(days=3)
    statement.save()
    confirmed(statement)
    body = client.get(detail(statement.slug)).json()
    validate(body, response_schema("/api/v1/statements/{slug}/"), openapi_document())


def test_list_and_errors_match_the_openapi_description(client, statement):
    StatementFactory()
    document = openapi_document()
    validate(client.get(LIST).json(), response_schema("/api/v1/statements/"), document)
    missing = client.get(detail("no-such-statement")).json()
    validate(missing, response_schema("/api/v1/statements/{slug}/", "404"), document)


def test_the_validator_rejects_a_document_that_breaks_the_description(client, statement):
    body = client.get(detail(statement.slug)).json()
    schema = response_schema("/api/v1/statements/{slug}/")
    for broken in [
        {**body, "signatures": "3"},
        {**body, "extra": 1},
        {k: v for k, v in body.items() if k != "url"},
    ]:
        with pytest.raises(AssertionError):
            validate(broken, schema, openapi_document())


def test_counts_follow_confirmations_withdrawals_and_pending_signatures(client, statement):
    confirmed(statement, 3)
    SignatureFactory(statement=statement)  # pending: never counted
    SignatureFactory(statement=statement).confirm()
    statement.signatures.filter(state="confirmed").first().withdraw()
    body = client.get(detail(statement.slug)).json()
    counts = statement.counts()
    assert counts.total == 3
    assert body["signatures"] == counts.total
    assert body["individuals"] == counts.individuals


def test_a_new_confirmation_shows_once_the_cached_counts_expire(client, statement):
    confirmed(statement)
    assert client.get(detail(statement.slug)).json()["signatures"] == 1
    confirmed(statement)
    # Served from the cache for a few seconds, as the flood protection intends...
    assert client.get(detail(statement.slug)).json()["signatures"] == 1
    expire_cached_counts()  # ...then read again from the counters.
    assert client.get(detail(statement.slug)).json()["signatures"] == 2


def test_each_process_keeps_a_document_for_a_second_only(client, statement, monkeypatch):
    confirmed(statement)
    assert embeds.statement_document(statement.slug)["signatures"] == 1
    confirmed(statement)
    cache.clear()
    assert embeds.statement_document(statement.slug)["signatures"] == 1
    later = time.monotonic() + embeds.LOCAL_SECONDS + 0.1
    monkeypatch.setattr(embeds.time, "monotonic", lambda: later)
    assert embeds.statement_document(statement.slug)["signatures"] == 2


def test_detail_reads_counters_not_signatures_in_a_constant_number_of_queries(
    client, statement, django_assert_max_num_queries
):
    confirmed(statement, 5)
    # Two for the counts, three for what it leads to (the statement, milestones, responses).
    with django_assert_max_num_queries(5) as captured:
        assert client.get(detail(statement.slug)).status_code == 200
    assert not any('"consult_signature"' in query["sql"] for query in captured.captured_queries)
    with django_assert_max_num_queries(0):
        assert client.get(detail(statement.slug)).status_code == 200


def test_detail_keeps_what_it_leads_to_in_each_process_for_a_second(client, statement, monkeypatch):
    """A flood of API readers costs one shared-cache read of the outcomes per second per process,
    and an editor's change shows once the shared copy and this one have expired."""
    reads = []
    read_many = outcomes.caching.read_many
    monkeypatch.setattr(outcomes.caching, "read_many", lambda keys: reads.append(keys) or read_many(keys))
    assert client.get(detail(statement.slug)).json()["recipient"] == statement.recipient
    outcome_reads = [keys for keys in reads if keys == [outcomes.cache_key(statement.slug)]]
    assert len(outcome_reads) == 1
    for _ in range(3):
        client.get(detail(statement.slug))
    assert [keys for keys in reads if keys == [outcomes.cache_key(statement.slug)]] == outcome_reads
    Statement.objects.filter(pk=statement.pk).update(recipient="The Home Secretary <script>")
    cache.clear()
    later = time.monotonic() + outcomes.LOCAL_SECONDS + 0.1
    monkeypatch.setattr(outcomes.time, "monotonic", lambda: later)
    monkeypatch.setattr(embeds.time, "monotonic", lambda: later)
    assert client.get(detail(statement.slug)).json()["recipient"] == "The Home Secretary <script>"


def test_list_reads_counters_not_signatures_in_a_constant_number_of_queries(
    client, consultation, django_assert_max_num_queries
):
    for statement in StatementFactory.create_batch(5, consultation=consultation):
        confirmed(statement)
    with django_assert_max_num_queries(6) as captured:
        body = client.get(LIST).json()
    assert [result["signatures"] for result in body["results"]] == [1] * 5
    assert not any('"consult_signature"' in query["sql"] for query in captured.captured_queries)


def test_list_shows_only_open_statements(client, consultation):
    open_statement = StatementFactory(consultation=consultation)
    StatementFactory(consultation=consultation, status=Statement.Status.CLOSED)
    StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    StatementFactory(consultation=consultation, closes_at=timezone.now() - datetime.timedelta(days=1))
    StatementFactory(consultation=consultation, opens_at=timezone.now() + datetime.timedelta(days=1))
    body = client.get(LIST).json()
    assert body["count"] == 1
    assert [result["slug"] for result in body["results"]] == [open_statement.slug]


def test_list_is_paginated_with_absolute_links(client, consultation, settings):
    StatementFactory.create_batch(25, consultation=consultation)
    first = client.get(LIST).json()
    assert (first["count"], len(first["results"]), first["previous"]) == (25, 20, None)
    assert first["next"] == f"{settings.SITE_URL}/api/v1/statements/?page=2"
    second = client.get(LIST, {"page": "2"}).json()
    assert (len(second["results"]), second["next"]) == (5, None)
    assert second["previous"] == f"{settings.SITE_URL}/api/v1/statements/?page=1"
    slugs = [result["slug"] for result in first["results"] + second["results"]]
    assert len(set(slugs)) == 25


def test_an_empty_list_is_a_valid_first_page(client, db):
    assert client.get(LIST).json() == {"count": 0, "next": None, "previous": None, "results": []}


@pytest.mark.parametrize(
    "page", ["0", "-1", "3", "abc", "1.5", "9" * 400, "1\x00", "\u202e1", "\u0661", "", " ", "1e3", "None"]
)
def test_bad_page_numbers_get_a_json_404_never_a_500(client, statement, page):
    response = client.get(LIST, {"page": page})
    assert response.status_code == 404
    assert response.json() == {"detail": "No such page."}
    assert response["Access-Control-Allow-Origin"] == "*"


def test_unknown_or_unpublished_statements_are_a_json_404(client, consultation):
    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    rejected = StatementFactory(consultation=consultation, status=Statement.Status.REJECTED)
    for slug in ["no-such-statement", proposed.slug, rejected.slug, "x" * 300]:
        response = client.get(detail(slug))
        assert response.status_code == 404, slug
        assert "detail" in response.json()


def test_closed_statements_are_still_readable_by_slug(client, consultation):
    closed = StatementFactory(consultation=consultation, status=Statement.Status.CLOSED)
    body = client.get(detail(closed.slug)).json()
    assert body["status"] == "closed"


def test_statement_not_open_yet_is_upcoming(client, consultation):
    upcoming = StatementFactory(
        consultation=consultation, opens_at=timezone.now() + datetime.timedelta(days=1)
    )
    assert client.get(detail(upcoming.slug)).json()["status"] == "upcoming"


def test_hostile_slugs_never_reach_a_500(client, db):
    for path in ["/api/v1/statements/%00/", "/api/v1/statements/%E2%80%AE/", "/api/v1/statements/<script>/"]:
        assert client.get(path).status_code == 404


def test_next_milestone_is_null_once_every_milestone_is_passed(client, consultation):
    statement = StatementFactory(consultation=consultation, milestones=[1, 2])
    confirmed(statement, 2)
    assert client.get(detail(statement.slug)).json()["next_milestone"] is None


@pytest.mark.parametrize("path", [LIST, OPENAPI, "detail"])
def test_api_responses_are_publicly_cacheable_with_stale_fallbacks(client, statement, path):
    response = client.get(detail(statement.slug) if path == "detail" else path)
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" in directives
    max_age = int(next(part for part in directives if part.startswith("max-age=")).split("=")[1])
    assert f"stale-while-revalidate={2 * max_age}" in directives
    assert f"stale-if-error={5 * max_age}" in directives


@pytest.mark.parametrize("path", [LIST, OPENAPI, "detail", "widget", "badge", "oembed"])
def test_public_documents_do_not_vary_by_the_browsers_languages(client, statement, settings, path):
    url = {
        "detail": detail(statement.slug),
        "widget": f"/embed/statements/{statement.slug}/",
        "badge": f"/embed/statements/{statement.slug}/badge.svg",
        "oembed": f"/oembed?url={settings.SITE_URL}{statement.get_absolute_url()}",
    }.get(path, path)
    response = client.get(url, headers={"Accept-Language": "cy"})
    assert response.status_code == 200, url
    # Their language is in the address (`?lang=cy` for the embeds), never in Accept-Language.
    assert "Accept-Language" not in response.get("Vary", ""), url


def test_detail_caches_for_ten_seconds(client, statement):
    response = client.get(detail(statement.slug))
    assert response["Cache-Control"] == "public, max-age=10, stale-while-revalidate=20, stale-if-error=50"


def test_a_strong_etag_is_answered_with_304(client, statement):
    response = client.get(detail(statement.slug))
    etag = response["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get(detail(statement.slug), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert "max-age=10" in again["Cache-Control"]
    assert client.get(detail(statement.slug), HTTP_IF_NONE_MATCH=f'"other", {etag}').status_code == 304
    assert client.get(detail(statement.slug), HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_the_etag_changes_with_the_count(client, statement):
    before = client.get(detail(statement.slug))["ETag"]
    confirmed(statement)
    expire_cached_counts()
    response = client.get(detail(statement.slug), HTTP_IF_NONE_MATCH=before)
    assert response.status_code == 200
    assert response["ETag"] != before


def test_cors_is_open_without_credentials(client, statement):
    for path in [LIST, detail(statement.slug), OPENAPI, detail("missing")]:
        response = client.get(path, HTTP_ORIGIN="https://news.example")
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in response, path


def test_preflight_is_answered_for_any_origin(client, statement):
    response = client.options(
        detail(statement.slug),
        HTTP_ORIGIN="https://news.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_the_reading_pages_get_no_cors_header(client, statement):
    assert "Access-Control-Allow-Origin" not in client.get(statement.get_absolute_url())


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, statement, method):
    response = getattr(client, method)(detail(statement.slug))
    assert response.status_code == 405


def test_no_cookie_is_ever_set_even_for_a_signed_in_reader(client, statement, user):
    client.force_login(user)
    for path in [LIST, detail(statement.slug), OPENAPI, detail("missing")]:
        response = client.get(path)
        assert not response.cookies, path
        assert "Cookie" not in response.get("Vary", ""), path


def test_openapi_description_documents_the_contract(client, settings):
    response = client.get(OPENAPI)
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.1")
    assert document["servers"] == [{"url": settings.SITE_URL}]
    assert set(document["paths"]) == {"/api/v1/statements/", "/api/v1/statements/{slug}/"}
    statement_schema = document["components"]["schemas"]["Statement"]
    assert set(statement_schema["required"]) == set(statement_schema["properties"])


def test_api_documentation_page_shows_examples(client, statement):
    confirmed(statement)
    response = client.get("/api/")
    assert response.status_code == 200
    content = response.content.decode()
    assert f"/api/v1/statements/{statement.slug}/" in content
    assert "/api/v1/openapi.json" in content
    assert "&quot;signatures&quot;: 1" in content
    assert not response.cookies


def test_api_documentation_page_without_statements(client, db):
    response = client.get("/api/")
    assert response.status_code == 200
    assert "your-statement-slug" in response.content.decode()


def test_api_documentation_page_is_read_only(client, db):
    assert client.post("/api/").status_code == 405
