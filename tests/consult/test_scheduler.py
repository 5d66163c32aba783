"""`make run`'s periodic tasks: beat's schedule run in the development server when there is no broker."""

import datetime
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands, load_command_class
from django.test import override_settings

from consult import scheduler
from consult.models import SignatureCounter
from consult.scheduler import Scheduler
from tests.factories import SignatureFactory


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def run_for(seconds: float, tasks: Scheduler, clock: FakeClock, step: float = 1.0) -> None:
    """Tick as the thread would, one (fake) second at a time."""
    end = clock.now + seconds
    while clock.now < end:
        tasks.tick()
        clock.now += step


def test_each_beat_task_runs_at_its_interval_by_the_clock():
    clock, ran = FakeClock(), []
    tasks = Scheduler(
        {
            "often": {"task": "a", "schedule": 60.0},
            "hourly": {"task": "b", "schedule": datetime.timedelta(hours=1)},
            "daily": {"task": "c", "schedule": 24 * 60 * 60.0},
        },
        clock=clock,
        run=ran.append,
    )

    assert tasks.tick() == 60.0 and ran == []  # Nothing runs at start, as with beat.
    run_for(2 * 60 * 60 + 1, tasks, clock)

    assert ran.count("a") == 120
    assert ran.count("b") == 2
    assert "c" not in ran


def test_a_task_missed_while_the_machine_slept_runs_once_not_for_every_period():
    clock, ran = FakeClock(), []
    tasks = Scheduler({"often": {"task": "a", "schedule": 60}}, clock=clock, run=ran.append)

    clock.now += 10 * 60 * 60
    tasks.tick()
    tasks.tick()

    assert ran == ["a"]
    assert tasks.tick() == 60.0


def test_a_schedule_not_in_seconds_is_skipped_not_misread():
    tasks = Scheduler({"crontab": {"task": "a", "schedule": object()}, "zero": {"task": "b", "schedule": 0}})

    assert tasks.entries == [] and tasks.tick() == scheduler.LONGEST_WAIT


def test_every_task_in_the_real_schedule_is_followed_and_known_to_celery():
    from config.celery import app

    tasks = Scheduler(settings.CELERY_BEAT_SCHEDULE, run=lambda name: None)
    app.loader.import_default_modules()

    assert {entry.name for entry in tasks.entries} == set(settings.CELERY_BEAT_SCHEDULE)
    assert {entry.task for entry in tasks.entries} <= set(app.tasks)


@pytest.mark.django_db(transaction=True)
def test_a_due_task_really_runs_in_process(statement):
    """The scheduler's runner runs the real task eagerly: here the reconciliation fixes a count."""
    SignatureFactory(statement=statement).confirm()
    SignatureCounter.objects.filter(statement=statement).update(count=0)

    scheduler.run_task("consult.tasks.reconcile_counts")

    assert statement.counts().total == 1


def test_a_failing_task_is_logged_and_the_schedule_goes_on(monkeypatch):
    logged = []
    monkeypatch.setattr(scheduler.logger, "exception", lambda message, *args: logged.append(message % args))

    scheduler.run_task("no.such.task")

    assert logged == ["Periodic task no.such.task failed"]


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:6379/9")
def test_with_a_broker_the_thread_never_starts(monkeypatch):
    monkeypatch.setattr(threading.Thread, "start", lambda self: pytest.fail("a thread was started"))

    assert scheduler.start_embedded() is None


@override_settings(CELERY_BROKER_URL="", CELERY_BEAT_SCHEDULE={"often": {"task": "a", "schedule": 60.0}})
def test_without_a_broker_the_development_server_starts_one_thread_that_stops(monkeypatch):
    started = threading.Event()
    monkeypatch.setattr(Scheduler, "tick", lambda self: started.set() or 60.0)
    before = threading.active_count()

    stop = scheduler.start_embedded()

    assert stop is not None and started.wait(5)
    assert any(thread.name == "periodic-tasks" for thread in threading.enumerate())
    stop.set()
    for thread in threading.enumerate():
        if thread.name == "periodic-tasks":
            thread.join(5)
    assert threading.active_count() == before


def test_only_the_development_server_starts_it(monkeypatch):
    """runserver is the project's own and starts the scheduler; nothing else in the code does."""
    calls = []
    monkeypatch.setattr(scheduler, "start_embedded", lambda: calls.append("started"))
    assert get_commands()["runserver"] == "consult"
    command = load_command_class("consult", "runserver")
    monkeypatch.setattr(type(command).__mro__[1], "inner_run", lambda self, *args, **options: None)

    command.inner_run(use_reloader=False)

    assert calls == ["started"]


def test_no_other_code_starts_the_scheduler():
    root = Path(__file__).resolve().parents[2]
    callers = {
        str(path.relative_to(root))
        for folder in ("consult", "config", "accounts", "development")
        for path in (root / folder).rglob("*.py")
        if "scheduler.start_embedded(" in path.read_text()
    }

    assert callers == {"consult/management/commands/runserver.py"}
