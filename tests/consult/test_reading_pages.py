"""Reading pages a CDN can carry: no cookie and public cache headers for anonymous readers, one
shared copy kept by the site, 304s for matching validators, and private pages for members."""

import time

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_max_age

from consult import languages
from tests.factories import ArgumentFactory, SignatureFactory
from tests.pages import PAGES, Demo

pytestmark = pytest.mark.django_db

# The URL names of the pages every reader reads; each must stay free of forms for anonymous readers.
READING_ROUTES = {"home", "consultation_detail", "argument_detail", "statement_detail", "open_data"}


@pytest.fixture
def reading_urls(statement) -> list[str]:
    argument = ArgumentFactory(consultation=statement.consultation)
    urls = []
    for language in ("en", "cy"):
        with languages.override(language):
            urls += [
                reverse("home"),
                statement.consultation.get_absolute_url(),
                statement.consultation.get_absolute_url() + "?order=newest",
                argument.get_absolute_url(),
                statement.get_absolute_url(),
                reverse("open_data"),
            ]
    return urls


def cache_control(response) -> set[str]:
    return {part.strip() for part in response["Cache-Control"].split(",")}


def test_anonymous_readers_get_no_cookie_and_a_page_any_cache_may_keep(client, reading_urls, settings):
    seconds = settings.PAGE_CACHE_SECONDS
    for url in reading_urls:
        for _ in range(2):  # Built, then served from the shared copy: the same headers both times.
            response = client.get(url)
            assert response.status_code == 200, url
            assert not response.cookies and not client.cookies, url
            assert cache_control(response) == {
                "public",
                f"max-age={seconds}",
                f"stale-while-revalidate={2 * seconds}",
                f"stale-if-error={5 * seconds}",
            }, url
            assert response["ETag"].startswith('"') and response["Last-Modified"].endswith("GMT"), url
            assert "Cookie" in response["Vary"], url  # A member's request never gets this copy.
            # The address says the language: a CDN keeps one copy, not one per browser language.
            assert "Accept-Language" not in response["Vary"], url
            assert 0 <= int(response["Age"]) <= seconds, url


def test_the_page_lifetime_follows_the_setting(client, statement, settings):
    settings.PAGE_CACHE_SECONDS = 30
    response = client.get(statement.get_absolute_url())
    assert get_max_age(response) == 30
    assert {"stale-while-revalidate=60", "stale-if-error=150"} <= cache_control(response)


def test_a_matching_validator_gets_a_304_without_the_page(client, reading_urls):
    for url in reading_urls:
        first = client.get(url)
        by_etag = client.get(url, headers={"If-None-Match": first["ETag"]})
        assert by_etag.status_code == 304 and by_etag.content == b"", url
        assert "public" in cache_control(by_etag) and by_etag["ETag"] == first["ETag"], url
        by_date = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
        assert by_date.status_code == 304, url
        other = client.get(url, headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.content == first.content, url


def test_logged_in_readers_get_private_pages_of_their_own(client, user, reading_urls):
    client.force_login(user)
    for url in reading_urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "private" in cache_control(response) and "public" not in cache_control(response), url
        assert "Age" not in response, url


def test_anonymous_and_member_copies_never_cross(client, user, statement):
    url = statement.consultation.get_absolute_url()
    member = Client()
    member.force_login(user)
    assert user.get_short_name() in member.get(url).content.decode()
    anonymous = client.get(url).content.decode()
    assert user.get_short_name() not in anonymous and "csrfmiddlewaretoken" not in anonymous
    assert "csrfmiddlewaretoken" in member.get(url).content.decode()  # Their forms are still there.


def test_each_language_has_its_own_copy(client, statement):
    english = client.get(statement.get_absolute_url()).content.decode()
    with languages.override("cy"):
        welsh = client.get(statement.get_absolute_url()).content.decode()
    assert '<html lang="en-gb">' in english and '<html lang="cy">' in welsh


def test_a_browser_asking_for_welsh_still_gets_the_english_address_in_english(client, statement):
    url = statement.get_absolute_url()
    asked = client.get(url, headers={"Accept-Language": "cy"})
    assert '<html lang="en-gb">' in asked.content.decode()
    assert "Accept-Language" not in asked["Vary"] and asked["Content-Language"] == "en-gb"
    with languages.override("cy"):
        welsh = client.get(statement.get_absolute_url(), headers={"Accept-Language": "en"})
    assert '<html lang="cy">' in welsh.content.decode() and "Accept-Language" not in welsh["Vary"]


def test_a_shared_copy_costs_no_query(client, statement, django_assert_num_queries):
    SignatureFactory(statement=statement).confirm()
    first = client.get(statement.get_absolute_url())
    with django_assert_num_queries(0):
        again = client.get(statement.get_absolute_url())
    assert again.content == first.content and again["ETag"] == first["ETag"]
    with django_assert_num_queries(0):
        assert client.head(statement.get_absolute_url()).status_code == 200


def test_unknown_query_parameters_are_public_but_kept_in_no_copy(
    client, statement, django_assert_max_num_queries
):
    url = statement.get_absolute_url() + "?utm_source=newsletter"
    client.get(url)
    with django_assert_max_num_queries(20) as queries:
        response = client.get(url)
    assert len(queries.captured_queries) > 0  # Rendered again: junk parameters fill no cache.
    assert "public" in cache_control(response) and not response.cookies


class Clock:
    """time.time and time.monotonic, moved forward at will."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def monotonic(self) -> float:
        return time.monotonic() + self.offset


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("consult.caching.time", clock)
    monkeypatch.setattr("consult.views.reading.time", clock)
    return clock


def count_shown(client: Client, statement) -> str:
    body = client.get(statement.get_absolute_url()).content.decode()
    return body.split('class="count-panel__total"><strong>')[1].split("<")[0]


def test_a_new_signature_shows_to_anonymous_readers_within_max_age(client, statement, clock, settings):
    assert count_shown(client, statement) == "0"
    SignatureFactory(statement=statement).confirm()
    clock.offset = settings.PAGE_CACHE_SECONDS - 1
    response = client.get(statement.get_absolute_url())
    assert int(response["Age"]) >= settings.PAGE_CACHE_SECONDS - 1  # Caches downstream keep it 1 s more.
    clock.offset = settings.PAGE_CACHE_SECONDS + 0.5
    assert count_shown(client, statement) == "1"


def test_a_reader_with_a_message_waiting_gets_it_on_a_private_page(client, statement):
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.SUCCESS, "Your signature is withdrawn.")])
    response = client.get(statement.get_absolute_url())
    assert "Your signature is withdrawn." in response.content.decode()
    assert "private" in cache_control(response)
    assert "Your signature is withdrawn." not in Client().get(statement.get_absolute_url()).content.decode()


@pytest.fixture
def demo(db) -> Demo:
    return Demo()


READING_PAGES = [page for page in PAGES if page.route in READING_ROUTES and not page.login]


@pytest.mark.parametrize("page", READING_PAGES, ids=str)
def test_no_reading_page_carries_a_form_needing_a_csrf_token_for_anonymous_readers(demo, page):
    """The demo's full pages, as tests/pages.py lists them: a form here would end the shared copy."""
    response = Client().get(page.url(demo))
    body = response.content.decode()
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" not in body and 'method="post"' not in body.lower()
    assert not response.cookies and "public" in cache_control(response)


def test_every_reading_route_is_checked_for_forms():
    assert {page.route for page in READING_PAGES} == READING_ROUTES
    assert {page.language for page in READING_PAGES} == {"en", "cy"}


def test_a_language_cookie_changes_no_page_language(client, statement):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"
    english = client.get(statement.get_absolute_url())
    assert '<html lang="en-gb">' in english.content.decode() and english["Content-Language"] == "en-gb"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    welsh = client.get("/cy" + statement.get_absolute_url())
    assert '<html lang="cy">' in welsh.content.decode() and welsh["Content-Language"] == "cy"


def test_the_address_alone_picks_the_language_without_reading_the_browsers(client, statement, monkeypatch):
    """Neither Accept-Language nor a cookie can change it, so neither is worth parsing per request."""

    def never(*args, **kwargs):
        raise AssertionError("the browser's languages were read")

    monkeypatch.setattr(translation, "get_language_from_request", never)
    english = client.get(statement.get_absolute_url(), {"render": 1}, headers={"Accept-Language": "cy"})
    welsh = client.get("/cy" + statement.get_absolute_url(), {"render": 1})
    assert '<html lang="en-gb">' in english.content.decode() and '<html lang="cy">' in welsh.content.decode()
