import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from consult import charts
from consult.charts import HEIGHT, MINUTE, WIDTH, time_chart
from consult.history import record_hours
from consult.models import Signature
from consult.postcodes import nation_of, postcode_area
from tests.consult.history_helpers import confirmed_at, database_hours, hours_ago
from tests.factories import ArgumentFactory, OrganisationFactory, UserFactory


def statement_page(client, statement):
    return client.get(reverse("statement_detail", args=[statement.slug]))


@pytest.mark.parametrize(
    "postcode, area, nation",
    [
        ("CF10 1AA", "CF", "wales"),
        ("ld1 5aa", "LD", "wales"),
        ("LL57 2AA", "LL", "wales"),
        ("NP20 1AA", "NP", "wales"),
        ("SA1 1AA", "SA", "wales"),
        ("SY23 1AA", "SY", "wales"),
        ("BT1 1AA", "BT", "northern-ireland"),
        ("AB10 1AA", "AB", "scotland"),
        ("G1 1AA", "G", "scotland"),
        ("EH1 1AA", "EH", "scotland"),
        ("ZE1 0AA", "ZE", "scotland"),
        ("TD1 1AA", "TD", "scotland"),
        ("B1 1AA", "B", "england"),
        ("GL1 1AA", "GL", "england"),
        ("CH1 1AA", "CH", "england"),
        ("SW1A 1AA", "SW", "england"),
        ("JE2 3AB", "JE", "elsewhere"),
        ("  cf10  ", "CF", "wales"),
        ("GIR 0AA", "", None),
        ("12345", "", None),
        ("", "", None),
        ("<script>", "", None),
        ("\u202eCF10", "", None),
    ],
)
def test_nation_of_a_postcode(postcode, area, nation):
    assert postcode_area(postcode) == area
    assert nation_of(postcode) == nation


def test_chart_data_equals_the_database_counts(client, statement):
    for ago in (50, 49.5, 30, 6, 5.5, 1):
        confirmed_at(statement, hours_ago(ago))
    record_hours()
    confirmed_at(statement, hours_ago(0))  # this hour, not yet recorded

    chart = statement_page(client, statement).context["chart"]

    assert chart.hourly
    assert {point.when: point.count for point in chart.points} == database_hours(statement)
    assert chart.points[-1].cumulative == chart.total == statement.counts().total == 7
    assert [p.cumulative for p in chart.points] == sorted(p.cumulative for p in chart.points)


def test_a_long_history_is_drawn_day_by_day_with_the_same_totals(client, statement):
    for ago in (24 * 20, 24 * 20 + 1, 24 * 3 + 5, 2):
        confirmed_at(statement, hours_ago(ago))
    record_hours()

    chart = statement_page(client, statement).context["chart"]

    assert not chart.hourly
    days: dict = {}
    for hour, count in database_hours(statement).items():
        days[hour.date()] = days.get(hour.date(), 0) + count
    assert {point.when.date(): point.count for point in chart.points} == days
    assert chart.total == statement.counts().total == 4


def test_chart_geometry_stays_inside_the_picture():
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    hours = [(start + datetime.timedelta(hours=n), n + 1) for n in range(10)]

    chart = time_chart(hours, now=start + datetime.timedelta(hours=10))

    # From zero at the start of the first hour to the total at the end of the last.
    assert chart.line.startswith(f"0.0,{HEIGHT} ") and chart.points[-1].x == WIDTH
    assert chart.points[-1].y == 0
    assert all(0 <= p.x <= WIDTH and 0 <= p.y <= HEIGHT for p in chart.points)
    assert chart.area.startswith(f"M0.0,{HEIGHT}") and chart.area.endswith("Z")


def test_an_empty_history_draws_no_chart(client, statement):
    response = statement_page(client, statement)

    assert response.context["chart"].points == []
    assert b"No signatures yet." in response.content
    assert b'class="time-chart"' not in response.content


def test_the_chart_is_an_accessible_image_with_a_table_beside_it(client, statement):
    confirmed_at(statement, hours_ago(3))
    confirmed_at(statement, hours_ago(1))
    record_hours()

    html = statement_page(client, statement).content.decode()

    assert re.search(
        r'<svg class="time-chart"[^>]*role="img"[^>]*aria-labelledby="time-chart-title time-chart-desc"', html
    )
    assert '<title id="time-chart-title">' in html and '<desc id="time-chart-desc">' in html
    assert "<details" in html and "<table" in html and "Running total" in html
    assert "style=" not in html and "<script>" not in html


def test_counts_by_kind_and_nation_are_shown(client, statement):
    confirmed_at(statement, hours_ago(2), postcode="CF10 1AA")
    confirmed_at(statement, hours_ago(2), postcode="SA1 1AA")
    confirmed_at(statement, hours_ago(2), postcode="B1 1AA")
    confirmed_at(statement, hours_ago(2))
    organisation = OrganisationFactory(status="verified")
    confirmed_at(statement, hours_ago(2), kind=Signature.Kind.ORGANISATION, organisation=organisation)
    record_hours()

    response = statement_page(client, statement)

    kinds = {bar.key: bar.count for bar in response.context["kinds"]}
    assert kinds == {"individuals": 4, "organisations": 1, "notable": 0}
    nations = {bar.key: bar.count for bar in response.context["nations"]}
    assert nations == {"wales": 2, "england": 1}
    html = response.content.decode()
    assert "Wales: <strong>2</strong>" in html and "England: <strong>1</strong>" in html
    assert '<th scope="row">CF</th>' in html


def test_the_statement_page_queries_stay_bounded_with_a_thousand_signatures(
    client, statement, django_assert_max_num_queries
):
    for number in range(1_000):
        confirmed_at(statement, hours_ago(number % 90), postcode=("CF10 1AA", "B1 1AA", "")[number % 3])
    record_hours()
    for _ in range(5):
        confirmed_at(statement, hours_ago(0))

    with django_assert_max_num_queries(12):
        response = statement_page(client, statement)

    assert response.context["chart"].total == 1_005 == statement.counts().total


def test_the_consultation_page_shows_the_balance_of_arguments_and_endorsements(client, consultation):
    strong = ArgumentFactory(consultation=consultation, side="for")
    ArgumentFactory(consultation=consultation, side="for")
    against = ArgumentFactory(consultation=consultation, side="against")
    ArgumentFactory(consultation=consultation, side="against", status="pending")
    for user in UserFactory.create_batch(3):
        strong.endorsements.create(user=user)
    against.endorsements.create(user=UserFactory())

    response = client.get(reverse("consultation_detail", args=[consultation.slug]))

    rows = {row.label: (row.for_count, row.against_count) for row in response.context["rows"]}
    assert rows == {"Arguments": (2, 1), "Endorsements": (3, 1)}
    html = response.content.decode()
    assert "Arguments: 2 for, 1 against" in html and "Endorsements: 3 for, 1 against" in html
    assert 'class="bar__fill--for" width="75.0"' in html


def test_an_empty_consultation_draws_no_split(client, consultation):
    response = client.get(reverse("consultation_detail", args=[consultation.slug]))

    assert [row.total for row in response.context["rows"]] == [0, 0]
    assert "Arguments: 0 for, 0 against" in response.content.decode()
    assert b"bar__fill--for" not in response.content


def at(hour: int, minute: int = 0, day: int = 1) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=datetime.UTC)


def test_signatures_within_an_hour_are_drawn_minute_by_minute(client, statement):
    first = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=30)
    for minutes, seconds in [(0, 5), (0, 50), (7, 1), (29, 59)]:
        confirmed_at(statement, first + datetime.timedelta(minutes=minutes, seconds=seconds))
    record_hours()

    chart = statement_page(client, statement).context["chart"]

    assert chart.by_minute and chart.step == MINUTE
    assert [(point.when, point.count) for point in chart.points] == [
        (first, 2),
        (first + datetime.timedelta(minutes=7), 1),
        (first + datetime.timedelta(minutes=29), 1),
    ]
    assert chart.total == statement.counts().total == 4


def test_a_single_minute_of_signatures_draws_a_labelled_rising_line(client, statement):
    when = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=5)
    for _ in range(3):
        confirmed_at(statement, when)

    html = statement_page(client, statement).content.decode()

    chart = charts.statement_time_chart(statement)
    assert len(chart.points) == 1 and chart.line == f"0.0,{HEIGHT} {WIDTH}.0,0.0"
    assert html.count('class="time-chart__dot"') == 1
    assert '<text class="time-chart__total"' in html and ">3</text>" in html
    day, start, end = when.strftime("%-d %B %Y"), when.strftime("%H:%M"), (when + MINUTE).strftime("%H:%M")
    assert f"On {day}, from {start} to {end}, rising to 3 signatures." in html
    assert "Signatures confirmed each minute (UTC)" in html


def test_a_chart_within_one_day_never_says_from_a_day_to_the_same_day():
    chart = time_chart([(at(9), 4), (at(15), 2)], now=at(16, 30))

    assert chart.summary == "On 1 December 2026, from 09:00 to 16:00, rising to 6 signatures."
    assert (chart.start_label, chart.end_label) == ("1 Dec, 09:00", "1 Dec, 16:00")


def test_a_chart_across_days_names_both_days_and_times():
    chart = time_chart([(at(22, day=1), 1), (at(3, day=2), 1)], now=at(4, day=2))

    assert chart.summary == "From 1 December 2026, 22:00 to 2 December 2026, 04:00, rising to 2 signatures."


def test_the_chart_spans_whole_periods_even_when_the_last_has_just_begun():
    chart = time_chart([(at(9), 1), (at(10), 1)], now=at(10, 0) + datetime.timedelta(seconds=20))

    assert chart.end == at(11) and chart.points[-1].x == WIDTH
    assert chart.summary.startswith("On 1 December 2026, from 09:00 to 11:00")


def test_a_minute_that_has_just_begun_still_reads_as_a_minute():
    chart = time_chart([(at(4, 27), 18)], now=at(4, 27) + datetime.timedelta(seconds=40), step=MINUTE)

    assert chart.summary == "On 1 December 2026, from 04:27 to 04:28, rising to 18 signatures."
    assert (chart.start_label, chart.end_label) == ("04:27", "04:28")


def test_one_signature_is_one_signature():
    chart = time_chart([(at(9, 5), 1)], now=at(9, 30), step=MINUTE)

    assert chart.summary == "On 1 December 2026, from 09:05 to 09:06, rising to 1 signature."
    assert [point.x for point in chart.dots] == [WIDTH]


def test_a_long_history_is_summed_by_day_and_named_by_day():
    chart = time_chart([(at(9, day=1), 1), (at(9, day=20), 2)], now=at(10, day=20))

    assert chart.step == charts.DAY
    assert chart.summary == "From 1 December 2026 to 20 December 2026, rising to 3 signatures."


def test_too_many_signatures_in_an_hour_are_drawn_by_hour(client, statement, monkeypatch):
    monkeypatch.setattr(charts, "MINUTE_LIMIT", 2)
    when = timezone.now() - datetime.timedelta(minutes=10)
    for _ in range(3):
        confirmed_at(statement, when)

    chart = charts.statement_time_chart(statement)

    assert chart.hourly and chart.total == 3


def test_many_points_draw_the_line_and_dot_only_the_last():
    hours = [(at(0) + datetime.timedelta(hours=number), 1) for number in range(70)]

    chart = time_chart(hours, now=at(0) + datetime.timedelta(hours=70))

    assert len(chart.points) == 70 and chart.dots == chart.points[-1:]
