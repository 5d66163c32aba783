"""Who runs the site, said on every page, and the pages about the site itself."""

import pytest
from django.urls import reverse

from consult import languages
from consult.models import Signature
from consult.models.signing import SignatureToken
from tests.conftest import forget_shared_pages
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db

SITE_PAGES = ["about", "contact", "accessibility", "privacy", "cookies", "feedback"]


@pytest.fixture
def operator(settings):
    settings.OPERATOR_NAME = "Cymru Open Trust"
    settings.OPERATOR_EMAIL = "help@open-trust.example.org"
    settings.OPERATOR_ADDRESS = "2 Heol y Frenhines, Caerdydd, CF10 2BU"
    settings.OPERATOR_REGISTRATION = "Charity number 1234567"
    settings.OPERATOR_ICO_NUMBER = "ZA765432"
    return settings


@pytest.mark.parametrize("name", ["home", *SITE_PAGES])
def test_every_page_says_who_runs_the_site_and_links_the_site_pages(client, operator, name):
    html = client.get(reverse(name)).content.decode()
    assert "This site is run by Cymru Open Trust" in html
    assert 'href="mailto:help@open-trust.example.org"' in html
    for page in SITE_PAGES:
        assert f'href="{reverse(page)}' in html


def test_the_phase_banner_links_to_feedback_from_the_page_it_is_on(client):
    html = client.get(reverse("moderation_policy")).content.decode()
    assert "Beta" in html and "This is a new service" in html
    assert f'href="{reverse("feedback")}?from=/moderation-policy/"' in html


def test_the_feedback_form_keeps_the_page_the_reader_came_from(client):
    html = client.get(reverse("feedback"), {"from": "/statements/x/"}).content.decode()
    assert 'name="page" value="/statements/x/"' in html
    html = client.get(reverse("feedback"), {"from": "https://evil.example/"}).content.decode()
    assert '<input type="hidden" name="page" id="id_page">' in html


@pytest.mark.parametrize("name", ["about", "contact", "privacy"])
def test_the_operator_s_full_details_are_on_about_contact_and_privacy(client, operator, name):
    html = client.get(reverse(name)).content.decode()
    for detail in ["2 Heol y Frenhines, Caerdydd, CF10 2BU", "Charity number 1234567", "ZA765432"]:
        assert detail in html


def test_the_about_page_says_how_the_site_stays_neutral(client):
    html = client.get(reverse("about")).content.decode()
    assert "How it stays neutral" in html and "never against the side they take" in html


def test_the_accessibility_statement_follows_the_model_statement(client, operator, settings):
    html = client.get(reverse("accessibility")).content.decode()
    for heading in [
        "How accessible this website is",
        "Reporting accessibility problems with this website",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "Preparation of this accessibility statement",
    ]:
        assert f">{heading}</h" in html
    assert "partially compliant" in html and "Equality Advisory and Support Service" in html
    assert settings.SITE_URL in html and "help@open-trust.example.org" in html


def test_the_cookies_page_names_the_cookies_the_settings_set(client, settings):
    settings.SESSION_COOKIE_AGE = 3 * 24 * 60 * 60
    settings.SESSION_COOKIE_NAME = "consult_session"
    html = client.get(reverse("cookies")).content.decode()
    assert "consult_session" in html and "After 3 days, or when you log out" in html
    assert settings.CSRF_COOKIE_NAME in html
    assert "Reading this site sets none" in html


@pytest.mark.parametrize("name", ["about", "contact", "accessibility", "privacy", "cookies", "feedback_sent"])
def test_reading_a_site_page_sets_no_cookie(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200 and not response.cookies


@pytest.mark.parametrize("name", SITE_PAGES)
def test_the_site_pages_are_in_welsh(client, name):
    html = client.get("/cy" + reverse(name)).content.decode()
    assert '<html lang="cy">' in html and "Mae'r wefan hon yn cael ei rhedeg gan" in html


def test_the_site_pages_refuse_to_be_posted_to(client):
    for name in ["about", "contact", "accessibility", "cookies"]:
        assert client.post(reverse(name)).status_code == 405


@pytest.mark.parametrize(
    "name", ["account_reset_password", "account_reset_password_done", "account_email_verification_sent"]
)
def test_account_pages_that_say_contact_us_link_to_the_contact_page(client, name):
    html = client.get(reverse(name)).content.decode()
    assert f'<a href="{reverse("contact")}">contact us</a>' in html
    assert "Please contact us" not in html


def test_the_phase_banner_never_carries_a_signers_token_to_the_feedback_form(client, statement):
    signature = SignatureFactory(statement=statement)
    signature.confirm()
    token = SignatureToken.issue(Signature.objects.get(pk=signature.pk), SignatureToken.Purpose.MANAGE)
    html = client.get(reverse("signature_manage", args=[token])).content.decode()
    assert f'href="{reverse("feedback")}?from=/signatures/%5Btoken%5D/"' in html
    assert f"from=/signatures/{token}" not in html


def footer_of(html: str) -> str:
    return html[html.index('<footer class="site-footer">') : html.index("</footer>")]


def test_the_footer_kept_once_per_language_follows_the_language_and_the_operator(client, settings):
    # Addresses first: a Welsh request leaves Welsh active in the test's thread.
    home, about = reverse("home"), reverse("about")
    with languages.override("cy"):
        welsh_home, welsh_about = reverse("home"), reverse("about")
    english = footer_of(client.get(home).content.decode())
    welsh = footer_of(client.get(welsh_home).content.decode())
    assert f'href="{welsh_about}"' in welsh and welsh_about.startswith("/cy/") and "Data agored" in welsh
    assert f'href="{about}"' in english and "Open data" in english
    assert footer_of(client.get(about).content.decode()) == english
    settings.OPERATOR_NAME = "Another Operator"
    forget_shared_pages()  # The home page's shared copy, not the footer, would still be the old one.
    assert "This site is run by Another Operator" in footer_of(client.get(home).content.decode())
