"""With the cache (Redis) unreachable, reading and signing still work: the database is enough."""

import pytest
from django.urls import reverse

from consult.models import Signature
from tests.consult.signers import post_sign
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings):
    """A Redis cache on a port where nothing listens: every cache call fails at once."""
    settings.CACHES = {
        "default": {
            "BACKEND": "consult.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
        }
    }


def test_counts_documents_are_built_from_the_database_when_the_cache_is_down(client, statement, cache_down):
    for path in (
        f"/api/v1/statements/{statement.slug}/",
        "/api/v1/statements/",
        f"/embed/statements/{statement.slug}/",
        f"/embed/statements/{statement.slug}/badge.svg",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/api/v1/statements/{statement.slug}/").json()["signatures"] == 0


def test_signing_works_when_the_cache_is_down(
    client, statement, cache_down, django_capture_on_commit_callbacks
):
    assert client.get(statement.get_absolute_url()).status_code == 200
    response = post_sign(
        client, statement, django_capture_on_commit_callbacks, email="jo.nocache@example.org"
    )
    assert response.url == reverse("signature_check_email", args=[statement.slug])
    assert Signature.objects.get().email == "jo.nocache@example.org"
    assert client.get(response.url).status_code == 200


def test_statement_page_is_built_from_the_database_when_the_cache_is_down(client, statement, cache_down):
    SignatureFactory(statement=statement, name="Listed Anyway", show_name=True).confirm()
    response = client.get(statement.get_absolute_url())
    assert response.status_code == 200
    assert "Listed Anyway" in response.content.decode()
