"""The numbers and coordinates behind the server-drawn pictures (templates/consult/charts/).

Every picture has its numbers in text beside it; these functions only add the geometry.
"""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from consult.history import statement_hours
from consult.models import Statement
from consult.models.statements import Counts
from consult.postcodes import NATIONS, nation_of_area

# The line chart's drawing area, in SVG user units (the picture scales to its container).
WIDTH, HEIGHT = 600, 200
# Up to three days are drawn hour by hour; longer histories day by day.
HOURLY_SPAN = datetime.timedelta(days=3)


@dataclass(frozen=True)
class Point:
    when: datetime.datetime
    count: int
    cumulative: int
    x: float
    y: float


@dataclass(frozen=True)
class TimeChart:
    points: list[Point]
    hourly: bool
    total: int

    @property
    def line(self) -> str:
        """The SVG polyline's points."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def area(self) -> str:
        """The SVG path of the area under the line, closed along the baseline."""
        if not self.points:
            return ""
        first, last = self.points[0], self.points[-1]
        return f"M{first.x:.1f},{HEIGHT} L{self.line.replace(' ', ' L')} L{last.x:.1f},{HEIGHT} Z"

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def height(self) -> int:
        return HEIGHT


def buckets(hours: list[tuple[datetime.datetime, int]], now: datetime.datetime) -> tuple[list, bool]:
    """The hours as they are drawn: per hour over a short span, else summed per (UTC) day."""
    if not hours or now - hours[0][0] <= HOURLY_SPAN:
        return hours, True
    days: Counter = Counter()
    for hour, count in hours:
        days[hour.replace(hour=0)] += count
    return sorted(days.items()), False


def time_chart(hours: list[tuple[datetime.datetime, int]], now: datetime.datetime | None = None) -> TimeChart:
    """Cumulative signatures over time: one point per hour or day that had signatures."""
    rows, hourly = buckets(hours, now or timezone.now())
    if not rows:
        return TimeChart(points=[], hourly=hourly, total=0)
    start, end = rows[0][0], rows[-1][0]
    span = (end - start).total_seconds() or 1.0
    total = sum(count for _when, count in rows)
    points, cumulative = [], 0
    for when, count in rows:
        cumulative += count
        x = WIDTH * (when - start).total_seconds() / span if len(rows) > 1 else WIDTH
        y = HEIGHT - HEIGHT * cumulative / total
        points.append(Point(when=when, count=count, cumulative=cumulative, x=x, y=y))
    return TimeChart(points=points, hourly=hourly, total=total)


def statement_time_chart(statement: Statement) -> TimeChart:
    return time_chart(statement_hours(statement))


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
            ("notable", _("Public office holders"), counts.notable),
        ]
    )


def area_counts(statement: Statement) -> list[tuple[str, int]]:
    """The recorded counts by postcode area, largest first (from the periodic task's table)."""
    return list(statement.signature_areas.order_by("-count", "area").values_list("area", "count"))


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
