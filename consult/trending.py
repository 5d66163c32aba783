"""What is trending on a statement: where its signatures of the last hour come from.

The moderators' first look at a flood, to tell a campaign from a script: the IP address hashes
and email domains with the most signatures in the window, and how many were sent very fast.
A fast form is a signal for a moderator to look, never a verdict (see consult/abuse.py).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from consult.models import Signature, Statement
from consult.models.cleanups import ELIGIBLE_STATES
from consult.models.signatures import SignatureQuerySet

WINDOW = timedelta(hours=1)
# Seconds on the form below which a signature counts as sent very fast.
FAST_SECONDS = 5
# Sources shown per breakdown, and statements in the overview.
TOP = 10
BUSIEST = 20


@dataclass(frozen=True)
class Source:
    """One IP address hash or email domain and its signatures in the window."""

    value: str
    signatures: int
    fast: int


@dataclass(frozen=True)
class Trending:
    statement: Statement
    since: datetime
    signatures: int
    fast: int
    by_ip_hash: list[Source]
    by_domain: list[Source]


def window_start(now: datetime | None = None) -> datetime:
    # Whole seconds, so the links built from it read the same window back.
    return ((now or timezone.now()) - WINDOW).replace(microsecond=0)


def recent(since: datetime) -> SignatureQuerySet:
    """Signatures made since `since` that a clean-up could still act on."""
    return Signature.objects.filter(state__in=ELIGIBLE_STATES, created_at__gte=since)


def fast() -> Q:
    return Q(dwell_seconds__lt=FAST_SECONDS)


def top_sources(signatures: SignatureQuerySet, field: str) -> list[Source]:
    rows = (
        signatures.exclude(**{field: ""})
        .values(field)
        .annotate(signatures=Count("pk"), fast=Count("pk", filter=fast()))
        .order_by("-signatures", field)[:TOP]
    )
    return [Source(row[field], row["signatures"], row["fast"]) for row in rows]


def trending(statement: Statement, since: datetime) -> Trending:
    signatures = recent(since).filter(statement=statement)
    totals = signatures.aggregate(signatures=Count("pk"), fast=Count("pk", filter=fast()))
    return Trending(
        statement=statement,
        since=since,
        signatures=totals["signatures"],
        fast=totals["fast"],
        by_ip_hash=top_sources(signatures, "ip_hash"),
        by_domain=top_sources(signatures, "email_domain"),
    )


def busiest_statements(since: datetime) -> list[tuple[Statement, int]]:
    """The statements with the most signatures since `since`, busiest first."""
    rows = list(
        recent(since)
        .order_by()
        .values("statement")
        .annotate(signatures=Count("pk"))
        .order_by("-signatures", "statement")[:BUSIEST]
    )
    statements = Statement.objects.in_bulk([row["statement"] for row in rows])
    return [(statements[row["statement"]], row["signatures"]) for row in rows]
