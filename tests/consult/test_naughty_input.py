"""The Big List of Naughty Strings (and worse) through every public form and parameter (issue 9).

One request per string per form, every text field of the form holding the same string. Each
answer must be below 500; a value the form accepts must be stored with all its visible text (forms
may drop invisible characters and tidy whitespace, nothing more); a value it refuses must get a
form error; and no markup from the input may appear unescaped in any page. Each test collects
every failure before asserting, so one run names all the strings that break something.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache
from django.test import Client

from consult.emails import unsubscribe_token
from consult.forms.signing import timing_token
from consult.models import Argument, ArgumentReport, Organisation, Signature, Statement
from tests.factories import (
    ArgumentFactory,
    ConsultationFactory,
    OrganisationFactory,
    SignatureFactory,
    StatementFactory,
    UserFactory,
)
from tests.naughty import (
    INVALID_UTF8_ESCAPES,
    as_received,
    form_body,
    naughty_strings,
    quoted,
    unescaped_markup,
    visible,
)

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
HEADER_INJECTIONS = [
    "a@b.org\r\nBcc: x@y.org",
    "a@b.org\nBcc: x@y.org",
    "a@b.org\rBcc: x@y.org",
    "a@b.org%0d%0aBcc: x@y.org",
    "a@b.org\r\n\r\nInjected body",
    "\r\nBcc: x@y.org",
    '"a\r\nBcc: x@y.org" <a@b.org>',
    "a@b.org\u2028Bcc: x@y.org",
]


class Probe:
    """A client that sends hostile values and keeps every failure, reported together at the end."""

    def __init__(self, client: Client) -> None:
        self.client = client
        self.failures: list[str] = []

    def fail(self, value: str, problem: str) -> None:
        self.failures.append(f"{value[:60]!r}: {problem}")

    def check(self, value: str, response, what: str):
        # oEmbed's specification answers a format it does not offer with 501 Not Implemented.
        if response.status_code >= 500 and not (response.status_code == 501 and "/oembed?" in what):
            error = response.exc_info[1] if getattr(response, "exc_info", None) else ""
            self.fail(value, f"{what} answered {response.status_code} {error!r}")
        content_type = response.get("Content-Type", "")
        if content_type.startswith("text/html"):
            live = unescaped_markup(response.content.decode(errors="replace"), as_received(value))
            if live:
                self.fail(value, f"{what} shows markup unescaped: {live[:3]}")
        return response

    def post(self, url: str, value: str, fields: dict[str, str]):
        response = self.client.post(url, form_body(fields), content_type=FORM)
        return self.check(value, response, f"POST {url[:80]}")

    def get(self, url: str, value: str):
        return self.check(value, self.client.get(url), f"GET {url[:80]}")

    def stored_intact(self, value: str, stored: str, field: str) -> None:
        if "\x00" in stored or visible(stored) != visible(as_received(value)):
            self.fail(value, f"{field} stored as {stored[:60]!r}")

    def refused(self, value: str, response, what: str) -> None:
        if response.status_code not in (200, 400) or b"error-message" not in response.content:
            self.fail(value, f"{what} neither stored nor refused with a form error ({response.status_code})")

    def assert_clean(self) -> None:
        assert not self.failures, f"{len(self.failures)} failures:\n" + "\n".join(self.failures[:40])


@pytest.fixture
def site(settings):
    settings.SIGN_RATE_LIMIT = settings.FORM_RATE_LIMIT = "1000000/h"
    settings.ACCOUNT_RATE_LIMITS = False
    consultation = ConsultationFactory()
    member = UserFactory(verified=True)
    organisation = OrganisationFactory()
    organisation.memberships.create(user=member, role="Director")
    return {
        "consultation": consultation,
        "statement": StatementFactory(consultation=consultation),
        "argument": ArgumentFactory(consultation=consultation),
        "member": member,
        "organisation": organisation,
    }


@pytest.fixture
def anonymous():
    return Probe(Client(raise_request_exception=False))


def logged_in(user) -> Probe:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    probe = Probe(client)
    probe.user = user
    return probe


@pytest.fixture
def member(site):
    return logged_in(site["member"])


@pytest.fixture
def registrant(db):
    """Registers organisations and proposes statements, so the member's own page (shown again at
    each refused new member) does not list hundreds of them."""
    return logged_in(UserFactory(verified=True))


def has_markup(value: str) -> bool:
    return bool(re.search(r"<[a-zA-Z]", value))


def url_for_source(index: int, value: str) -> str:
    """Address fields get the string every other time; otherwise a valid address lets the rest be stored."""
    return value if index % 2 else "https://www.example.org/report"


def test_the_list_is_the_published_one_plus_extras():
    strings = naughty_strings()
    assert len(strings) > 450
    assert "<script>alert(123)</script>" in strings
    assert any(len(value) >= 100_000 for value in strings)
    assert any("\ud800" in value for value in strings)


def test_sign_form(site, anonymous, django_capture_on_commit_callbacks):
    statement = site["statement"]
    url = f"/statements/{statement.slug}/sign/"
    for index, value in enumerate(naughty_strings()):
        email = f"naughty{index}@example.org"
        fields = {"name": value, "email": email, "public_role": value, "show_name": "on"}
        with django_capture_on_commit_callbacks(execute=True):  # The signature is made after the commit.
            response = anonymous.post(url, value, fields | {"started": timing_token(), "website": ""})
        signature = Signature.objects.filter(email=email).first()
        if signature is None:
            anonymous.refused(value, response, "sign")
            continue
        anonymous.stored_intact(value, signature.name, "name")
        anonymous.stored_intact(value, signature.public_role, "public role")
        if has_markup(value):
            signature.confirm()
            signature.release()
            signature.set_role_status(Signature.RoleStatus.VERIFIED)
    # The stored markup, shown in the list of notable signatories.
    listed = Signature.objects.counted().filter(statement=statement)
    assert listed.count() > 10
    page = anonymous.get(f"/statements/{statement.slug}/", "")
    html = page.content.decode()
    for signature in listed:
        if unescaped_markup(html, signature.name):
            anonymous.fail(signature.name, "name shown unescaped on the statement page")
    anonymous.assert_clean()


def test_resend_form(site, anonymous):
    for value in naughty_strings():
        response = anonymous.post("/signatures/resend/", value, {"email": value})
        if response.status_code != 200:
            anonymous.refused(value, response, "resend")
    anonymous.assert_clean()


def test_argument_submit_form(site, member):
    consultation = site["consultation"]
    url = f"/consultations/{consultation.slug}/arguments/new/"
    mine = Argument.objects.filter(author=site["member"])
    for index, value in enumerate(naughty_strings()):
        before = mine.order_by("-pk").values_list("pk", flat=True).first() or 0
        fields = {"side": "for", "claim": value, "explanation": value, "source_title_1": value}
        response = member.post(url, value, fields | {"source_url_1": url_for_source(index, value)})
        argument = mine.filter(pk__gt=before).first()
        if argument is None:
            member.refused(value, response, "argument")
            continue
        member.stored_intact(value, argument.claim, "claim")
        member.stored_intact(value, argument.explanation, "explanation")
        member.stored_intact(value, argument.sources.get().title, "source title")
        if has_markup(value):  # A moderator publishes it: the page shows it escaped.
            argument.publish()
            member.get(argument.get_absolute_url(), value)
    assert mine.count() > 10
    member.assert_clean()


def test_endorse_and_report_forms(site, member):
    argument = site["argument"]
    base = f"/consultations/{site['consultation'].slug}/arguments/{argument.pk}"
    reports = ArgumentReport.objects.filter(reporter=site["member"])
    for value in naughty_strings():
        response = member.post(f"{base}/endorse/", value, {"endorse": value, "next": value})
        if response.status_code == 302 and not re.match(r"^/(?![/\\])", response["Location"]):
            member.fail(value, f"endorse redirected off the site, to {response['Location'][:60]!r}")
        response = member.post(f"{base}/report/", value, {"reason": "other", "note": value})
        report = reports.first()
        if report is None:
            member.refused(value, response, "report")
            continue
        member.stored_intact(value, report.note, "report note")
        report.delete()  # One report per reader and argument: make room for the next string.
    member.assert_clean()


def test_organisation_forms(site, member, registrant):
    organisation = site["organisation"]
    prefix = f"member-{organisation.pk}"
    proposing = OrganisationFactory()
    proposing.memberships.create(user=registrant.user, role="Director")
    registered = Organisation.objects.filter(created_by=registrant.user)
    proposed = Statement.objects.filter(proposed_by=proposing)
    for index, value in enumerate(naughty_strings()):
        before = registered.count()
        fields = {"name": value, "description": value, "role": value, "website": url_for_source(index, value)}
        response = registrant.post("/accounts/organisations/new/", value, fields)
        if registered.count() == before:
            registrant.refused(value, response, "organisation registration")
        else:
            created = registered.order_by("-pk").first()
            registrant.stored_intact(value, created.name, "organisation name")
            registrant.stored_intact(value, created.description, "organisation description")
            registrant.stored_intact(value, created.memberships.get().role, "member role")
            if has_markup(value):
                Organisation.objects.filter(pk=created.pk).update(status=Organisation.Status.VERIFIED)
                registrant.get(created.get_absolute_url(), value)
        before = proposed.count()
        fields = {"title": value, "text": value, "kind": "open_letter", "stance": "", "milestones": "1000"}
        fields["consultation"] = str(site["consultation"].pk)
        response = registrant.post(f"/accounts/organisations/{proposing.slug}/propose/", value, fields)
        if proposed.count() == before:
            registrant.refused(value, response, "statement proposal")
        else:
            statement = proposed.order_by("-pk").first()
            registrant.stored_intact(value, statement.title, "statement title")
            registrant.stored_intact(value, statement.text, "statement text")
        cache.clear()  # Adding members has a fixed rate limit of its own.
        fields = {f"{prefix}-email": value, f"{prefix}-role": value}
        member.post(f"/accounts/organisations/{organisation.slug}/members/", value, fields)
    assert registered.count() > 10 and proposed.count() > 10
    registrant.assert_clean()
    member.assert_clean()


def test_signer_links_unsubscribe_and_personal_data(site, anonymous):
    """Tokens in links are input too: unsubscribe, confirm, manage, download and erase."""
    signature = SignatureFactory(statement=site["statement"], wants_updates=True)
    signature.confirm()
    valid = unsubscribe_token(signature)
    for value in naughty_strings():
        token = quoted(value)
        anonymous.post(f"/unsubscribe/{token}/", value, {"scope": value})
        anonymous.get(f"/signatures/confirm/{token}/", value)
        anonymous.get(f"/signatures/{token}/", value)
        anonymous.get(f"/signatures/{token}/data/", value)
        anonymous.post(f"/signatures/{token}/erase/", value, {})
        anonymous.post(f"/unsubscribe/{valid}/", value, {"scope": value})
    anonymous.assert_clean()


def test_account_forms(site, anonymous):
    for value in naughty_strings():
        fields = {"display_name": value, "email": value, "password1": value, "password2": value}
        anonymous.post("/accounts/signup/", value, fields)
        anonymous.post("/accounts/login/", value, {"login": value, "password": value})
        anonymous.post("/accounts/password/reset/", value, {"email": value})
    anonymous.assert_clean()


def parameter_urls(site: dict, value: str) -> list[str]:
    """Every GET parameter of the API, embeds, oEmbed, open data and pages, holding `value`."""
    statement, consultation, argument = site["statement"], site["consultation"], site["argument"]
    page_url = quoted(f"http://testserver/statements/{statement.slug}/")
    return [
        f"/api/v1/statements/?page={value}",
        f"/api/v1/statements/{value}/",
        f"/embed/statements/{statement.slug}/?theme={value}&size={value}",
        f"/embed/statements/{value}/badge.svg",
        f"/embed.js?statement={value}",
        f"/oembed?url={value}&format={value}",
        f"/oembed?url={page_url}&format=json&maxwidth={value}&maxheight={value}",
        f"/open-data/v1/statements/{value}/history.csv",
        f"/open-data/v1/consultations/{value}/arguments.json",
        f"/consultations/{consultation.slug}/?order={value}",
        f"/consultations/{consultation.slug}/arguments/{argument.pk}/?order={value}",
        f"/accounts/login/?next={value}",
        f"/statements/{statement.slug}/?page={value}&order={value}",
    ]


def test_get_parameters(site, anonymous):
    for value in naughty_strings():
        for url in parameter_urls(site, quoted(value)):
            anonymous.get(url, value)
    anonymous.assert_clean()


def test_argument_form_parameters(site, member):
    """The one parameter read only by a logged-in page: which argument a new one answers."""
    url = f"/consultations/{site['consultation'].slug}/arguments/new/?answers="
    for value in naughty_strings():
        member.get(url + quoted(value), value)
    member.assert_clean()


def test_invalid_utf8_in_urls_and_bodies(site, member):
    """Percent-escapes that decode to no valid UTF-8, in paths, query strings and form bodies."""
    organisation = site["organisation"]
    forms = [
        f"/statements/{site['statement'].slug}/sign/",
        "/signatures/resend/",
        f"/consultations/{site['consultation'].slug}/arguments/new/",
        "/accounts/organisations/new/",
        f"/accounts/organisations/{organisation.slug}/propose/",
        "/accounts/login/",
        "/accounts/password/reset/",
    ]
    for escape in INVALID_UTF8_ESCAPES:
        label = f"escape {escape}"
        for url in parameter_urls(site, escape):
            member.get(url, label)
        for path in ("/unsubscribe/{}/", "/signatures/{}/", "/signatures/confirm/{}/", "/{}/"):
            member.get(path.format(escape), label)
        for url in forms:
            body = "&".join(
                f"{name}=Ada{escape}Lovelace"
                for name in ("name", "email", "claim", "explanation", "title", "text", "login")
            )
            response = member.client.post(url, body, content_type=FORM)
            member.check(label, response, f"POST {url}")
    member.assert_clean()


@pytest.mark.parametrize("address", HEADER_INJECTIONS)
def test_email_header_injection_is_refused(site, anonymous, member, address):
    statement = site["statement"]
    fields = {"name": "Ada Lovelace", "email": address, "started": timing_token(), "website": ""}
    response = anonymous.post(f"/statements/{statement.slug}/sign/", address, fields)
    assert response.status_code == 400 and b"error-message" in response.content
    response = anonymous.post("/signatures/resend/", address, {"email": address})
    assert response.status_code == 400 and b"error-message" in response.content
    anonymous.post("/accounts/password/reset/", address, {"email": address})
    anonymous.post(
        "/accounts/signup/", address, {"email": address, "password1": "x" * 20, "password2": "x" * 20}
    )
    prefix = f"member-{site['organisation'].pk}"
    member.post(
        f"/accounts/organisations/{site['organisation'].slug}/members/",
        address,
        {f"{prefix}-email": address, f"{prefix}-role": "Aide"},
    )
    assert not Signature.objects.filter(statement=statement).exists()
    assert not EmailAddress.objects.filter(email__icontains="x@y.org").exists()
    assert not EmailAddress.objects.filter(email__icontains="a@b.org").exists()
    for message in mail.outbox:
        assert "x@y.org" not in message.recipients() and "x@y.org" not in str(message.message())
    assert not mail.outbox
    anonymous.assert_clean()
    member.assert_clean()
