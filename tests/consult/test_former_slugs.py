"""A statement's old web address keeps working: every page and embed redirects permanently."""

from urllib.parse import parse_qs, urlsplit

import pytest

from consult import statement_decisions
from consult.models import StatementSlug
from tests.factories import SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moved(statement, superuser):
    """A signed statement whose slug changed from "ban-it" to "allow-it"."""
    statement.slug = "ban-it"
    statement.save()
    SignatureFactory(statement=statement).confirm()
    statement_decisions.correct(statement, {"slug": "allow-it"}, "A clearer address.", superuser)
    return statement


@pytest.mark.parametrize(
    "old, new",
    [
        ("/statements/ban-it/", "/statements/allow-it/"),
        ("/cy/statements/ban-it/", "/cy/statements/allow-it/"),
        ("/statements/ban-it/embed/", "/statements/allow-it/embed/"),
        ("/api/v1/statements/ban-it/", "/api/v1/statements/allow-it/"),
        ("/embed/statements/ban-it/", "/embed/statements/allow-it/"),
        (
            "/embed/statements/ban-it/?theme=dark&size=compact",
            "/embed/statements/allow-it/?theme=dark&size=compact",
        ),
        ("/embed/statements/ban-it/badge.svg", "/embed/statements/allow-it/badge.svg"),
        ("/open-data/v1/statements/ban-it/counts.json", "/open-data/v1/statements/allow-it/counts.json"),
        ("/open-data/v1/statements/ban-it/history.csv", "/open-data/v1/statements/allow-it/history.csv"),
        ("/open-data/v1/statements/ban-it/history.json", "/open-data/v1/statements/allow-it/history.json"),
    ],
)
def test_an_old_slug_redirects_permanently(client, moved, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    assert client.get(new).status_code == 200


def test_the_api_redirect_is_readable_from_any_site(client, moved):
    response = client.get("/api/v1/statements/ban-it/")
    assert response.status_code == 301
    assert response["Access-Control-Allow-Origin"] == "*"


def test_oembed_of_an_old_page_address_redirects_to_the_new_one(client, moved, settings):
    for prefix in ("", "/cy"):
        old_url = f"{settings.SITE_URL}{prefix}/statements/ban-it/"
        response = client.get("/oembed", {"url": old_url, "format": "json", "maxwidth": "300"})
        assert response.status_code == 301
        location = urlsplit(response["Location"])
        assert location.path == "/oembed"
        query = parse_qs(location.query)
        assert query["url"] == [f"{settings.SITE_URL}{prefix}/statements/allow-it/"]
        assert query["maxwidth"] == ["300"]
        assert client.get(response["Location"]).json()["title"] == moved.title


def test_every_former_slug_leads_to_the_current_one(client, moved, superuser):
    statement_decisions.correct(moved, {"slug": "third"}, "Again.", superuser)
    for old in ("ban-it", "allow-it"):
        response = client.get(f"/api/v1/statements/{old}/")
        assert response.status_code == 301 and response["Location"] == "/api/v1/statements/third/"
    assert set(StatementSlug.objects.values_list("slug", flat=True)) == {"ban-it", "allow-it"}


def test_a_statement_that_now_has_the_slug_wins_over_a_former_owner(client, moved):
    StatementFactory(slug="ban-it")
    assert client.get("/api/v1/statements/ban-it/").status_code == 200
    assert StatementSlug.current("ban-it") is None


def test_an_unknown_slug_is_still_a_404(client, moved):
    assert client.get("/statements/never-was/").status_code == 404
    assert client.get("/api/v1/statements/never-was/").status_code == 404
    assert client.get("/embed/statements/never-was/badge.svg").status_code == 404
    assert client.get("/oembed", {"url": "http://testserver/statements/never-was/"}).status_code == 404
