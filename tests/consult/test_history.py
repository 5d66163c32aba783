import datetime

from django.conf import settings

from consult.history import current_hour, record_hours, statement_hours
from consult.models import Signature, SignatureArea, SignatureHour
from tests.consult.history_helpers import confirmed_at, database_hours, hours_ago
from tests.factories import SignatureFactory, StatementFactory


def recorded(statement) -> dict:
    return dict(SignatureHour.objects.filter(statement=statement).values_list("hour", "count"))


def test_record_hours_stores_each_complete_hour_as_the_database_counts_it(statement):
    for ago in (30, 30.2, 5, 5.1, 5.3, 2):
        confirmed_at(statement, hours_ago(ago))
    other = StatementFactory(consultation=statement.consultation)
    confirmed_at(other, hours_ago(5))

    record_hours()

    assert recorded(statement) == database_hours(statement)
    assert sum(recorded(statement).values()) == 6 == statement.counts().total
    assert recorded(other) == database_hours(other)


def test_the_current_hour_is_not_stored_but_is_shown_live(statement):
    confirmed_at(statement, hours_ago(3))
    record_hours()
    now = confirmed_at(statement, current_hour() + datetime.timedelta(seconds=1))

    record_hours()

    assert current_hour() not in recorded(statement)
    hours = dict(statement_hours(statement))
    assert hours[current_hour()] == 1
    assert hours == database_hours(statement)
    assert now.confirmed_at >= current_hour()


def test_record_hours_run_twice_changes_nothing(statement):
    for ago in (50, 26, 3, 3.2):
        confirmed_at(statement, hours_ago(ago))

    record_hours()
    first = list(SignatureHour.objects.order_by("hour").values_list("pk", "statement_id", "hour", "count"))
    areas = list(SignatureArea.objects.values_list("pk", "area", "count"))
    record_hours()

    assert (
        list(SignatureHour.objects.order_by("hour").values_list("pk", "statement_id", "hour", "count"))
        == first
    )
    assert list(SignatureArea.objects.values_list("pk", "area", "count")) == areas
    assert SignatureHour.objects.count() == 3


def test_signatures_that_do_not_count_are_left_out(statement):
    confirmed_at(statement, hours_ago(4))
    SignatureFactory(statement=statement)  # pending
    confirmed_at(statement, hours_ago(4), hold=Signature.Hold.SUSPECT)
    confirmed_at(statement, hours_ago(4)).withdraw()

    record_hours()

    assert sum(recorded(statement).values()) == 1
    assert dict(statement_hours(statement)) == database_hours(statement)


def test_withdrawing_an_old_signature_corrects_its_hour_on_the_next_run(statement):
    old = confirmed_at(statement, hours_ago(40))
    confirmed_at(statement, hours_ago(40.1))
    alone = confirmed_at(statement, hours_ago(30))
    confirmed_at(statement, hours_ago(2))
    record_hours()

    old.withdraw()
    alone.invalidate("fraud")
    recounted = record_hours()

    assert recounted == 1
    assert recorded(statement) == database_hours(statement)
    assert sum(recorded(statement).values()) == statement.counts().total == 2


def test_a_released_signature_joins_its_old_hour(statement):
    confirmed_at(statement, hours_ago(10))
    held = confirmed_at(statement, hours_ago(20), hold=Signature.Hold.SUSPECT)
    record_hours()
    assert sum(recorded(statement).values()) == 1

    held.release()
    record_hours()

    assert recorded(statement) == database_hours(statement)
    assert sum(recorded(statement).values()) == statement.counts().total == 2


def test_statement_hours_without_any_recorded_history_counts_everything_live(statement):
    for ago in (70, 1):
        confirmed_at(statement, hours_ago(ago))

    assert dict(statement_hours(statement)) == database_hours(statement)


def test_the_task_is_scheduled_and_imported_by_workers():
    assert "consult.history" in settings.CELERY_IMPORTS
    schedules = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "consult.history.record_hours" in schedules
