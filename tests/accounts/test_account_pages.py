"""allauth's pages in the site's words and markup, in English and Welsh: labels without colons,
hints instead of placeholders, one name for logging in, and a form's errors summarised first."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LABEL = re.compile(r"<label[^>]*>(.*?)</label>", re.S)
# allauth's own names for logging in and out, and its title-case labels: none may show.
ALLAUTH_WORDING = re.compile(
    r"Sign In|Sign Up|Signup|Sign Out|sign in|sign up|Remember Me|Password \(again\)|Two-Factor|Inactive"
)
# The pages with a form, each with values that bring it back with errors.
FORMS = {
    "account_login": {"login": "nobody@example.org", "password": "wrong"},
    "account_signup": {"email": "not an email", "password1": "x", "password2": "y"},
    "account_reset_password": {"email": "not an email"},
    "account_change_password": {"oldpassword": "wrong", "password1": "x", "password2": "y"},
    "account_email": {"email": "not an email", "action_add": ""},
    "account_name": {"display_name": "https://example.org/"},
}
LOGGED_IN = {"account_change_password", "account_email", "account_name", "account_logout", "mfa_index"}
PAGES = [
    *FORMS,
    "account_logout",
    "account_reset_password_done",
    "account_email_verification_sent",
    "account_inactive",
    "mfa_index",
]
ERROR_TITLE = {"en": "Error: ", "cy": "Gwall: "}


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def title_of(html: str) -> str:
    return " ".join(re.search(r"<title>(.*?)</title>", html, re.S).group(1).split())


def address(name: str, language: str) -> str:
    with translation.override(language):
        return reverse(name)


@pytest.fixture
def reader(client, name):
    if name in LOGGED_IN:
        client.force_login(UserFactory(verified=True))
    return client


class Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.ids.update(value for key, value in attrs if key == "id")


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("name", PAGES)
def test_labels_have_no_colon_and_fields_no_placeholder(reader, name, language):
    response = reader.get(address(name, language))
    assert response.status_code == 200
    main = main_of(response.content.decode())
    assert "placeholder=" not in main
    labels = [" ".join(re.sub(r"<[^>]+>", "", label).split()) for label in LABEL.findall(main)]
    assert all(label and not label.endswith(":") for label in labels), labels
    assert not ALLAUTH_WORDING.search(main)
    assert 'class="error-summary' not in main
    assert not title_of(response.content.decode()).startswith(ERROR_TITLE[language])


@pytest.mark.parametrize("language", ["en", "cy"])
@pytest.mark.parametrize("name", FORMS)
def test_a_form_with_errors_leads_with_a_summary_linking_to_its_fields(reader, name, language):
    response = reader.post(address(name, language), FORMS[name])
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert title_of(html).startswith(ERROR_TITLE[language])
    main = main_of(html)
    # The summary comes first, before the heading, and the page's script moves the focus to it.
    assert main.index('class="error-summary"') < main.index("<h1")
    assert 'tabindex="-1"' in main.split('class="error-summary"', 1)[1].split(">", 1)[0]
    assert "/static/js/error-summary.js" in html
    ids = Ids()
    ids.feed(html)
    summary = main.split('class="error-summary"', 1)[1].split("</div>", 1)[0]
    targets = re.findall(r'<a href="#([^"]+)">', summary)
    assert targets and all(target in ids.ids for target in targets)
    assert "placeholder=" not in main


def test_the_pages_say_log_in_and_create_an_account_as_the_header_does(client):
    login = main_of(client.get(reverse("account_login")).content.decode())
    assert "<h1>Log in</h1>" in login and '<button type="submit">Log in</button>' in login
    assert f'<a href="{reverse("account_signup")}">create an account</a>' in login
    signup = main_of(client.get(reverse("account_signup")).content.decode())
    assert "<h1>Create an account</h1>" in signup
    assert '<button type="submit">Create an account</button>' in signup
    assert '<label for="id_remember">' not in signup


def test_the_login_form_labels_say_what_to_enter(client):
    main = main_of(client.get(reverse("account_login")).content.decode())
    assert '<label for="id_login">Email address</label>' in main
    # A checkbox sits inside its label, as the site's one field template draws every checkbox.
    assert re.search(r'<label for="id_remember"><input type="checkbox"[^>]*> Remember me</label>', main)


def test_the_welsh_pages_use_the_welsh_for_log_in(client):
    login = main_of(client.get(address("account_login", "cy")).content.decode())
    assert "<h1>Mewngofnodi</h1>" in login and "<label" in login
    signup = main_of(client.get(address("account_signup", "cy")).content.decode())
    assert "<h1>Creu cyfrif</h1>" in signup
    assert "Eich enw (dewisol)" in signup


def test_the_sign_up_name_is_optional_and_explained(client):
    main = main_of(client.get(reverse("account_signup")).content.decode())
    assert '<label for="id_display_name">Your name (optional)</label>' in main
    field = re.search(r"<input[^>]*id=\"id_display_name\"[^>]*>", main).group(0)
    assert "required" not in field and 'aria-describedby="id_display_name_helptext"' in field
    assert 'id="id_display_name_helptext"' in main


def test_logging_in_and_out_say_so_in_the_sites_words(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "a-long-test-password"}, follow=True
    )
    assert "You are logged in." in response.content.decode()
    response = client.post(reverse("account_logout"), follow=True)
    assert "You are logged out." in response.content.decode()


def test_the_email_page_lists_each_address_and_acts_on_the_chosen_one(client, user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email="second@example.org", verified=True)
    client.force_login(user)
    main = main_of(client.get(reverse("account_email")).content.decode())
    assert "<legend>Your email addresses</legend>" in main
    assert main.count('type="radio" name="email"') == 2
    assert "main address" in main and "not confirmed" not in main
    client.post(reverse("account_email"), {"email": "second@example.org", "action_primary": ""})
    assert EmailAddress.objects.get(primary=True, user=user).email == "second@example.org"
    client.post(reverse("account_email"), {"email": user.email, "action_remove": ""})
    assert not EmailAddress.objects.filter(email=user.email).exists()


@pytest.mark.parametrize("language", ["en", "cy"])
def test_the_second_step_of_logging_in_says_log_in_and_summarises_a_wrong_code(client, language):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    superuser = UserFactory(is_staff=True, is_superuser=True, verified=True)
    TOTP.activate(superuser, generate_totp_secret())
    response = client.post(
        address("account_login", language),
        {"login": superuser.email, "password": "a-long-test-password"},
        follow=True,
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == address("mfa_authenticate", language)
    assert title_of(html).startswith("Log in" if language == "en" else "Mewngofnodi")
    assert "placeholder=" not in main_of(html) and not ALLAUTH_WORDING.search(main_of(html))
    wrong = client.post(address("mfa_authenticate", language), {"code": "000000"}).content.decode()
    assert title_of(wrong).startswith(ERROR_TITLE[language])
    assert 'class="error-summary"' in main_of(wrong)


def test_every_form_page_in_the_account_layout_has_one_error_summary():
    """The layout summarises a page's `form`: a page that also drew its own would have two."""
    from django.test import Client

    from tests.pages import PAGES, Demo
    from tests.test_html_validity import submit_invalid

    demo = Demo()
    reader = Client()
    reader.force_login(demo.reader)
    counts = {}
    for page in PAGES:
        if page.invalid is not None:
            client = reader if page.login else Client()
            html = submit_invalid(client, page.url(demo), page.invalid_values(demo)).content.decode()
            counts[page.name] = html.count('class="error-summary"')
    assert counts["organisation registration, error"] == 1
    assert counts["statement proposal form, error"] == 1
    assert set(counts.values()) == {1}, counts


def test_the_two_factor_page_says_what_is_on_and_how_to_change_it(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    person = UserFactory(is_staff=True, verified=True)
    client.force_login(person)
    main = main_of(client.get(reverse("mfa_index")).content.decode())
    assert "Set up an authenticator app" in main and "No recovery codes set up." in main
    TOTP.activate(person, generate_totp_secret())
    RecoveryCodes.activate(person)
    main = main_of(client.get(reverse("mfa_index")).content.decode())
    assert "Turn off the authenticator app" in main
    assert re.search(r"Recovery codes left: \d+ of \d+\.", main)
    assert reverse("mfa_generate_recovery_codes") in main


def test_setting_up_an_authenticator_app_is_in_the_sites_words(client):
    person = UserFactory(is_staff=True, verified=True)
    client.post(reverse("account_login"), {"login": person.email, "password": "a-long-test-password"})
    response = client.get(reverse("mfa_activate_totp"), follow=True)
    if response.redirect_chain:  # allauth asks for the password again first.
        response = client.post(
            response.redirect_chain[-1][0], {"password": "a-long-test-password"}, follow=True
        )
    html = response.content.decode()
    main = main_of(html)
    assert "<h1>Set up an authenticator app</h1>" in main
    assert "placeholder=" not in main and not ALLAUTH_WORDING.search(main)
    assert 'alt="QR code for your authenticator app"' in main
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"}).content.decode()
    assert title_of(wrong).startswith("Error: Set up an authenticator app")
    assert main_of(wrong).index('class="error-summary"') < main_of(wrong).index("<h1")


@pytest.mark.parametrize(
    ("password", "welsh"),
    [
        ("1234", "Mae'r cyfrinair hwn yn rhy fyr: defnyddiwch o leiaf 8 nod."),
        ("48151623424", "Rhifau yn unig yw'r cyfrinair hwn: ychwanegwch lythrennau neu nodau eraill."),
        ("password123", "Mae'r cyfrinair hwn yn un o'r rhai mwyaf cyffredin: dewiswch un arall."),
        ("rhian.jones@example", "Mae'r cyfrinair hwn yn rhy debyg i'ch cyfeiriad e-bost."),
    ],
)
def test_the_password_rules_are_explained_and_enforced_in_welsh(client, password, welsh):
    path = address("account_signup", "cy")
    page = unescape(main_of(client.get(path).content.decode()))
    assert "Defnyddiwch o leiaf 8 nod." in page and "Your password" not in page
    fields = {"email": "rhian.jones@example.org", "password1": password, "password2": password}
    summary = main_of(client.post(path, fields).content.decode()).split("</ul>", 1)[0]
    summary = unescape(re.sub(r"<[^>]+>", "", summary))
    assert welsh in summary
    assert "password" not in summary.lower()


def test_the_recovery_codes_page_is_in_the_sites_words(rf):
    from django.contrib.sessions.backends.signed_cookies import SessionStore
    from django.template.loader import render_to_string

    request = rf.get(reverse("mfa_view_recovery_codes"))
    request.user, request.session = UserFactory(is_staff=True, verified=True), SessionStore()
    codes = ["a1b2c3d4", "e5f6a7b8"]
    context = {
        "unused_codes": codes,
        "total_count": 10,
        "can_view_codes": True,
        "can_download_codes": True,
        "can_generate_codes": True,
    }
    main = main_of(render_to_string("mfa/recovery_codes/index.html", context, request=request))
    assert "<h1>Your recovery codes</h1>" in main and "Recovery Codes" not in main
    assert '<label for="recovery_codes">Unused codes</label>' in main
    assert "a1b2c3d4\ne5f6a7b8</textarea>" in main
    assert "Recovery codes left: 2 of 10." in main
    assert reverse("mfa_generate_recovery_codes") in main
