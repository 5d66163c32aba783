"""Signatures confirmed at a chosen time, for the history, charts and open data tests."""

import datetime
import math

from django.utils import timezone

from consult.models import Signature
from tests.factories import SignatureFactory


def hours_ago(hours: float) -> datetime.datetime:
    """A moment inside the clock hour `floor(hours)` hours back, never straddling an hour boundary.

    3 and 3.2 land in the same recorded hour whatever the minute the test runs at.
    """
    now = timezone.now()
    hour_start = now.replace(minute=0, second=0, microsecond=0)
    whole = math.floor(hours)
    return hour_start - datetime.timedelta(hours=whole) + (now - hour_start) * (hours - whole)


def confirmed_at(statement, when: datetime.datetime, **fields) -> Signature:
    """A signature confirmed through confirm() (which moves the counters), then dated `when`.

    Only the confirmation time is rewritten afterwards; it is not a counter.
    """
    signature = SignatureFactory(statement=statement, **fields)
    signature.confirm()
    Signature.objects.filter(pk=signature.pk).update(confirmed_at=when)
    signature.refresh_from_db()
    return signature


def database_hours(statement) -> dict[datetime.datetime, int]:
    """Counted signatures per UTC hour, counted the slow way in Python."""
    hours: dict[datetime.datetime, int] = {}
    for when in (
        Signature.objects.counted().filter(statement=statement).values_list("confirmed_at", flat=True)
    ):
        hour = when.astimezone(datetime.UTC).replace(minute=0, second=0, microsecond=0)
        hours[hour] = hours.get(hour, 0) + 1
    return hours
