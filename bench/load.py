"""Data for the benchmark, loaded fast, and the count check at the end. Runs inside Django.

    python -m bench.load prepare --big 1000000 --small 1000 --spread 64 --tokens 20000 --out F
    python -m bench.load check --out F

Signatures are written in bulk (COPY on PostgreSQL, bulk_create elsewhere), bypassing their
methods on purpose: then SignatureCounter.reconcile() recounts every statement from its rows,
so the counters the site shows are exact before the first request.
"""

import argparse
import io
import json
import os
import secrets
import time
from datetime import datetime

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection, transaction  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from consult.models import Consultation, Signature, SignatureCounter, Statement  # noqa: E402

BATCH = 50_000


def make_consultation(slug: str) -> Consultation:
    return Consultation.objects.create(
        slug=slug,
        title=f"Benchmark consultation {slug}",
        question="Should the police use live facial recognition?",
        summary="A consultation made by the benchmark.",
        background="Made by the benchmark.\n\nIt holds statements with many signatures.",
        status=Consultation.Status.OPEN,
    )


def make_statement(consultation: Consultation, slug: str) -> Statement:
    statement = Statement.objects.create(
        consultation=consultation,
        slug=slug,
        title=f"Benchmark statement {slug}",
        text="We call for a moratorium.\n\nMade by the benchmark.",
        status=Statement.Status.OPEN,
    )
    SignatureCounter.ensure_rows(statement.pk)
    return statement


def signature_template(statement: Statement, state: str, wants_updates: bool = False) -> Signature:
    now = timezone.now()
    confirmed = now if state == Signature.State.CONFIRMED else None
    return Signature(
        statement=statement,
        state=state,
        name="Bench Signer",
        confirmed_at=confirmed,
        created_at=now,
        wants_updates=wants_updates,
    )


def copy_value(value) -> str:
    """One field in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def shows_name(address: str) -> bool:
    """About one signer in three chooses to be listed, so the public list has names to show."""
    return sum(address.encode()) % 3 == 0


def copy_signatures(template: Signature, emails: list[str]) -> None:
    # Every concrete column, so fields other features add (with defaults) are filled too.
    fields = [field for field in Signature._meta.concrete_fields if not field.primary_key]
    base = {field.column: copy_value(field.pre_save(template, add=True)) for field in fields}
    columns = [field.column for field in fields]
    lines = io.StringIO()
    for address in emails:
        values = base | {
            "email": copy_value(address),
            "email_normalised": copy_value(address),
            "show_name": copy_value(shows_name(address)),
        }
        lines.write("\t".join(values[column] for column in columns) + "\n")
    lines.seek(0)
    table = connection.ops.quote_name(Signature._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({quoted}) FROM STDIN", lines)


def add_signatures(
    statement: Statement, count: int, state: str, prefix: str, wants_updates: bool = False
) -> None:
    """Insert `count` signatures in batches of one transaction each."""
    template = signature_template(statement, state, wants_updates)
    for start in range(0, count, BATCH):
        emails = [f"{prefix}-{index}@example.org" for index in range(start, min(count, start + BATCH))]
        with transaction.atomic():
            if connection.vendor == "postgresql":
                copy_signatures(template, emails)
            else:
                Signature.objects.bulk_create(
                    [clone(template, address) for address in emails], batch_size=2_000
                )


def clone(template: Signature, address: str) -> Signature:
    fields = {field.attname: getattr(template, field.attname) for field in Signature._meta.concrete_fields}
    fields.pop("id")
    return Signature(
        **fields | {"email": address, "email_normalised": address, "show_name": shows_name(address)}
    )


def confirmation_paths(statement: Statement, count: int) -> tuple[list[str], str | None]:
    """Pending signatures with confirmation tokens, made through the project's token code."""
    try:
        from consult.models import SignatureToken
        from consult.models.signing import token_digest

        reverse("signature_confirm", args=["x" * 43])
    except (ImportError, NoReverseMatch) as error:
        return [], f"feature missing: confirmation links ({error})"
    prefix = f"pending-{statement.slug}"
    add_signatures(statement, count, Signature.State.PENDING, prefix)
    pending = Signature.objects.filter(statement=statement, state=Signature.State.PENDING)
    expires_at = timezone.now() + SignatureToken.CONFIRM_LIFETIME
    paths, tokens = [], []
    for signature_id in pending.values_list("pk", flat=True).iterator():
        raw = secrets.token_urlsafe(32)
        tokens.append(
            SignatureToken(
                signature_id=signature_id,
                purpose=SignatureToken.Purpose.CONFIRM,
                digest=token_digest(raw),
                expires_at=expires_at,
            )
        )
        paths.append(reverse("signature_confirm", args=[raw]))
    SignatureToken.objects.bulk_create(tokens, batch_size=5_000)
    return paths, None


def prepare(arguments: argparse.Namespace) -> dict:
    big_consultation = make_consultation("bench-big")
    small_consultation = make_consultation("bench-small")
    spread_consultation = make_consultation("bench-spread")
    big = make_statement(big_consultation, "bench-big")
    small = make_statement(small_consultation, "bench-small")
    spread = [
        make_statement(spread_consultation, f"bench-spread-{index:02}") for index in range(arguments.spread)
    ]
    add_signatures(big, arguments.big, Signature.State.CONFIRMED, "big")
    add_signatures(small, arguments.small, Signature.State.CONFIRMED, "small")
    paths, reason = confirmation_paths(big, arguments.tokens)
    for statement in [big, small, *spread]:
        SignatureCounter.reconcile(statement.pk)
    analyse()
    fixtures = {
        "update_unavailable": update_unavailable(),
        "big": {"slug": big.slug, "consultation": big_consultation.slug, "signatures": arguments.big},
        "small": {"slug": small.slug, "consultation": small_consultation.slug, "signatures": arguments.small},
        "spread": [statement.slug for statement in spread],
        "confirm_paths": paths,
        "confirm_unavailable": reason,
    }
    return fixtures


def analyse() -> None:
    """Planner statistics now, as a live database would have them, not when autovacuum gets to it."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def update_unavailable() -> str | None:
    try:
        from consult.updates import begin_sending  # noqa: F401
    except ImportError as error:
        return f"feature missing: no update sending: {error}"
    return None


def fanout_prepare(signers: int) -> dict:
    """A statement with `signers` confirmed signers who all asked for updates, and a draft update."""
    from consult.models import Update

    consultation = make_consultation(f"bench-fanout-{signers}")
    statement = make_statement(consultation, f"bench-fanout-{signers}")
    add_signatures(statement, signers, Signature.State.CONFIRMED, f"fanout-{signers}", wants_updates=True)
    SignatureCounter.reconcile(statement.pk)
    analyse()
    update = Update.objects.create(
        statement=statement, subject="News from the benchmark", body="The **benchmark** sends this update."
    )
    return {"update": update.pk, "signers": signers}


def fanout_send(update_id: int) -> dict:
    """Send the update through the feature's own entry point (the worker does the fan-out)."""
    from consult.models import Update
    from consult.updates import begin_sending

    return {"started": begin_sending(Update.objects.get(pk=update_id))}


def fanout_baseline(update_id: int, count: int) -> dict:
    """The ceiling for the fan-out: the update's email, written once as a signer gets it, sent
    `count` times by Django's SMTP backend over one connection in a plain loop (messages/s)."""
    from django.core.mail import get_connection

    from consult import emails
    from consult.models import SignatureToken, Update

    update = Update.objects.select_related("statement").get(pk=update_id)
    signature = update.statement.signatures.first()
    token = SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)
    message = emails.update_for_signer(update, signature, token)
    with get_connection() as connection:
        started = time.perf_counter()
        for _ in range(count):
            connection.send_messages([message])
        seconds = time.perf_counter() - started
    return {"value": round(count / seconds, 1), "unit": "messages/s", "sent": count}


def check(slugs: list[str]) -> dict:
    """Shown counts against the rows that count, per statement: the promise that counts are exact."""
    result = {}
    for statement in Statement.objects.filter(slug__in=slugs):
        shown = statement.counts().total
        rows = Signature.objects.counted().filter(statement=statement)
        notable_unverified = rows.filter(kind=Signature.Kind.NOTABLE).exclude(
            role_status=Signature.RoleStatus.VERIFIED
        )
        # An unverified notable signature counts as an individual: it is in the rows either way.
        result[statement.slug] = {
            "shown": shown,
            "rows": rows.count(),
            "notable_unverified": notable_unverified.count(),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "command", choices=["prepare", "check", "fanout-prepare", "fanout-send", "fanout-baseline"]
    )
    parser.add_argument("--out", required=True)
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--spread", type=int, default=64)
    parser.add_argument("--tokens", type=int, default=20_000)
    parser.add_argument("--slugs", default="")
    parser.add_argument("--signers", type=int, default=0)
    parser.add_argument("--update", type=int, default=0)
    parser.add_argument("--count", type=int, default=0)
    arguments = parser.parse_args()
    if arguments.command == "prepare":
        output = prepare(arguments)
    elif arguments.command == "fanout-prepare":
        output = fanout_prepare(arguments.signers)
    elif arguments.command == "fanout-send":
        output = fanout_send(arguments.update)
    elif arguments.command == "fanout-baseline":
        output = fanout_baseline(arguments.update, arguments.count)
    else:
        output = check([slug for slug in arguments.slugs.split(",") if slug])
    with open(arguments.out, "w") as handle:
        json.dump(output, handle)


if __name__ == "__main__":
    main()
