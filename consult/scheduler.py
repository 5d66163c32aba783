"""The periodic tasks for `make run`, where there is no broker and so no Celery beat.

With CELERY_BROKER_URL unset every task runs eagerly, in-process, and nothing would run the beat
schedule: held emails, history, milestones and retention would wait for ever on a developer's
machine. So the development server (consult/management/commands/runserver.py) starts this
scheduler in a thread of its own, and only there, and only without a broker:

- a thread rather than a second command beside runserver in the Makefile: one process, stopped by
  the one Ctrl-C, restarted with the code by the autoreloader, and nothing to clean up after it;
- started by runserver rather than when the apps load, so that tests, gunicorn, Celery workers
  and every other management command never start it, whatever the environment says;
- with a broker set, beat (`make beat`) does this job and the thread is never started.

It reads CELERY_BEAT_SCHEDULE, as beat does, and runs each task every `schedule` seconds from
the server's start (a task whose time passed while the machine slept runs once, not once per
missed period). A task that fails is logged and tried again at its next time.
"""

import datetime
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import close_old_connections

logger = logging.getLogger(__name__)

Clock = Callable[[], float]
# The longest the thread sleeps between looks at the schedule.
LONGEST_WAIT = 30.0


@dataclass
class Entry:
    name: str
    task: str
    every: float
    due: float


def seconds(schedule: object) -> float | None:
    """A beat schedule's period in seconds; None for a kind this scheduler does not run (crontab)."""
    if isinstance(schedule, datetime.timedelta):
        return schedule.total_seconds()
    if isinstance(schedule, int | float) and schedule > 0:
        return float(schedule)
    return None


def run_task(name: str) -> None:
    """Run one registered Celery task here and now, as a worker would; failures are logged."""
    from config.celery import app

    app.loader.import_default_modules()
    close_old_connections()
    try:
        result = app.tasks[name].apply()
        if result.failed():
            logger.error("Periodic task %s failed: %r", name, result.result)
    except Exception:
        logger.exception("Periodic task %s failed", name)
    finally:
        close_old_connections()


class Scheduler:
    """Beat's schedule run by a clock; `tick()` runs what is due and says how long to wait."""

    def __init__(
        self,
        schedule: Mapping[str, Mapping[str, Any]],
        clock: Clock = time.monotonic,
        run: Callable[[str], None] = run_task,
    ) -> None:
        self.clock, self.run = clock, run
        start = clock()
        self.entries: list[Entry] = []
        for name, entry in schedule.items():
            every = seconds(entry.get("schedule"))
            if every is None:
                logger.warning("Periodic task %s is not in seconds; `make run` skips it", name)
                continue
            self.entries.append(Entry(name, str(entry["task"]), every, start + every))

    def tick(self) -> float:
        """Run every task whose time has come; the seconds until the next one is due."""
        for entry in self.entries:
            now = self.clock()
            if entry.due <= now:
                self.run(entry.task)
                entry.due = now + entry.every
        if not self.entries:
            return LONGEST_WAIT
        return max(0.0, min(entry.due for entry in self.entries) - self.clock())


def run_until(scheduler: Scheduler, stop: threading.Event) -> None:
    while not stop.is_set():
        stop.wait(min(scheduler.tick(), LONGEST_WAIT))


def start_embedded() -> threading.Event | None:
    """Start the scheduler thread when there is no broker; the event that stops it, or None."""
    if settings.CELERY_BROKER_URL:
        return None
    stop = threading.Event()
    scheduler = Scheduler(settings.CELERY_BEAT_SCHEDULE)
    thread = threading.Thread(target=run_until, args=(scheduler, stop), name="periodic-tasks", daemon=True)
    thread.start()
    logger.info("Running %d periodic tasks in this process (no broker set)", len(scheduler.entries))
    return stop
