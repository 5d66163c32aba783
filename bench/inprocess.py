"""CPU profiles of the signing views in-process, with cProfile timing each thread's CPU only.

    python -m bench.inprocess --fixtures var/bench/fixtures.json --requests 300 --out docs/profiles
    python -m bench.inprocess path --signatures 200    # each step of a signature, tasks included

bench/profile.py runs it inside the benchmark's environment (its database, Redis and worker).
Django's test client sends the requests through every middleware (CSRF checks on), one at a time
in one thread, so `time.thread_time` counts this thread's CPU and nothing else: waiting for
PostgreSQL, Redis or another process costs nothing here, however busy the machine. What it leaves
out is gunicorn's HTTP parsing and the database's and Redis's own CPU (B3 measures those).
"""

import argparse
import contextlib
import cProfile
import io
import json
import os
import pstats
import random
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from bench import driver  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LINES = 40
FORM = "application/x-www-form-urlencoded"  # As a browser posts a form (not the client's multipart).


def post(client: Client, path: str, fields: dict) -> int:
    return client.post(
        path, urlencode(fields), content_type=FORM, HTTP_X_FORWARDED_FOR=driver.random_address()
    ).status_code


def baseline(count: int, fixtures: dict) -> Callable[[int], int]:
    client = Client(enforce_csrf_checks=True)
    token = client.get("/bench/baseline/write/").json()["csrfmiddlewaretoken"]
    return lambda number: post(client, "/bench/baseline/write/", {"csrfmiddlewaretoken": token})


def sign(count: int, fixtures: dict) -> Callable[[int], int]:
    client = Client(enforce_csrf_checks=True)
    slug = fixtures["small"]["slug"]
    page = client.get(f"/statements/{slug}/sign/")
    form = next(
        form for form in driver.forms_of(page.text, page.request["PATH_INFO"]) if "email" in form["fields"]
    )
    time.sleep(driver.READING_SECONDS)  # Sooner, the signature would be held as too fast.
    tag = f"{random.randrange(10**6)}"

    def signing(number: int) -> int:
        fields = form["fields"] | {"name": f"Profiled {number}", "email": f"p{tag}-{number}@example.org"}
        return post(client, form["action"], fields)

    return signing


def confirm(count: int, fixtures: dict) -> Callable[[int], int]:
    client = Client(enforce_csrf_checks=True)
    # The last links: bench/profile.py's loads use the first ones.
    paths = fixtures["confirm_paths"][-count - 1 :]
    page = client.get(paths[0])
    form = next(form for form in driver.forms_of(page.text, paths[0]) if form["method"] == "post")
    return lambda number: post(client, paths[number + 1], form["fields"])


VIEWS = {"baseline": baseline, "sign": sign, "confirm": confirm}


def profile(name: str, count: int, fixtures: dict, folder: Path) -> None:
    """Requests 0-19 warm up (lazy imports, compiled patterns, connections), the first half of
    the rest measures the thread's CPU alone, the second half runs under cProfile."""
    request = VIEWS[name](count, fixtures)
    statuses: dict[int, int] = {}

    def serve(numbers: range) -> float:
        started = time.thread_time()
        for number in numbers:
            status = request(number)
            statuses[status] = statuses.get(status, 0) + 1
        return time.thread_time() - started

    middle = 20 + (count - 20) // 2
    serve(range(20))
    plain = serve(range(20, middle)) / (middle - 20)
    profiler = cProfile.Profile(timer=time.thread_time)
    profiler.enable()
    profiled = serve(range(middle, count)) / (count - middle)
    profiler.disable()
    write(name, profiler, {"plain": plain, "profiled": profiled}, statuses, folder)


def shortened(text: str) -> str:
    """Paths as the reader knows them: from site-packages, the standard library or the project."""
    for prefix in [sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"], str(ROOT)]:
        text = text.replace(prefix + "/", "")
    return text


def write(name: str, profiler: cProfile.Profile, seconds: dict, statuses: dict, folder: Path) -> None:
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    text.write(f"# cProfile: {name}, in-process, CPU time of the serving thread\n\n")
    text.write(f"CPU per request: {seconds['plain'] * 1000:.2f} ms; under cProfile ")
    text.write(f"{seconds['profiled'] * 1000:.2f} ms (its own overhead grows with the number of calls)\n")
    text.write(f"Statuses: {statuses}; load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}\n")
    text.write("\n## The project's own functions, by cumulative CPU\n")
    stats.sort_stats("cumulative").print_stats(r"/(consult|accounts|config)/", LINES)
    text.write("\n## Every function, by cumulative CPU\n")
    stats.sort_stats("cumulative").print_stats(LINES)
    text.write("\n## Every function, by own CPU\n")
    stats.sort_stats("tottime").print_stats(LINES)
    (folder / f"{name}.cprofile.txt").write_text(shortened(text.getvalue()))


# The whole path of one signature, step by step: the requests, and the tasks after them.

PATH_STEPS = ["sign GET", "sign POST", "attempt task", "email task", "confirm GET", "confirm POST"]
PATH_COSTS: dict = {}  # The last run's, by step (for ad-hoc tracing).


@dataclass
class Cost:
    """What one step cost over the signatures measured: this thread's CPU and round trips."""

    seconds: float = 0.0
    queries: int = 0
    commits: int = 0
    redis: int = 0
    count: int = 0


@dataclass
class Meters:
    """Round trips to PostgreSQL (statements and commits) and to Redis (cache and broker alike)."""

    queries: int = 0
    commits: int = 0
    redis: int = 0
    tasks: list = field(default_factory=list)

    @contextlib.contextmanager
    def installed(self) -> Iterator[None]:
        from django.db.backends.base.base import BaseDatabaseWrapper
        from redis.connection import AbstractConnection

        from consult import sending

        def counted_query(execute, sql, params, many, context):
            self.queries += 1
            return execute(sql, params, many, context)

        def counted_commit(wrapper) -> None:
            self.commits += 1
            original_commit(wrapper)

        def counted_send(redis_connection, *args, **kwargs) -> None:
            self.redis += 1
            original_send(redis_connection, *args, **kwargs)

        def captured_enqueue(task, *args) -> None:
            """Published as ever (its cost is the request's), and run here later, timed apart."""
            original_enqueue(task, *args)
            self.tasks.append((task, args))

        original_commit, original_send = BaseDatabaseWrapper._commit, AbstractConnection.send_packed_command
        original_enqueue = sending.enqueue
        BaseDatabaseWrapper._commit = counted_commit
        AbstractConnection.send_packed_command = counted_send
        sending.enqueue = captured_enqueue
        try:
            with connection.execute_wrapper(counted_query):
                yield
        finally:
            BaseDatabaseWrapper._commit = original_commit
            AbstractConnection.send_packed_command = original_send
            sending.enqueue = original_enqueue

    def measure(self, cost: Cost, work: Callable[[], object]) -> object:
        before = (self.queries, self.commits, self.redis)
        started = time.thread_time()
        result = work()
        cost.seconds += time.thread_time() - started
        cost.queries += self.queries - before[0]
        cost.commits += self.commits - before[1]
        cost.redis += self.redis - before[2]
        cost.count += 1
        return result

    def run_tasks(self, costs: dict[str, Cost], steps: dict[str, str]) -> None:
        """Run the queued tasks in turn (with those they queue), each timed under its step."""
        while self.tasks:
            task, args = self.tasks.pop(0)
            step = steps.get(task.name, task.name)
            self.measure(costs.setdefault(step, Cost()), lambda task=task, args=args: task(*args))


def path_statement(fixtures: dict) -> str:
    if fixtures:
        return fixtures["small"]["slug"]
    from bench import load

    slug = f"inprocess-{random.randrange(10**9)}"
    load.make_statement(load.make_consultation(slug), slug)
    return slug


TASK_STEPS = {
    "consult.signing.carry_out_attempt": "attempt task",
    "consult.emails.send_outbound_email": "email task",
}


def path(count: int, fixtures: dict, mailbox: driver.Mailbox, profiled: str = "") -> dict[str, Cost]:
    """`count` signers each go the whole way: sign GET and POST, the attempt's task, the email's
    task (through the SMTP sink), confirmation GET and POST. Returns each step's cost in total.
    With `profiled` (a step), that step runs under cProfile into var/<step>.cprofile.txt."""
    slug, meters = path_statement(fixtures), Meters()
    costs = {step: Cost() for step in PATH_STEPS}
    PATH_COSTS.clear()
    PATH_COSTS.update(costs)
    profiler = cProfile.Profile(timer=time.thread_time)
    tag = f"{random.randrange(10**6)}"
    client = Client(enforce_csrf_checks=True)

    def step(name: str, work: Callable[[], object]) -> object:
        with profiling(profiler, profiled == name):
            return meters.measure(costs[name], work)

    with meters.installed():
        forms = []
        for _number in range(count):
            page = step("sign GET", partial(client.get, f"/statements/{slug}/sign/"))
            found = driver.forms_of(page.text, page.request["PATH_INFO"])
            forms.append(next(form for form in found if "email" in form["fields"]))
        time.sleep(driver.READING_SECONDS)  # Sooner, the signature would be held as too fast.
        addresses = [f"i{tag}-{number}@example.org" for number in range(count)]
        for number, (form, address) in enumerate(zip(forms, addresses, strict=True)):
            fields = form["fields"] | {"name": f"In process {number}", "email": address}
            status = step("sign POST", partial(post, client, form["action"], fields))
            assert status == 302, status
            with profiling(profiler, profiled in TASK_STEPS.values()):
                meters.run_tasks(costs, TASK_STEPS)
        for address in addresses:
            link = wait_for_link(mailbox, address)
            page = step("confirm GET", partial(client.get, link))
            form = next(form for form in driver.forms_of(page.text, link) if form["method"] == "post")
            status = step("confirm POST", partial(post, client, link, form["fields"]))
            assert status in (200, 302), status
    if profiled:
        write(profiled.replace(" ", "-"), profiler, {"plain": 0, "profiled": 0}, {}, Path("var"))
    return costs


@contextlib.contextmanager
def profiling(profiler: cProfile.Profile, on: bool) -> Iterator[None]:
    if on:
        profiler.enable()
    try:
        yield
    finally:
        if on:
            profiler.disable()


def wait_for_link(mailbox: driver.Mailbox, address: str) -> str:
    for _ in range(500):
        if link := mailbox.confirmation_path(address):
            return link
        time.sleep(0.01)
    raise RuntimeError(f"no confirmation email to {address}")


def path_report(costs: dict[str, Cost]) -> str:
    lines = ["step            CPU ms  queries  commits  Redis", ""]
    total = Cost()
    for step, cost in costs.items():
        number = max(cost.count, 1)
        lines.insert(
            -1,
            f"{step:<14} {cost.seconds * 1000 / number:7.2f} {cost.queries / number:8.1f} "
            f"{cost.commits / number:8.1f} {cost.redis / number:6.1f}",
        )
        total.seconds += cost.seconds / number
        total.queries += cost.queries / number
        total.commits += cost.commits / number
        total.redis += cost.redis / number
    lines[-1] = (
        f"{'per signature':<14} {total.seconds * 1000:7.2f} {total.queries:8.1f} {total.commits:8.1f} "
        f"{total.redis:6.1f}"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("views", nargs="*", default=list(VIEWS))
    parser.add_argument("--fixtures", default="")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--out", default="")
    parser.add_argument("--signatures", type=int, default=200, help="for `path`")
    parser.add_argument("--profile", default="", choices=["", *PATH_STEPS], help="for `path`: into var/")
    arguments = parser.parse_args()
    fixtures = json.loads(Path(arguments.fixtures).read_text()) if arguments.fixtures else {}
    if arguments.views == ["path"]:
        print(path_costs(arguments.signatures, fixtures, arguments.profile))
        return
    for name in arguments.views:
        profile(name, arguments.requests, fixtures, Path(arguments.out))


def path_costs(count: int, fixtures: dict, profiled: str) -> str:
    """Mail goes through an SMTP sink of its own (EMAIL_URL's port); a warm-up round goes first."""
    from django.conf import settings

    mail = Path("var") / f"inprocess-mail-{os.getpid()}.jsonl"
    mail.parent.mkdir(exist_ok=True)
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", "--port", str(settings.EMAIL_PORT), "--out", str(mail)]
    )
    time.sleep(1)
    mailbox = driver.Mailbox(mail)
    try:
        path(20, fixtures, mailbox)
        return path_report(path(count, fixtures, mailbox, profiled))
    finally:
        mailbox.stop()
        sink.terminate()
        sink.wait()
        mail.unlink(missing_ok=True)
        from config.celery import app

        app.control.purge()  # Run here already: nobody else is to run them again.


if __name__ == "__main__":
    main()
