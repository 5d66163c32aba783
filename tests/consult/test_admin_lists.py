"""The lists that grow with signatures stay fast: no full count, no query per row."""

import re

import pytest
from django.contrib.admin.templatetags.admin_list import result_headers
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consult.admin import pagination
from consult.models import Signature
from tests.consult.moderators import persona
from tests.factories import SignatureFactory, StatementFactory
from tests.services import require

pytestmark = pytest.mark.django_db

# A COUNT over the signature table; bounded ones count a LIMITed subquery.
COUNT = re.compile(r'SELECT COUNT\(\*\).*FROM "consult_signature"', re.DOTALL)


def signatures_url() -> str:
    return reverse("admin:consult_signature_changelist")


def queries_of(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def unbounded_counts(queries: list[str]) -> list[str]:
    return [sql for sql in queries if COUNT.search(sql) and "LIMIT" not in sql]


def signatures_on_new_statements(count: int) -> None:
    """Each on its own statement, so a query per row (for its statement) would show."""
    for _number in range(count):
        SignatureFactory(statement=StatementFactory())


@pytest.mark.parametrize("name", ["moderator", "data_moderator", "superuser"])
def test_signature_list_makes_the_same_queries_for_few_and_many_rows(client, name):
    client.force_login(persona(name))
    signatures_on_new_statements(2)
    few = queries_of(client, signatures_url())
    signatures_on_new_statements(40)
    many = queries_of(client, signatures_url())
    assert len(many) == len(few)
    assert Signature.objects.count() == 42


@pytest.mark.parametrize(
    "query",
    ["", "?state__exact=confirmed", "?role_status__exact=pending", "?q=Signer", "?q=signer1@example.org"],
)
def test_signature_list_never_counts_the_whole_table(client, statement, query):
    SignatureFactory.create_batch(3, statement=statement)
    client.force_login(persona("data_moderator"))
    queries = queries_of(client, signatures_url() + query)
    assert any(COUNT.search(sql) for sql in queries)  # The bounded count is there...
    assert unbounded_counts(queries) == []  # ...and nothing counts every row.


@pytest.mark.parametrize("model", ["outboundemail", "moderationdecision"])
def test_other_growing_lists_never_count_the_whole_table(client, superuser, model):
    client.force_login(superuser)
    queries = queries_of(client, reverse(f"admin:consult_{model}_changelist"))
    assert [sql for sql in queries if "COUNT(*)" in sql and "LIMIT" not in sql] == []


def test_a_long_list_shows_the_planners_estimate_and_pages_through_it(client, statement, monkeypatch):
    require(connection.vendor == "postgresql", "needs PostgreSQL (the estimate is its planner's)")
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 5)
    SignatureFactory.create_batch(30, statement=statement)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE consult_signature")
    client.force_login(persona("moderator"))
    queries = queries_of(client, signatures_url())
    assert unbounded_counts(queries) == []
    response = client.get(signatures_url())
    # The planner's statistics say about 30 rows: more than the exact bound, near the truth.
    assert 5 < response.context["cl"].result_count <= 60
    assert len(response.context["cl"].result_list) == 30


def test_a_short_filtered_list_is_counted_exactly(client, statement, monkeypatch):
    monkeypatch.setattr(pagination, "EXACT_UP_TO", 5)
    SignatureFactory.create_batch(30, statement=statement)
    SignatureFactory(
        statement=statement, kind=Signature.Kind.NOTABLE, role_status=Signature.RoleStatus.PENDING
    )
    client.force_login(persona("moderator"))
    response = client.get(signatures_url(), {"role_status__exact": "pending"})
    assert response.context["cl"].result_count == 1


def test_signatures_are_listed_newest_first_and_sort_only_by_when_they_were_signed(client, statement):
    first, second = SignatureFactory(statement=statement), SignatureFactory(statement=statement)
    client.force_login(persona("moderator"))
    response = client.get(signatures_url())
    assert list(response.context["cl"].result_list) == [second, first]
    oldest_first = client.get(signatures_url(), {"o": "8"})  # The "signed" column, ascending.
    assert list(oldest_first.context["cl"].result_list) == [first, second]
    headers = result_headers(response.context["cl"])
    assert [str(header["text"]) for header in headers if header["sortable"]] == ["signed"]


@pytest.mark.parametrize(
    ("term", "found"),
    [
        # Django's search form refuses a NUL character and the list shows unsearched.
        ("\x00", 1),
        ("a\x00@example.org", 1),
        ("@", 0),
        ("x" * 5000 + "@example.org", 0),
        ("<script>alert(1)</script>", 0),
        ("İ@ÉXAMPLE.ORG", 0),
    ],
)
def test_hostile_searches_break_nothing(client, statement, term, found):
    SignatureFactory(statement=statement, email="jo@example.org")
    client.force_login(persona("data_moderator"))
    response = client.get(signatures_url(), {"q": term})
    assert response.status_code == 200
    assert response.context["cl"].result_count == found
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_an_address_finds_its_signer_whatever_its_case_or_gmail_dots(client, statement):
    signature = SignatureFactory(
        statement=statement, email="jo.bloggs@gmail.com", email_normalised="jobloggs@gmail.com"
    )
    client.force_login(persona("data_moderator"))
    response = client.get(signatures_url(), {"q": "  Jo.Bloggs+petitions@GoogleMail.com "})
    assert list(response.context["cl"].result_list) == [signature]
