"""The numbers and coordinates behind the server-drawn pictures (templates/consult/charts/).

Every picture has its numbers in text beside it; these functions only add the geometry.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.contrib.humanize.templatetags.humanize import intcomma
from django.db.models import Count
from django.db.models.functions import TruncMinute
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consult.history import statement_hours
from consult.models import SignatureArea, Statement
from consult.models.statements import Counts
from consult.postcodes import NATIONS, nation_of_area

# The line chart's drawing area, in SVG user units (the picture scales to its container).
WIDTH, HEIGHT = 600, 200
MINUTE, HOUR, DAY = datetime.timedelta(minutes=1), datetime.timedelta(hours=1), datetime.timedelta(days=1)
# Up to three days are drawn hour by hour; longer histories day by day.
HOURLY_SPAN = datetime.timedelta(days=3)
# Signatures that all fall within an hour are drawn minute by minute, read from the signatures
# themselves: up to this many, which one indexed query counts in a few milliseconds.
MINUTE_LIMIT = 10_000
# Every point gets a visible dot up to this many points; beyond it the line alone reads better.
DOTS_LIMIT = 60


@dataclass(frozen=True)
class Point:
    when: datetime.datetime
    count: int
    cumulative: int
    x: float
    y: float


@dataclass(frozen=True)
class TimeChart:
    """Cumulative signatures, from zero at the start of the first period to the total at the end
    of the last, so that even a single period draws a rising line with its end labelled."""

    points: list[Point]
    step: datetime.timedelta
    total: int
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None

    @property
    def hourly(self) -> bool:
        return self.step == HOUR

    @property
    def by_minute(self) -> bool:
        return self.step == MINUTE

    @property
    def line(self) -> str:
        """The SVG polyline's points, from the origin at the baseline."""
        return " ".join([f"0.0,{HEIGHT}", *(f"{p.x:.1f},{p.y:.1f}" for p in self.points)])

    @property
    def area(self) -> str:
        """The SVG path of the area under the line, closed along the baseline."""
        if not self.points:
            return ""
        return f"M{self.line.replace(' ', ' L')} L{self.points[-1].x:.1f},{HEIGHT} Z"

    @property
    def dots(self) -> list[Point]:
        return self.points if len(self.points) <= DOTS_LIMIT else self.points[-1:]

    @property
    def start_label(self) -> str:
        return moment(self.start, self.step, short=True) if self.start else ""

    @property
    def shown_end(self) -> datetime.datetime | None:
        """The end as a reader names it: days are named inclusively ("to 20 December"), times exactly."""
        return self.end - self.step if self.end and self.step >= DAY else self.end

    @property
    def end_label(self) -> str:
        return moment(self.shown_end, self.step, short=True) if self.shown_end else ""

    @property
    def summary(self) -> str:
        """The chart in one sentence, for its description and its legend."""
        if not self.start or not self.end:
            return ""
        number = intcomma(self.total)
        if self.step < DAY and self.start.date() == (self.end - datetime.timedelta(microseconds=1)).date():
            text = ngettext(
                "On %(day)s, from %(start)s to %(end)s, rising to %(number)s signature.",
                "On %(day)s, from %(start)s to %(end)s, rising to %(number)s signatures.",
                self.total,
            )
            day = dateformat.format(self.start, "j F Y")
            start, end = (dateformat.format(when, "H:i") for when in (self.start, self.end))
            return text % {"day": day, "start": start, "end": end, "number": number}
        text = ngettext(
            "From %(start)s to %(end)s, rising to %(number)s signature.",
            "From %(start)s to %(end)s, rising to %(number)s signatures.",
            self.total,
        )
        start, end = moment(self.start, self.step), moment(self.shown_end or self.end, self.step)
        return text % {"start": start, "end": end, "number": number}

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return HEIGHT


def moment(when: datetime.datetime, step: datetime.timedelta, short: bool = False) -> str:
    """A time as precisely as the chart's periods need (the chart is in UTC, as its table says)."""
    if step >= DAY:
        return dateformat.format(when, "j M Y" if short else "j F Y")
    if short:
        return dateformat.format(when, "H:i" if step == MINUTE else "j M, H:i")
    return dateformat.format(when, "j F Y, H:i")


def resolution(hours: list[tuple[datetime.datetime, int]], now: datetime.datetime) -> datetime.timedelta:
    """Minutes when every signature fell within an hour, hours up to three days, days beyond."""
    if not hours:
        return HOUR
    if now - hours[0][0] > HOURLY_SPAN:
        return DAY
    within_an_hour = hours[-1][0] - hours[0][0] <= HOUR
    if within_an_hour and sum(count for _hour, count in hours) <= MINUTE_LIMIT:
        return MINUTE
    return HOUR


def by_day(hours: list[tuple[datetime.datetime, int]]) -> list[tuple[datetime.datetime, int]]:
    """The hours summed per (UTC) day."""
    days: Counter = Counter()
    for hour, count in hours:
        days[hour.replace(hour=0)] += count
    return sorted(days.items())


def time_chart(
    rows: list[tuple[datetime.datetime, int]],
    now: datetime.datetime | None = None,
    step: datetime.timedelta | None = None,
) -> TimeChart:
    """Cumulative signatures over time, one point per period that had signatures.

    `rows` are hours unless `step` says they are other periods; hours are drawn per hour or per
    day by their span.
    """
    now = now or timezone.now()
    if step is None:
        step = DAY if resolution(rows, now) == DAY else HOUR
        rows = by_day(rows) if step == DAY else rows
    if not rows:
        return TimeChart(points=[], step=step, total=0)
    # Each period's count is drawn at its end, so the chart spans whole periods (and even one
    # minute of signatures reads "from 14:05 to 14:06", never "from 14:05 to 14:05").
    start, end = rows[0][0], rows[-1][0] + step
    span = (end - start).total_seconds() or 1.0
    total = sum(count for _when, count in rows)
    points, cumulative = [], 0
    for when, count in rows:
        cumulative += count
        x = WIDTH * (when + step - start).total_seconds() / span
        y = HEIGHT - HEIGHT * cumulative / total
        points.append(Point(when=when, count=count, cumulative=cumulative, x=x, y=y))
    return TimeChart(points=points, step=step, total=total, start=start, end=end)


def minute_counts(statement: Statement, since: datetime.datetime) -> list[tuple[datetime.datetime, int]]:
    """Counted signatures per minute (UTC) confirmed from `since` on, oldest first."""
    rows = (
        statement.signatures.counted()
        .filter(confirmed_at__gte=since)
        .annotate(minute=TruncMinute("confirmed_at", tzinfo=datetime.UTC))
        .values("minute")
        .annotate(count=Count("pk"))
        .order_by("minute")
    )
    return [(row["minute"], row["count"]) for row in rows]


def statement_time_chart(statement: Statement) -> TimeChart:
    hours, now = statement_hours(statement), timezone.now()
    if resolution(hours, now) == MINUTE:
        return time_chart(minute_counts(statement, hours[0][0]), now=now, step=MINUTE)
    return time_chart(hours, now=now)


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    count: int
    # Share of the largest bar, 0-100, for the bar's drawn length.
    length: float


def bars(items: list[tuple[str, str, int]]) -> list[Bar]:
    """Bars scaled to the largest count, so the longest fills the width."""
    largest = max((count for _key, _label, count in items), default=0) or 1
    return [Bar(key, label, count, round(100 * count / largest, 1)) for key, label, count in items]


def kind_bars(counts: Counts) -> list[Bar]:
    return bars(
        [
            ("individuals", _("Individuals"), counts.individuals),
            ("organisations", _("Organisations"), counts.organisations),
            ("notable", _("Holders of public roles"), counts.notable),
        ]
    )


def area_counts(statement: Statement) -> list[tuple[str, int]]:
    """The counts by postcode area, largest first, as exact as the count itself (one query)."""
    return list(SignatureArea.counts_for(statement.pk).items())


def nation_bars(areas: list[tuple[str, int]]) -> list[Bar]:
    """Counts by nation from counts by postcode area; nations with none are left out."""
    nations: Counter = Counter()
    for area, count in areas:
        nations[nation_of_area(area)] += count
    return bars([(key, str(label), nations[key]) for key, label in NATIONS.items() if nations[key]])


@dataclass(frozen=True)
class Balance:
    """One side-by-side comparison: a count for and a count against."""

    label: str
    for_count: int
    against_count: int

    @property
    def total(self) -> int:
        return self.for_count + self.against_count

    @property
    def for_share(self) -> float:
        """The share for, 0-100; an even split when there is nothing on either side."""
        return round(100 * self.for_count / self.total, 1) if self.total else 50.0

    @property
    def against_share(self) -> float:
        return round(100 - self.for_share, 1)


def balance(arguments_for: list, arguments_against: list) -> list[Balance]:
    """Arguments and their endorsements on each side (arguments annotated with endorsement_count)."""

    def endorsements(arguments: list) -> int:
        return sum(argument.endorsement_count for argument in arguments)

    return [
        Balance(_("Arguments"), len(arguments_for), len(arguments_against)),
        Balance(_("Endorsements"), endorsements(arguments_for), endorsements(arguments_against)),
    ]
