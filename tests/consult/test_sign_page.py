"""The sign page of its own: how a reader gets there, its errors, and the "check your email" page."""

import html
import re
import time
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from consult import languages
from consult.forms.signing import served_at
from consult.models import Signature, Statement
from consult.views import filled_in
from tests.consult.signers import post_sign, sign_data
from tests.factories import StatementFactory
from tests.naughty import EXTRA, as_sent

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def sign_url(statement: Statement, language: str = "en") -> str:
    with languages.override(language):
        return reverse("statement_sign", args=[statement.slug])


def title_of(response) -> str:
    return html.unescape(TITLE.search(response.content.decode()).group(1)).strip()


def input_value(body: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', body).group(0)
    return html.unescape(re.search(r'value="([^"]*)"', tag).group(1))


def test_statement_page_links_to_the_sign_page_near_its_title_and_carries_no_form(client, statement):
    body = client.get(statement.get_absolute_url()).content.decode()
    link = f'href="{sign_url(statement)}"'
    assert link in body and "Sign this statement" in body
    assert body.index(link) < body.index('class="count-panel"')
    assert "<form" not in body and "csrfmiddlewaretoken" not in body


def test_welsh_statement_page_links_to_the_welsh_sign_page(client, statement):
    with languages.override("cy"):
        body = client.get(statement.get_absolute_url()).content.decode()
    assert f'href="{sign_url(statement, "cy")}"' in body and sign_url(statement, "cy").startswith("/cy/")


def test_sign_page_is_the_form_alone_and_never_cached(client, statement):
    response = client.get(sign_url(statement))
    body = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert body.count("<form") == 1 and "csrfmiddlewaretoken" in body
    assert title_of(response).startswith(f"Sign “{statement.title}”")
    assert "error-summary" not in body and "error-summary.js" not in body


def test_empty_submission_comes_back_with_the_summary_first_and_error_in_the_title(client, statement):
    response = client.post(sign_url(statement), sign_data(name="", email=""))
    body = response.content.decode()
    assert response.status_code == 400
    assert title_of(response).startswith("Error: Sign")
    main = body[body.index('<main id="content"') :]
    assert main.index('class="error-summary"') < main.index("<h1")
    assert 'href="#id_name"' in main and 'href="#id_email"' in main
    assert "Enter your full name." in main and "Enter your email address." in main
    assert "js/error-summary.js" in body
    assert Signature.objects.count() == 0


def test_welsh_errors_say_so_in_welsh_and_the_switcher_leads_to_a_page_that_answers(client, statement):
    response = client.post(sign_url(statement, "cy"), sign_data(name="", email=""))
    assert response.status_code == 400
    assert title_of(response).startswith("Gwall:")
    switch = re.search(r'<nav class="language-switch".*?href="([^"]+)"', response.content.decode(), re.S)
    assert switch.group(1) == sign_url(statement)
    assert client.get(switch.group(1)).status_code == 200


@pytest.mark.parametrize(
    "name",
    ["x" * 5000, "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "Zoë 😀 \u202eeoZ", "ﷺ" * 20],
)
def test_a_rejected_form_gives_back_everything_typed(client, statement, name):
    typed = {"name": name, "email": "not an email", "postcode": "<b>SW1A</b>", "public_role": name[:100]}
    response = client.post(sign_url(statement), sign_data(**typed, show_name="on", wants_updates="on"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "<script>alert(1)" not in body and "<img src=x" not in body
    assert input_value(body, "email") == "not an email"
    assert input_value(body, "postcode") == "<b>SW1A</b>"
    assert input_value(body, "name") == name
    assert re.search(r'<input[^>]*name="show_name"[^>]*checked', body)
    assert re.search(r'<input[^>]*name="wants_updates"[^>]*checked', body)
    assert Signature.objects.count() == 0


@pytest.mark.parametrize(
    "email",
    [
        "jo@",
        "@example.org",
        "jo@localhost",
        "jo@[127.0.0.1]",
        "jo@example..org",
        "<jo@example.org>",
        "a@b.c" * 60,
    ],
)
def test_malformed_addresses_are_refused_with_the_address_kept(client, statement, email):
    response = client.post(sign_url(statement), sign_data(email=email))
    body = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in body and input_value(body, "email") == email
    assert Signature.objects.count() == 0


@pytest.mark.parametrize("value", [value for value in EXTRA if len(value) < 1000])
def test_naughty_names_never_break_the_sign_page(client, statement, value):
    # Sent as a browser would send it: a lone surrogate arrives as invalid UTF-8.
    fields = {key: as_sent(field) for key, field in sign_data(name=value, email="broken").items()}
    body = urlencode(fields)
    response = client.post(sign_url(statement), body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.content.decode()


def test_check_email_page_names_the_address_and_offers_to_correct_it(
    client, statement, django_capture_on_commit_callbacks
):
    response = post_sign(client, statement, django_capture_on_commit_callbacks, email="Jo.Typo@Example.org")
    page = client.get(response.url)
    body = page.content.decode()
    assert "Jo.Typo@example.org" in body or "Jo.Typo@Example.org" in body
    assert f'href="{sign_url(statement)}"' in body and "Sign again with the right one" in body
    assert "no-store" in page["Cache-Control"] or "private" in page["Cache-Control"]
    # The address travels only in a signed cookie, limited to this page: never in a URL.
    cookie = response.cookies["signed_as"]
    assert cookie["path"] == response.url and cookie["httponly"]
    assert "typo" not in response.url.lower()


def test_check_email_page_escapes_the_address_and_ignores_a_forged_cookie(client, statement):
    url = reverse("signature_check_email", args=[statement.slug])
    client.cookies["signed_as"] = "<script>alert(1)</script>@example.org"
    body = client.get(url).content.decode()
    assert "alert(1)" not in body and "We have sent an email about your signature" in body


def test_check_email_page_without_the_cookie_still_explains(statement):
    body = Client().get(reverse("signature_check_email", args=[statement.slug])).content.decode()
    assert "We have sent an email about your signature" in body


def test_welsh_signer_is_told_in_welsh_where_the_email_went(statement, django_capture_on_commit_callbacks):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(sign_url(statement, "cy"), sign_data(email="rhian@example.org"))
    assert response.url.startswith("/cy/")
    body = client.get(response.url).content.decode()
    assert "rhian@example.org" in body and f'href="{sign_url(statement, "cy")}"' in body


def test_honeypot_answer_looks_the_same_as_a_signature(client, statement, django_capture_on_commit_callbacks):
    response = post_sign(client, statement, django_capture_on_commit_callbacks, website="http://spam.example")
    assert "jo@example.org" in client.get(response.url).content.decode()
    assert Signature.objects.count() == 0


def test_closed_statement_sign_page_says_it_is_closed(client):
    closed = StatementFactory(status=Statement.Status.CLOSED)
    response = client.get(sign_url(closed))
    body = response.content.decode()
    assert response.status_code == 200 and "<form" not in body
    assert "This statement is closed" in title_of(response) and "no longer takes signatures" in body
    assert f'href="{closed.get_absolute_url()}"' in body


def test_sign_page_of_an_unpublished_statement_is_not_found(client, consultation):
    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    assert client.get(sign_url(proposed)).status_code == 404


def test_embed_widget_and_api_point_signers_at_the_sign_page(client, statement):
    document = client.get(f"/api/v1/statements/{statement.slug}/").json()
    assert document["sign_url"].endswith(sign_url(statement))
    widget = client.get(f"/embed/statements/{statement.slug}/").content.decode()
    assert f'href="{document["sign_url"]}"' in widget


@pytest.fixture
def demo(db):
    from tests.pages import Demo

    return Demo()


def test_no_page_shown_after_a_post_switches_language_to_an_address_get_cannot_open(demo):
    """Every form's error state (tests/pages.py): each language link answers a GET."""
    from tests.pages import PAGES
    from tests.test_html_validity import submit_invalid

    for page in [page for page in PAGES if page.invalid is not None]:
        client = Client()
        if page.login:
            client.force_login(demo.reader)
        body = submit_invalid(client, page.url(demo), page.invalid_values(demo)).content.decode()
        links = re.findall(r'<a href="([^"]+)" hreflang="[a-z]+" lang=', body)
        assert links, page
        for link in links:
            assert client.get(html.unescape(link)).status_code in (200, 302), (page, link)


def test_anonymous_signers_share_one_rendering_but_never_a_token(statement):
    """The second signer's page is the first one's blank, filled in: fresh CSRF and timing tokens
    that work, and nothing else different."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    pages = [client.get(sign_url(statement)) for client in (first, second)]
    bodies = [page.content.decode() for page in pages]
    assert filled_in.blanks, "the second page was not filled in from the first one's blank"
    csrf = [input_value(body, "csrfmiddlewaretoken") for body in bodies]
    timing = [input_value(body, "started") for body in bodies]
    assert csrf[0] != csrf[1] and timing[0] != timing[1]
    assert bodies[0].replace(csrf[0], "").replace(timing[0], "") == bodies[1].replace(csrf[1], "").replace(
        timing[1], ""
    )
    assert "stand-in" not in bodies[1]
    assert pages[1]["Cache-Control"] == pages[0]["Cache-Control"] and "private" in pages[1]["Cache-Control"]
    assert served_at(timing[1]) == pytest.approx(time.time(), abs=5)
    # The filled-in CSRF token goes with the second signer's own cookie: their form is accepted.
    answer = second.post(sign_url(statement), sign_data(csrfmiddlewaretoken=csrf[1], started=timing[1]))
    assert answer.status_code == 302
    stranger = Client(enforce_csrf_checks=True)
    refused = stranger.post(sign_url(statement), sign_data(csrfmiddlewaretoken=csrf[1]))
    assert refused.status_code == 403


def test_each_language_has_its_own_blank(client, statement):
    client.get(sign_url(statement))
    welsh = client.get(sign_url(statement, "cy")).content.decode()
    assert '<html lang="cy">' in welsh and len(filled_in.blanks) == 2


def test_a_logged_in_signer_never_gets_the_anonymous_blank(client, statement, user):
    Client().get(sign_url(statement))
    Client().get(sign_url(statement))
    client.force_login(user)
    body = client.get(sign_url(statement)).content.decode()
    assert "Log out" in body and 'name="email"' not in body


def test_a_closed_statement_is_not_served_from_a_blank_made_while_it_was_open(client, statement):
    client.get(sign_url(statement))
    filled_in.blanks.clear()  # As a second passing would.
    Statement.objects.filter(pk=statement.pk).update(status=Statement.Status.CLOSED)
    for _ in range(2):
        assert "no longer takes signatures" in client.get(sign_url(statement)).content.decode()
    assert not filled_in.blanks
