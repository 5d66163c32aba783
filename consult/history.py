"""The hourly signature history, kept by a periodic task.

`record_hours()` writes one SignatureHour row per statement per complete hour that had counted
signatures. It recounts from the last recorded hour (a signature confirmed in a transaction that
committed late still lands in its hour), then checks each statement's recorded total against its
counted signatures and recounts the whole history of any statement that differs: a withdrawal or
invalidation of an old signature changes an old hour. Running it twice changes nothing.

The current, incomplete hour is never stored: pages add it live with `live_hours()`, one query on
the `signature_confirmations` index over the few rows since the last run.

The counts by postcode area are not kept here: they move with each signature's change of state
(SignatureArea), so "By nation" follows the count within seconds.
"""

import datetime

from celery import shared_task
from django.db import transaction
from django.db.models import Count, Sum
from django.db.models.functions import TruncHour
from django.utils import timezone

from consult.models import Signature, SignatureHour, Statement

HOUR = datetime.timedelta(hours=1)


def current_hour() -> datetime.datetime:
    return timezone.now().replace(minute=0, second=0, microsecond=0)


def hourly_counts(signatures) -> dict[tuple[int, datetime.datetime], int]:
    """{(statement id, hour): counted signatures confirmed in that hour}."""
    rows = (
        signatures.counted()
        .filter(confirmed_at__isnull=False)
        .annotate(hour=TruncHour("confirmed_at", tzinfo=datetime.UTC))
        .values("statement_id", "hour")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {(row["statement_id"], row["hour"]): row["count"] for row in rows}


def store_hours(counts: dict, stale) -> None:
    """Upsert the counted hours and delete the rows among `stale` that no longer have any."""
    with transaction.atomic():
        SignatureHour.objects.bulk_create(
            [SignatureHour(statement_id=pk, hour=hour, count=count) for (pk, hour), count in counts.items()],
            update_conflicts=True,
            unique_fields=["statement", "hour"],
            update_fields=["count"],
            batch_size=1_000,
        )
        gone = [
            pk
            for pk, statement_id, hour in stale.values_list("pk", "statement_id", "hour")
            if (statement_id, hour) not in counts
        ]
        SignatureHour.objects.filter(pk__in=gone).delete()


@shared_task
def record_hours() -> int:
    """Record every complete hour since the last recorded one; returns the statements recounted in full."""
    until = current_hour()
    last = SignatureHour.objects.order_by("-hour").values_list("hour", flat=True).first()
    window = Signature.objects.filter(confirmed_at__lt=until)
    recent = window.filter(confirmed_at__gte=last) if last else window
    stale = SignatureHour.objects.filter(hour__lt=until)
    store_hours(hourly_counts(recent), stale.filter(hour__gte=last) if last else stale)

    # Self-healing: any statement whose history no longer adds up is recounted from the start.
    recorded = dict(
        SignatureHour.objects.values("statement_id")
        .annotate(total=Sum("count"))
        .values_list("statement_id", "total")
    )
    actual = dict(
        window.counted()
        .filter(confirmed_at__isnull=False)
        .values("statement_id")
        .annotate(total=Count("pk"))
        .order_by()
        .values_list("statement_id", "total")
    )
    drifted = [pk for pk in recorded.keys() | actual.keys() if recorded.get(pk, 0) != actual.get(pk, 0)]
    if drifted:
        store_hours(
            hourly_counts(window.filter(statement_id__in=drifted)),
            SignatureHour.objects.filter(statement_id__in=drifted),
        )
    return len(drifted)


def live_hours(statement: Statement, since: datetime.datetime | None) -> dict[datetime.datetime, int]:
    """Counted signatures per hour not yet recorded: those confirmed from `since` on (all if None)."""
    signatures = Signature.objects.filter(statement=statement)
    if since is not None:
        signatures = signatures.filter(confirmed_at__gte=since)
    return {hour: count for (_pk, hour), count in hourly_counts(signatures).items()}


def statement_hours(statement: Statement) -> list[tuple[datetime.datetime, int]]:
    """The statement's whole hourly history, oldest first: recorded hours plus the live ones since.

    Every hour before the one after the latest recorded hour (of any statement) is complete, since
    the task records all statements at once; only confirmations from then on are counted live.
    """
    hours = dict(statement.signature_hours.order_by("hour").values_list("hour", "count"))
    last = SignatureHour.objects.order_by("-hour").values_list("hour", flat=True).first()
    hours.update(live_hours(statement, last + HOUR if last else None))
    return sorted(hours.items())
