"""The admin's permission matrix: every URL it serves and every action it offers, for each persona.

Routes and actions are found by walking the admin site itself, so a new one fails
`test_the_table_covers_every_admin_route` (or `..._every_admin_action`) until its expected
outcomes join the tables below. Routes are keyed by URL name; a model's own routes as
"app.model:name" ("redirect" is the unnamed old link form, "<id>/" to the change page).
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, reverse
from django.urls.resolvers import RegexPattern

from consult.models import (
    ArgumentReport,
    Feedback,
    FraudCleanup,
    ModerationDecision,
    Organisation,
    OutboundEmail,
    Signature,
    SigningRules,
    Statement,
    StatementResponse,
    Update,
)
from consult.roles import MODERATORS
from tests.consult.moderators import persona
from tests.factories import ArgumentFactory, OrganisationFactory, SignatureFactory, StatementFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["superuser", "moderator", "data_moderator", "staff", "user", "anonymous"]
PARAMETER = re.compile(r"<[^>]+>|\((?:\?P<\w+>)?[^)]*\)")


@dataclass(frozen=True)
class Route:
    key: str
    # The path under /admin/, its parameters as written in the URL pattern.
    route: str
    # The registered model whose object fills the parameters, if any.
    model: type | None = None

    def __str__(self) -> str:
        return self.key


def route_text(pattern: URLPattern | URLResolver) -> str:
    text = str(pattern.pattern)
    return text.removeprefix("^").removesuffix("$") if isinstance(pattern.pattern, RegexPattern) else text


def model_routes(model, patterns) -> Iterator[Route]:
    prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
    for pattern in patterns:
        name = (pattern.name or "redirect").removeprefix(prefix)
        route = f"{model._meta.app_label}/{model._meta.model_name}/{route_text(pattern)}"
        yield Route(f"{model._meta.label_lower}:{name}", route, model)


def admin_routes() -> list[Route]:
    """Every route of the admin site: the app index once per app, the catch-all as "catch_all"."""
    models = {f"{model._meta.app_label}/{model._meta.model_name}/": model for model in admin.site._registry}
    routes = []
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLResolver):
            routes.extend(model_routes(models[route_text(pattern)], pattern.url_patterns))
        elif pattern.name == "app_list":
            labels = sorted({model._meta.app_label for model in admin.site._registry})
            routes.extend(Route(f"app_list:{label}", f"{label}/") for label in labels)
        else:
            routes.append(Route(pattern.name or "catch_all", route_text(pattern)))
    return routes


def admin_actions() -> dict[str, list[str]]:
    """{model: every action its admin offers a superuser}."""
    request = RequestFactory().get("/admin/")
    request.user = persona("superuser")
    return {
        model._meta.label_lower: sorted(model_admin.get_actions(request))
        for model, model_admin in admin.site._registry.items()
    }


@pytest.fixture
def world(statement):
    """One object of every registered model, each in a state its admin's actions would change."""
    author = persona("user")
    argument = ArgumentFactory(consultation=statement.consultation, author=author, status="pending")
    signature = SignatureFactory(
        statement=statement, kind=Signature.Kind.NOTABLE, role_status=Signature.RoleStatus.PENDING
    )
    signature.confirm()
    Signature.objects.filter(pk=signature.pk).update(hold=Signature.Hold.SUSPECT)
    cleaned = SignatureFactory(statement=statement, ip_hash="ab" * 32)
    root = persona("superuser")
    objects = {
        Group: Group.objects.get(name=MODERATORS),
        type(author): author,
        EmailAddress: EmailAddress.objects.create(user=author, email="second@example.org"),
        Authenticator: Authenticator.objects.get(user=root),
        Statement: StatementFactory(
            consultation=statement.consultation,
            status=Statement.Status.PROPOSED,
            proposed_by=OrganisationFactory(),
        ),
        type(argument): argument,
        ArgumentReport: ArgumentReport.objects.create(argument=argument, reporter=author, reason="spam"),
        Organisation: OrganisationFactory(status=Organisation.Status.PENDING),
        Signature: signature,
        OutboundEmail: OutboundEmail.objects.create(signature=signature, kind=OutboundEmail.Kind.CONFIRM),
        FraudCleanup: FraudCleanup.perform(
            root, statement, Signature.objects.filter(pk=cleaned.pk), {"ip_hash": "ab" * 32}, "Bots"
        ),
        Update: Update.objects.create(statement=statement, subject="Progress", body="Nearly there."),
        Feedback: Feedback.objects.create(comments="Bigger counts, please.", email="jo@example.org"),
        StatementResponse: StatementResponse.objects.create(
            statement=statement, date="2026-11-20", summary="A reply", recorded_by=root
        ),
    }
    objects[SigningRules] = SigningRules.objects.get(pk=1)
    objects[ModerationDecision] = ModerationDecision.objects.first()
    objects[type(statement.consultation)] = statement.consultation
    return objects


# Parameters of a model's own routes other than its id: a language, a decision.
ROUTE_PARAMETERS = {
    "consult.update:preview": ["en"],
    "consult.update:milestone": ["cancel"],
    "consult.argument:decide": ["publish"],
    "consult.argumentreport:decide": ["dismiss"],
    "consult.organisation:decide": ["verify"],
    "consult.signature:decide": ["release"],
}


def url_for(route: Route, world: dict) -> str:
    """The URL of `route`, its parameters filled from the world's objects."""
    if route.key == "view_on_site":
        statement = world[Statement]
        values = [str(ContentType.objects.get_for_model(Statement).pk), str(statement.pk)]
    elif route.key == "catch_all":
        values = ["no-such-page/"]
    elif route.model is not None:
        obj = world[route.model]
        history = getattr(obj, "history", None)
        values = [str(obj.pk), str(history.first().history_id if history is not None else "")]
        values[1:] = ROUTE_PARAMETERS.get(route.key, values[1:])
    else:
        values = []
    remaining = iter(values)
    return "/admin/" + PARAMETER.sub(lambda match: next(remaining), route.route)


def logged_in(name: str) -> tuple[Client, object]:
    """A client logged in as a new account of this persona, and its user (anonymous: not logged in)."""
    client, user = Client(), persona(name)
    if user is None:
        return client, AnonymousUser()
    client.force_login(user)
    return client, user


def outcome(response) -> str:
    """A response as the table writes it: the status, or "login" for a redirect to log in."""
    if response.status_code == 302:
        location = response.url
        if location.startswith((reverse("admin:login"), reverse("account_login"))):
            return "login"
    return str(response.status_code)


# Expected outcome of every admin route for each persona, in the order of PERSONAS: a status, or
# "login" for a redirect to log in; "GET/POST" where a POST is answered differently. Wherever the
# POST outcome is a refusal (REFUSED), the test also posts and checks that nothing changed.
# Moderators have no delete (the record stays), add only updates, and never see the accounts;
# nobody adds or deletes a signature (the counters move only through its methods) or an outbox row.
# An app's index is a 404 to staff with no permission in that app (Django's way of refusing it).
ROUTES = {
    "account.emailaddress:add": ("200", "403", "403", "403", "login", "login"),
    "account.emailaddress:change": ("200", "403", "403", "403", "login", "login"),
    "account.emailaddress:changelist": ("200", "403", "403", "403", "login", "login"),
    "account.emailaddress:delete": ("200", "403", "403", "403", "login", "login"),
    "account.emailaddress:history": ("200", "403", "403", "403", "login", "login"),
    "account.emailaddress:redirect": ("302", "302", "302", "302", "login", "login"),
    "accounts.user:add": ("200", "403", "403", "403", "login", "login"),
    "accounts.user:auth_user_password_change": ("200", "403", "403", "403", "login", "login"),
    "accounts.user:change": ("200", "403", "403", "403", "login", "login"),
    "accounts.user:changelist": ("200", "403", "403", "403", "login", "login"),
    "accounts.user:delete": ("200", "403", "403", "403", "login", "login"),
    "accounts.user:history": ("200", "403", "403", "403", "login", "login"),
    "accounts.user:redirect": ("302", "302", "302", "302", "login", "login"),
    "app_list:account": ("200", "404", "404", "404", "login", "login"),
    "app_list:accounts": ("200", "404", "404", "404", "login", "login"),
    "app_list:auth": ("200", "404", "404", "404", "login", "login"),
    "app_list:consult": ("200", "200", "200", "404", "login", "login"),
    "app_list:mfa": ("200", "404", "404", "404", "login", "login"),
    "auth.group:add": ("200", "403", "403", "403", "login", "login"),
    "auth.group:change": ("200", "403", "403", "403", "login", "login"),
    "auth.group:changelist": ("200", "403", "403", "403", "login", "login"),
    "auth.group:delete": ("200", "403", "403", "403", "login", "login"),
    "auth.group:history": ("200", "403", "403", "403", "login", "login"),
    "auth.group:redirect": ("302", "302", "302", "302", "login", "login"),
    "autocomplete": ("403/405", "403/405", "403/405", "403/405", "login", "login"),
    "catch_all": ("404", "404", "404", "404", "login", "login"),
    "consult.argument:add": ("200", "403", "403", "403", "login", "login"),
    "consult.argument:change": ("200", "200", "200", "403", "login", "login"),
    "consult.argument:changelist": ("200", "200", "200", "403", "login", "login"),
    # A decision as a button on the change page: asks for the reason, then decides.
    "consult.argument:decide": ("200", "200", "200", "403", "login", "login"),
    "consult.argument:delete": ("200", "403", "403", "403", "login", "login"),
    "consult.argument:history": ("200", "200", "200", "403", "login", "login"),
    "consult.argument:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.argument:simple_history": ("200/403", "200/403", "200/403", "403", "login", "login"),
    # A report is a reader's: nobody files one in the admin.
    "consult.argumentreport:add": ("403", "403", "403", "403", "login", "login"),
    "consult.argumentreport:change": ("200", "200", "200", "403", "login", "login"),
    "consult.argumentreport:changelist": ("200", "200", "200", "403", "login", "login"),
    # A decision as a button on the change page: asks for the reason, then decides.
    "consult.argumentreport:decide": ("200", "200", "200", "403", "login", "login"),
    "consult.argumentreport:delete": ("200", "403", "403", "403", "login", "login"),
    "consult.argumentreport:history": ("200", "200", "200", "403", "login", "login"),
    "consult.argumentreport:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.consultation:add": ("200", "403", "403", "403", "login", "login"),
    "consult.consultation:change": ("200", "200", "200", "403", "login", "login"),
    "consult.consultation:changelist": ("200", "200", "200", "403", "login", "login"),
    "consult.consultation:delete": ("200", "403", "403", "403", "login", "login"),
    "consult.consultation:history": ("200", "200", "200", "403", "login", "login"),
    "consult.consultation:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.consultation:simple_history": ("200/403", "200/403", "200/403", "403", "login", "login"),
    "consult.feedback:add": ("403", "403", "403", "403", "login", "login"),
    "consult.feedback:change": ("200/403", "200/403", "200/403", "403", "login", "login"),
    "consult.feedback:changelist": ("200", "200", "200", "403", "login", "login"),
    "consult.feedback:delete": ("200", "403", "403", "403", "login", "login"),
    "consult.feedback:history": ("200", "200", "200", "403", "login", "login"),
    "consult.feedback:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.fraudcleanup:add": ("403", "403", "403", "403", "login", "login"),
    "consult.fraudcleanup:change": ("200/403", "200/403", "200/403", "403", "login", "login"),
    "consult.fraudcleanup:changelist": ("200", "200", "200", "403", "login", "login"),
    "consult.fraudcleanup:delete": ("403", "403", "403", "403", "login", "login"),
    "consult.fraudcleanup:history": ("200", "200", "200", "403", "login", "login"),
    "consult.fraudcleanup:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.fraudcleanup:undo": ("200", "200", "200", "403", "login", "login"),
    "consult.moderationdecision:add": ("403", "403", "403", "403", "login", "login"),
    "consult.moderationdecision:change": ("200/403", "200/403", "200/403", "403", "login", "login"),
    "consult.moderationdecision:changelist": ("200", "200", "200", "403", "login", "login"),
    "consult.moderationdecision:delete": ("403", "403", "403", "403", "login", "login"),
    "consult.moderationdecision:history": ("200", "200", "200", "403", "login", "login"),
    "consult.moderationdecision:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.organisation:add": ("200", "403", "403", "403", "login", "login"),
    "consult.organisation:change": ("200", "200", "200", "403", "login", "login"),
    "consult.organisation:changelist": ("200", "200", "200", "403", "login", "login"),
    # A decision as a button on the change page: asks for the reason, then decides.
    "consult.organisation:decide": ("200", "200", "200", "403", "login", "login"),
    "consult.organisation:delete": ("200", "403", "403", "403", "login", "login"),
    "consult.organisation:history": ("200", "200", "200", "403", "login", "login"),
    "consult.organisation:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.organisation:simple_history": ("200/403", "200/403", "200/403", "403", "login", "login"),
    "consult.outboundemail:add": ("403", "403", "403", "403", "login", "login"),
    "consult.outboundemail:change": ("200/403", "403", "403", "403", "login", "login"),
    "consult.outboundemail:changelist": ("200", "403", "403", "403", "login", "login"),
    "consult.outboundemail:delete": ("403", "403", "403", "403", "login", "login"),
    "consult.outboundemail:history": ("200", "403", "403", "403", "login", "login"),
    "consult.outboundemail:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.signature:add": ("403", "403", "403", "403", "login", "login"),
    "consult.signature:change": ("200", "200", "200", "403", "login", "login"),
    "consult.signature:changelist": ("200", "200", "200", "403", "login", "login"),
    "consult.signature:cleanup": ("200", "200", "200", "403", "login", "login"),
    # A decision as a button on the change page: asks for the reason, then decides.
    "consult.signature:decide": ("200", "200", "200", "403", "login", "login"),
    "consult.signature:delete": ("403", "403", "403", "403", "login", "login"),
    "consult.signature:history": ("200", "200", "200", "403", "login", "login"),
    "consult.signature:redirect": ("302", "302", "302", "302", "login", "login"),
    # Where the last hour's signatures come from, per statement (?statement=<id>).
    "consult.signature:trending": ("200", "200", "200", "403", "login", "login"),
    # One set of rules, made by the migration: moderators change it (each change recorded),
    # nobody adds or deletes it.
    "consult.signingrules:add": ("403", "403", "403", "403", "login", "login"),
    "consult.signingrules:change": ("200", "200", "200", "403", "login", "login"),
    "consult.signingrules:changelist": ("200", "200", "200", "403", "login", "login"),
    "consult.signingrules:delete": ("403", "403", "403", "403", "login", "login"),
    "consult.signingrules:history": ("200", "200", "200", "403", "login", "login"),
    "consult.signingrules:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.statement:add": ("200", "403", "403", "403", "login", "login"),
    "consult.statement:change": ("200", "200", "200", "403", "login", "login"),
    "consult.statement:changelist": ("200", "200", "200", "403", "login", "login"),
    "consult.statement:delete": ("200", "403", "403", "403", "login", "login"),
    "consult.statement:export_signatures": ("200", "403", "200", "403", "login", "login"),
    "consult.statement:history": ("200", "200", "200", "403", "login", "login"),
    "consult.statement:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.statement:simple_history": ("200/403", "200/403", "200/403", "403", "login", "login"),
    # Moderators record responses (which emails the signers); once recorded, nobody changes or
    # deletes one: its change page only shows it.
    "consult.statementresponse:add": ("200", "200", "200", "403", "login", "login"),
    "consult.statementresponse:change": ("200", "200", "200", "403", "login", "login"),
    "consult.statementresponse:changelist": ("200", "200", "200", "403", "login", "login"),
    "consult.statementresponse:delete": ("403", "403", "403", "403", "login", "login"),
    "consult.statementresponse:history": ("200", "200", "200", "403", "login", "login"),
    "consult.statementresponse:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.update:add": ("200", "200", "200", "403", "login", "login"),
    "consult.update:change": ("200", "200", "200", "403", "login", "login"),
    "consult.update:changelist": ("200", "200", "200", "403", "login", "login"),
    "consult.update:delete": ("200", "200", "200", "403", "login", "login"),
    "consult.update:history": ("200", "200", "200", "403", "login", "login"),
    "consult.update:redirect": ("302", "302", "302", "302", "login", "login"),
    "consult.update:send": ("200/302", "200/302", "200/302", "403", "login", "login"),
    # The email as signers get it, framed by the change page.
    "consult.update:preview": ("200", "200", "200", "403", "login", "login"),
    # "Resume now" answers a POST; a draft (the world's update) is refused with a message.
    "consult.update:resume": ("302", "302", "302", "403", "login", "login"),
    # "Send now" and "cancel" are for milestones only: the world's update is not one.
    "consult.update:milestone": ("404", "404", "404", "403", "login", "login"),
    "index": ("200", "200", "200", "200", "login", "login"),
    "jsi18n": ("200/405", "200/405", "200/405", "200/405", "login", "login"),
    "login": ("302/200", "302/200", "302/200", "302/200", "403", "login"),
    "logout": ("405/200", "405/200", "405/200", "405/200", "302", "302"),
    "mfa.authenticator:add": ("200", "403", "403", "403", "login", "login"),
    "mfa.authenticator:change": ("200", "403", "403", "403", "login", "login"),
    "mfa.authenticator:changelist": ("200", "403", "403", "403", "login", "login"),
    "mfa.authenticator:delete": ("200", "403", "403", "403", "login", "login"),
    "mfa.authenticator:history": ("200", "403", "403", "403", "login", "login"),
    "mfa.authenticator:redirect": ("302", "302", "302", "302", "login", "login"),
    "password_change": ("200", "200", "200", "200", "login", "login"),
    "password_change_done": ("200/405", "200/405", "200/405", "200/405", "login", "login"),
    "view_on_site": ("302", "302", "302", "302", "login", "login"),
}
REFUSED = {"403", "404", "405", "login"}

# Every action of every admin: "runs" where the persona is offered it, "refused" where posting it
# (with every confirmation it could ask for) must change nothing.
MODERATES = ("runs", "runs", "runs", "refused", "refused", "refused")
SUPERUSER_ONLY = ("runs", "refused", "refused", "refused", "refused", "refused")
ACTIONS = {
    "account.emailaddress": {"delete_selected": SUPERUSER_ONLY, "make_verified": SUPERUSER_ONLY},
    "accounts.user": {"delete_selected": SUPERUSER_ONLY},
    "auth.group": {"delete_selected": SUPERUSER_ONLY},
    "consult.argument": {
        "approve_arguments": MODERATES,
        "reject_arguments": MODERATES,
        "take_down_arguments": MODERATES,
        "delete_selected": SUPERUSER_ONLY,
    },
    "consult.argumentreport": {
        "uphold_reports": MODERATES,
        "dismiss_reports": MODERATES,
        "delete_selected": SUPERUSER_ONLY,
    },
    "consult.consultation": {"delete_selected": SUPERUSER_ONLY},
    "consult.feedback": {"delete_selected": SUPERUSER_ONLY},
    "consult.fraudcleanup": {},
    "consult.moderationdecision": {},
    "consult.organisation": {
        "verify_organisations": MODERATES,
        "refuse_organisations": MODERATES,
        "delete_selected": SUPERUSER_ONLY,
    },
    "consult.outboundemail": {},
    "consult.signature": {
        "verify_public_roles": MODERATES,
        "refuse_public_roles": MODERATES,
        "release_signatures": MODERATES,
        "invalidate_signatures": MODERATES,
    },
    "consult.signingrules": {},
    # No bulk delete: a signed statement is never removed, only closed or withdrawn with a reason.
    "consult.statement": {
        "approve_statements": MODERATES,
        "reject_statements": MODERATES,
        "close_statements": MODERATES,
        "withdraw_statements": MODERATES,
    },
    "consult.statementresponse": {},
    # Moderators delete draft updates (sent ones are refused object by object).
    "consult.update": {"delete_selected": MODERATES},
    "mfa.authenticator": {"delete_selected": SUPERUSER_ONLY},
}


def snapshot() -> dict:
    """Every row of every table but the sessions: what a refused request must leave as it was."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in apps.get_models()
        if model is not Session
    }


def everything_a_post_could_ask_for(world: dict) -> dict:
    """Confirmations and reasons for every form of the admin, so an accepted post would act."""
    return {
        "post": "yes",
        "apply": "1",
        "reason": "A reason",
        "statement": str(world[Statement].pk),
        "email_domain": "example.org",
        "subject": "Changed",
        "body": "Changed",
        "name": "Changed",
    }


def test_the_table_covers_every_admin_route():
    assert sorted(route.key for route in admin_routes()) == sorted(ROUTES)


def test_the_table_covers_every_admin_action():
    assert {model: sorted(names) for model, names in ACTIONS.items()} == admin_actions()


@pytest.mark.parametrize("route", admin_routes(), ids=str)
def test_each_persona_gets_what_the_table_says(route, world):
    url = url_for(route, world)
    for name, expected in zip(PERSONAS, ROUTES[route.key], strict=True):
        get, _, post = expected.partition("/")
        client, _user = logged_in(name)
        assert outcome(client.get(url)) == get, f"GET {url} as {name}"
        if (post or get) in REFUSED:
            before = snapshot()
            response = client.post(url, everything_a_post_could_ask_for(world))
            assert outcome(response) == (post or get), f"POST {url} as {name}"
            assert snapshot() == before, f"POST {url} as {name} changed the database"


@pytest.mark.parametrize(
    ("model", "action"),
    [(model, action) for model, names in ACTIONS.items() for action in names],
    ids=lambda value: str(value),
)
def test_each_persona_may_run_only_the_actions_the_table_says(model, action, world):
    registered = apps.get_model(model)
    model_admin = admin.site._registry[registered]
    url = reverse(f"admin:{registered._meta.app_label}_{registered._meta.model_name}_changelist")
    selection = [str(pk) for pk in registered._default_manager.values_list("pk", flat=True)]
    request = RequestFactory().get(url)
    for name, expected in zip(PERSONAS, ACTIONS[model][action], strict=True):
        client, request.user = logged_in(name)
        # An action is offered on a changelist the persona may open (allauth's declare no permission).
        visible = model_admin.has_view_or_change_permission(request)
        offered = visible and action in model_admin.get_actions(request)
        assert offered == (expected == "runs"), f"{action} offered to {name}"
        if expected == "refused":
            before = snapshot()
            client.post(
                url,
                {
                    "action": action,
                    "_selected_action": selection,
                    "select_across": "1",
                    "index": "0",
                    **everything_a_post_could_ask_for(world),
                },
            )
            assert snapshot() == before, f"{action} as {name} changed the database"
