"""The single list of every page the site serves, which the accessibility and HTML checks visit.

A new page joins PAGES with one line: a name, the URL name it covers, how to build the URL's
arguments from the demo data, and whether it needs a logged-in reader or a form in its error state.
tests/test_html_validity.py fails for any GET route that is neither here nor in NOT_PAGES.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from io import StringIO

from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from consult import languages


class Demo:
    """The demo content (`load_demo`) plus a logged-in reader with an organisation and a signature."""

    READER_EMAIL = "reader@example.org"

    def __init__(self) -> None:
        from consult.models import Consultation, Membership, Organisation, Statement
        from tests.factories import UserFactory

        call_command("load_demo", stdout=StringIO())
        self.consultation = Consultation.objects.get(slug="police-facial-recognition")
        self.statement = Statement.objects.get(slug="pause-live-facial-recognition")
        self.argument = self.consultation.arguments.filter(status="published").order_by("pk").first()
        self.organisation = Organisation.objects.filter(status="verified").order_by("pk").first()
        self.reader = UserFactory(email=self.READER_EMAIL, verified=True)
        Membership.objects.create(
            organisation=self.organisation, user=self.reader, role="Director", is_admin=True
        )

    # Tokens are made only for the pages that need them.
    @cached_property
    def pending_signature(self):
        from consult.models import Signature

        return Signature.objects.create(
            statement=self.statement, name="Rhian Pending", email="rhian@example.org", kind="individual"
        )

    @cached_property
    def confirm_token(self) -> str:
        from consult.models.signing import SignatureToken

        return SignatureToken.issue(self.pending_signature, SignatureToken.Purpose.CONFIRM)

    @cached_property
    def manage_token(self) -> str:
        from consult.models import Signature
        from consult.models.signing import SignatureToken

        signature = Signature.objects.live().filter(statement=self.statement, state="confirmed").first()
        return SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)

    @cached_property
    def email_confirmation_key(self) -> str:
        """The key of the link mailed to confirm a second address the reader added."""
        from allauth.account.models import EmailAddress, EmailConfirmationHMAC

        address = EmailAddress.objects.create(user=self.reader, email="reader.new@example.org")
        return EmailConfirmationHMAC(address).key

    @cached_property
    def unsubscribe_token(self) -> str:
        from consult.emails import unsubscribe_token
        from consult.models import Signature

        return unsubscribe_token(Signature.objects.live().filter(statement=self.statement).first())


def no_arguments(demo: Demo) -> list:
    return []


@dataclass(frozen=True)
class Page:
    name: str
    # The URL name this page covers; None for a page no route serves (the 404 page).
    route: str | None
    args: Callable[[Demo], list] = no_arguments
    query: str = ""
    # Log the demo reader in first.
    login: bool = False
    # Post these values to the page's form (browser validation off) to check it in its error state;
    # a submit button's name among them says which button submits.
    invalid: dict[str, str] | Callable[[Demo], dict[str, str]] | None = None
    status: int = 200
    path: str = ""
    # Pages made to sit inside other sites' iframes: they have no site header, footer or skip link.
    embedded: bool = field(default=False)
    # "cy" for the Welsh version of the page, under /cy/.
    language: str = "en"

    def url(self, demo: Demo) -> str:
        with languages.override(self.language):
            return (self.path or reverse(self.route, args=self.args(demo))) + self.query

    def invalid_values(self, demo: Demo) -> dict[str, str]:
        return self.invalid(demo) if callable(self.invalid) else self.invalid

    def __str__(self) -> str:
        return self.name


def consultation(demo: Demo) -> list:
    return [demo.consultation.slug]


def argument(demo: Demo) -> list:
    return [demo.consultation.slug, demo.argument.pk]


def statement(demo: Demo) -> list:
    return [demo.statement.slug]


def organisation(demo: Demo) -> list:
    return [demo.organisation.slug]


BAD_EMAIL = {"email": "not an email"}


def add_member_error(demo: Demo) -> dict[str, str]:
    """The add-member form's fields carry its organisation's prefix."""
    prefix = f"member-{demo.organisation.pk}"
    return {f"{prefix}-email": "not an email", f"{prefix}-role": ""}


PAGES = [
    Page("home", "home"),
    Page("consultation", "consultation_detail", consultation),
    Page("consultation, logged in", "consultation_detail", consultation, login=True),
    Page("argument", "argument_detail", argument),
    Page("argument, logged in", "argument_detail", argument, login=True),
    Page("statement", "statement_detail", statement),
    Page("statement, logged in", "statement_detail", statement, login=True),
    Page("page not found", None, path="/no-such-page/", status=404),
    Page("privacy", "privacy"),
    Page("moderation policy", "moderation_policy"),
    Page("open data", "open_data"),
    # Who runs the site, and the pages the footer and phase banner link to.
    Page("about", "about"),
    Page("contact", "contact"),
    Page("accessibility statement", "accessibility"),
    Page("cookies", "cookies"),
    Page("feedback form", "feedback"),
    Page("feedback form, error", "feedback", invalid={"comments": "", "email": "x@"}, status=400),
    Page("feedback sent", "feedback_sent"),
    # Accounts (allauth's pages inside the site's layout).
    Page("log in", "account_login"),
    Page("log in, error", "account_login", invalid={"login": "nobody@example.org", "password": "wrong"}),
    Page("sign up", "account_signup"),
    Page("sign up, error", "account_signup", invalid={"email": "not an email", "password1": "x"}),
    Page("password reset", "account_reset_password"),
    Page("password reset, error", "account_reset_password", invalid=BAD_EMAIL),
    Page("password reset sent", "account_reset_password_done"),
    Page("password reset done", "account_reset_password_from_key_done"),
    Page("confirm email address", "account_confirm_email", lambda demo: [demo.email_confirmation_key]),
    Page("account inactive", "account_inactive"),
    Page("reauthenticate", "account_reauthenticate", login=True),
    Page("verification sent", "account_email_verification_sent"),
    Page("email addresses", "account_email", login=True),
    Page("email addresses, error", "account_email", login=True, invalid=BAD_EMAIL | {"action_add": ""}),
    Page("password change", "account_change_password", login=True),
    Page("two-factor authentication", "mfa_index", login=True),
    Page("log out", "account_logout", login=True),
    Page("your name", "account_name", login=True),
    Page("your name, error", "account_name", login=True, invalid={"display_name": "A" * 200}, status=400),
    # Arguments.
    Page("argument form", "argument_submit", consultation, login=True),
    Page("argument form, error", "argument_submit", consultation, login=True, invalid={"claim": ""}),
    Page("argument report form", "argument_report", argument, login=True),
    Page("argument report form, error", "argument_report", argument, login=True, invalid={"reason": ""}),
    Page("my arguments", "my_arguments", login=True),
    Page("my signatures", "my_signatures", login=True),
    # Organisations.
    Page("organisation", "organisation_detail", organisation),
    Page("my organisations", "my_organisations", login=True),
    Page("my organisations, add member error", "my_organisations", login=True, invalid=add_member_error),
    Page("organisation registration", "organisation_register", login=True),
    Page("organisation registration, error", "organisation_register", login=True, invalid={"name": ""}),
    Page("statement proposal form", "statement_propose", organisation, login=True),
    Page(
        "statement proposal form, error", "statement_propose", organisation, login=True, invalid={"title": ""}
    ),
    # Signing.
    Page("sign", "statement_sign", statement),
    Page("sign, logged in", "statement_sign", statement, login=True),
    Page("sign form, error", "statement_sign", statement, invalid={"name": "", "email": "x@"}, status=400),
    Page("check your email", "signature_check_email", statement),
    Page("confirm signature", "signature_confirm", lambda demo: [demo.confirm_token]),
    Page("thank you", "signature_thanks", lambda demo: [demo.manage_token]),
    Page("manage signature", "signature_manage", lambda demo: [demo.manage_token]),
    Page("erase your data", "signature_erase", lambda demo: [demo.manage_token]),
    Page("your data is erased", "signature_erased"),
    Page("resend confirmation", "signature_resend"),
    Page("resend confirmation, error", "signature_resend", invalid=BAD_EMAIL, status=400),
    Page("confirm signature, unknown link", None, path="/signatures/confirm/no-such-token/", status=404),
    Page("unsubscribe", "unsubscribe", lambda demo: [demo.unsubscribe_token]),
    Page("unsubscribe, unknown link", None, path="/unsubscribe/no-such-token/", status=404),
    # The API's documentation and the embeds.
    Page("API documentation", "api_docs"),
    Page("statement embed page", "statement_embed", statement),
    Page("embed widget", "embed_widget", statement, embedded=True),
    Page(
        "embed widget, dark and compact", "embed_widget", statement, "?theme=dark&size=compact", embedded=True
    ),
    Page("embed widget, Welsh", "embed_widget", statement, "?lang=cy", embedded=True),
    Page(
        "embed widget, unknown statement",
        None,
        path="/embed/statements/no-such-statement/",
        status=404,
        embedded=True,
    ),
    Page("statement embed page, Welsh", "statement_embed", statement, language="cy"),
    # Welsh (under /cy/): the main reading pages and the signing path.
    Page("home, Welsh", "home", language="cy"),
    Page("consultation, Welsh", "consultation_detail", consultation, language="cy"),
    Page("consultation, logged in, Welsh", "consultation_detail", consultation, login=True, language="cy"),
    Page("argument, Welsh", "argument_detail", argument, language="cy"),
    Page("statement, Welsh", "statement_detail", statement, language="cy"),
    Page("sign, Welsh", "statement_sign", statement, language="cy"),
    Page(
        "sign form, error, Welsh",
        "statement_sign",
        statement,
        invalid={"name": "", "email": "x@"},
        status=400,
        language="cy",
    ),
    Page("check your email, Welsh", "signature_check_email", statement, language="cy"),
    Page("confirm signature, Welsh", "signature_confirm", lambda demo: [demo.confirm_token], language="cy"),
    Page("manage signature, Welsh", "signature_manage", lambda demo: [demo.manage_token], language="cy"),
    Page("privacy, Welsh", "privacy", language="cy"),
    Page("about, Welsh", "about", language="cy"),
    Page("contact, Welsh", "contact", language="cy"),
    Page("accessibility statement, Welsh", "accessibility", language="cy"),
    Page("cookies, Welsh", "cookies", language="cy"),
    Page("feedback form, Welsh", "feedback", language="cy"),
    Page("feedback form, error, Welsh", "feedback", invalid={"comments": ""}, status=400, language="cy"),
    Page("open data, Welsh", "open_data", language="cy"),
    Page("page not found, Welsh", None, path="/cy/no-such-page/", status=404, language="cy"),
    # The account pages in Welsh: allauth's own strings come from locale/allauth/cy.
    Page("log in, Welsh", "account_login", language="cy"),
    Page(
        "log in, error, Welsh",
        "account_login",
        invalid={"login": "nobody@example.org", "password": "wrong"},
        language="cy",
    ),
    Page("sign up, Welsh", "account_signup", language="cy"),
    Page(
        "sign up, error, Welsh",
        "account_signup",
        invalid={"email": "not an email", "password1": "x"},
        language="cy",
    ),
    Page("password reset, Welsh", "account_reset_password", language="cy"),
    Page("password reset, error, Welsh", "account_reset_password", invalid=BAD_EMAIL, language="cy"),
    Page("password reset sent, Welsh", "account_reset_password_done", language="cy"),
    Page("password reset done, Welsh", "account_reset_password_from_key_done", language="cy"),
    Page("verification sent, Welsh", "account_email_verification_sent", language="cy"),
    Page("email addresses, Welsh", "account_email", login=True, language="cy"),
    Page("password change, Welsh", "account_change_password", login=True, language="cy"),
    Page("your name, Welsh", "account_name", login=True, language="cy"),
    Page(
        "your name, error, Welsh",
        "account_name",
        login=True,
        invalid={"display_name": "https://example.org"},
        status=400,
        language="cy",
    ),
    Page("log out, Welsh", "account_logout", login=True, language="cy"),
]

# GET routes that are deliberately not checked, each with the reason.
NOT_PAGES = {
    # Not HTML: JSON, SVG and JavaScript for other sites and programs.
    "api_openapi": "JSON",
    "api_statement_list": "JSON",
    "api_statement_detail": "JSON",
    "embed_badge": "SVG image",
    "embed_script": "JavaScript",
    "oembed": "JSON",
    "mfa_download_recovery_codes": "a text file",
    "signature_data": "JSON (a signer's data)",
    "my_signature_data": "JSON (a signer's data)",
    "my_signature_erase": 'the template of "erase your data", reached from an account',
    # Open data for programs: CSV and JSON (checked in tests/consult/test_open_data.py).
    "open_data_history_csv": "CSV",
    "open_data_history_json": "JSON",
    "open_data_counts": "JSON",
    "open_data_arguments": "JSON",
    "open_data_arguments_csv": "CSV",
    # POST-only actions (a GET answers 405).
    "argument_endorse": "POST only",
    "consultation_position": "POST only",
    "signature_withdraw": "POST only",
    "signature_updates": "POST only",
    "signature_listing": "POST only",
    "my_signature_withdraw": "POST only",
    "my_signature_updates": "POST only",
    "organisation_add_member": "a POST; a GET (the language switcher on its error page) redirects",
    "organisation_leave": "POST only",
    # Only for developers: these exist only while DEBUG (or BENCHMARK_BASELINES) is on.
    "dev_mailbox": "the development mailbox",
    "bench_baseline_read": "the benchmark's ceiling",
    "bench_baseline_write": "the benchmark's ceiling",
    # allauth pages that need a state the checks do not set up (a mailed key, a half-finished
    # login or an enabled authenticator); they share the layout and form markup of the pages above.
    "account_request_reauthentication_code": "login by code (off)",
    "account_confirm_reauthentication_code": "login by code (off)",
    "account_confirm_login_code": "login by code (off)",
    "account_set_password": "an account without a password",
    "account_reset_password_from_key": "a mailed key; it redirects to a form that keeps it in the session",
    "mfa_authenticate": "a half-finished login",
    "mfa_reauthenticate": "an enabled authenticator",
    "mfa_activate_totp": "a recent login (redirects to reauthenticate)",
    "mfa_deactivate_totp": "an enabled authenticator",
    "mfa_view_recovery_codes": "an enabled authenticator",
    "mfa_generate_recovery_codes": "an enabled authenticator",
}


def route_names() -> dict[str, str]:
    """Every named route outside the admin, as {name: path pattern}."""

    def walk(patterns, prefix: str = ""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern), pattern

    routes = {}
    for path, pattern in walk(get_resolver().url_patterns):
        if path.startswith("admin/"):
            continue  # Django's admin: staff only, Django's own markup.
        routes[pattern.name or path] = path
    return routes
