"""The moderators' lists at 1,000 and at 1,000,000 signatures, timed in-process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python -m bench.admin_lists

It recreates its own PostgreSQL database (`--database`, never the one in DATABASE_URL), loads
`--small` signatures on one statement with their outbound emails and some moderation decisions,
times every admin list a moderator sees (and the most used filters and a search) with Django's
test client, then adds signatures to the same statement up to `--big` and times them again.
Each figure is the median of 5 requests after a warm-up. It prints a Markdown table; the
benchmark's runner can call `run()` for the figures. `--measure-only` times the lists of a
database an earlier run loaded, without loading.
"""

import argparse
import os
import secrets
import statistics
import sys
import time

from bench.services import recreate_postgres_database, with_database

REQUESTS = 5
# One moderation decision for every this many signatures: the log grows with them.
SIGNATURES_PER_DECISION = 10


def configure(database_url: str) -> None:
    """Production settings (DEBUG off) against the benchmark's database, before Django starts."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ.setdefault("EMAIL_URL", "consolemail://")
    os.environ.setdefault("LOG_LEVEL", "WARNING")


def staff(email: str, superuser: bool = False):
    """A staff account with two-factor authentication set up; a moderator unless `superuser`."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from consult.roles import MODERATORS

    user, _created = get_user_model().objects.get_or_create(
        email=email, defaults={"is_staff": True, "is_superuser": superuser}
    )
    if not superuser:
        user.groups.add(Group.objects.get(name=MODERATORS))
    Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
    return user


def moderator():
    return staff("bench-moderator@example.org")


def superuser():
    return staff("bench-superuser@example.org", superuser=True)


def add_records(first_signature_id: int) -> None:
    """An outbound email for every signature from this id on, and a decision for some of them."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from consult.models import ModerationDecision, OutboundEmail, Signature

    signature_type = ContentType.objects.get_for_model(Signature)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {OutboundEmail._meta.db_table} (kind, state, signature_id, created_at, sent_at, "
            'next_attempt_at, attempts, last_error, "to", language, template, subject, text, html, '
            "object_id) SELECT 'confirm', 'sent', id, created_at, created_at, created_at, 1, '', '', "
            f"language, '', '', '', '', '' FROM {Signature._meta.db_table} WHERE id >= %s",
            [first_signature_id],
        )
        cursor.execute(
            f"INSERT INTO {ModerationDecision._meta.db_table} (moderator_id, action, reason, "
            "content_type_id, object_id, object_repr, affected, created_at) "
            "SELECT %s, 'invalidate signature', 'Made by the benchmark', %s, id::text, name, 1, created_at "
            f"FROM {Signature._meta.db_table} WHERE id >= %s AND id %% %s = 0",
            [moderator().pk, signature_type.pk, first_signature_id, SIGNATURES_PER_DECISION],
        )


def load(statement, count: int, prefix: str) -> None:
    from bench import load as loader
    from consult.models import Signature, SignatureCounter

    first_id = (Signature.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    loader.add_signatures(statement, count, Signature.State.CONFIRMED, prefix)
    add_records(first_id)
    SignatureCounter.reconcile(statement.pk)
    loader.analyse()


def lists(statement) -> list[tuple[str, str, bool]]:
    """(label, URL, as a superuser) of every changelist, then the most used filters and a search.

    Lists a moderator may see are timed as a moderator; the others (accounts, the outbox) as a
    superuser.
    """
    from django.contrib import admin
    from django.urls import reverse

    user = moderator()
    pages = [("admin index (queue counts)", reverse("admin:index"), False)]
    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        as_superuser = not user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
        label = f"{model._meta.verbose_name_plural}{' (superuser)' if as_superuser else ''}"
        pages.append((label, url, as_superuser))
    signatures = reverse("admin:consult_signature_changelist")
    decisions = reverse("admin:consult_moderationdecision_changelist")
    filtered = [
        ("signatures, page 5", f"{signatures}?p=5"),
        ("signatures by statement", f"{signatures}?statement__id__exact={statement.pk}"),
        ("signatures confirmed", f"{signatures}?state__exact=confirmed"),
        ("signatures held as suspect (queue)", f"{signatures}?hold__exact=suspect&state__exact=confirmed"),
        ("public roles to verify (queue)", f"{signatures}?role_status__exact=pending"),
        ("organisations' signatures", f"{signatures}?kind__exact=organisation"),
        ("signatures, search by name", f"{signatures}?q=Nobody+Such"),
        ("moderation log, search", f"{decisions}?q=no-such-reason"),
    ]
    email = "big-500000@example.org"
    return [
        *pages,
        *((label, url, False) for label, url in filtered),
        ("signatures, search by email (superuser)", f"{signatures}?q={email}", True),
    ]


def median_milliseconds(client, url: str) -> float:
    response = client.get(url)  # Warm-up.
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    timings = []
    for _request in range(REQUESTS):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def measure(statement) -> dict[str, float]:
    from django.test import Client

    clients = {False: Client(), True: Client()}
    clients[False].force_login(moderator())
    clients[True].force_login(superuser())
    return {
        label: median_milliseconds(clients[as_superuser], url)
        for label, url, as_superuser in lists(statement)
    }


def table(small: dict[str, float], big: dict[str, float], sizes: tuple[int, int]) -> str:
    rows = [f"| list | {sizes[0]:,} ms | {sizes[1]:,} ms | ratio |", "| --- | ---: | ---: | ---: |"]
    for label, small_ms in small.items():
        big_ms = big[label]
        rows.append(f"| {label} | {small_ms:.1f} | {big_ms:.1f} | {big_ms / small_ms:.2f} |")
    return "\n".join(rows)


def run(url: str, small: int, big: int) -> dict:
    """Load and time at both sizes: {"small": figures, "big": figures, "load_seconds": ...}."""
    recreate_postgres_database(url)
    configure(url)
    from django.core.management import call_command

    from bench import load as loader  # Starts Django with the settings above.

    call_command("migrate", verbosity=0)
    statement = loader.make_statement(loader.make_consultation("bench-admin"), "bench-admin")
    load(statement, small, "small")
    figures = {"small": measure(statement)}
    started = time.monotonic()
    load(statement, big - small, "big")
    figures["load_seconds"] = round(time.monotonic() - started)
    figures["big"] = measure(statement)
    return figures


def measure_again(url: str) -> dict[str, float]:
    """Time the lists of a database an earlier run loaded (after adding an index by hand, say)."""
    configure(url)
    import django

    django.setup()
    from consult.models import Statement

    return measure(Statement.objects.get(slug="bench-admin"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="consult_bench_admin")
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--measure-only", action="store_true")
    arguments = parser.parse_args()
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base_url.startswith("postgres"):
        print("DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    url = with_database(base_url, arguments.database)
    if arguments.measure_only:
        figures = measure_again(url)
        print("| list | ms |\n| --- | ---: |")
        print("\n".join(f"| {label} | {milliseconds:.1f} |" for label, milliseconds in figures.items()))
        return 0
    figures = run(url, arguments.small, arguments.big)
    print(f"Loaded {arguments.big - arguments.small:,} more signatures in {figures['load_seconds']} s.")
    print(table(figures["small"], figures["big"], (arguments.small, arguments.big)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
