"""CPU profiles of the signing views in-process, with cProfile timing each thread's CPU only.

    python -m bench.inprocess --fixtures var/bench/fixtures.json --requests 300 --out docs/profiles

bench/profile.py runs it inside the benchmark's environment (its database, Redis and worker).
Django's test client sends the requests through every middleware (CSRF checks on), one at a time
in one thread, so `time.thread_time` counts this thread's CPU and nothing else: waiting for
PostgreSQL, Redis or another process costs nothing here, however busy the machine. What it leaves
out is gunicorn's HTTP parsing and the database's and Redis's own CPU (B3 measures those).
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sysconfig
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("views", nargs="*", default=list(VIEWS))
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args()
    fixtures = json.loads(Path(arguments.fixtures).read_text())
    for name in arguments.views:
        profile(name, arguments.requests, fixtures, Path(arguments.out))


if __name__ == "__main__":
    main()
