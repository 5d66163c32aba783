"""CPU milliseconds of one rendering of a page in one process: the statement page, the sign page and
the read baseline, each the median of many.

    python -m bench.renders --fixtures var/bench/fixtures.json --count 200 --out var/bench/renders.json

B2 runs it inside the benchmark's environment (its database and Redis). As in bench/inprocess.py,
Django's test client sends each GET through every middleware in this one thread, so
`time.thread_time` counts this thread's CPU alone: waiting for PostgreSQL or Redis costs nothing,
however busy the machine. Each statement page GET carries a query parameter of its own, which the
site renders afresh instead of answering from its shared copy (consult/views/reading.py): one whole
rendering each time, with the caches it reads from warm, as under load.
"""

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.test import Client  # noqa: E402

WARMUP = 10  # Lazy imports, compiled templates, connections.


def median_ms(get: Callable[[int], int], count: int) -> dict:
    """The median CPU of get(n) over `count` calls after the warm-up, and the statuses it answered."""
    statuses: dict[str, int] = {}
    for number in range(WARMUP):
        get(-1 - number)
    spent = []
    for number in range(count):
        started = time.thread_time()
        status = get(number)
        spent.append(time.thread_time() - started)
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    return {
        "value": round(statistics.median(spent) * 1000, 2),
        "unit": "ms CPU",
        "requests": count,
        "statuses": statuses,
    }


def pages(fixtures: dict) -> dict[str, Callable[[int], int]]:
    client = Client()
    slug = fixtures["big"]["slug"]
    return {
        "baseline": lambda number: client.get("/bench/baseline/read/").status_code,
        "statement": lambda number: client.get(f"/statements/{slug}/", {"render": number}).status_code,
        "sign": lambda number: client.get(f"/statements/{slug}/sign/").status_code,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fixtures", required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--out", required=True)
    arguments = parser.parse_args()
    fixtures = json.loads(Path(arguments.fixtures).read_text())
    measured = {name: median_ms(get, arguments.count) for name, get in pages(fixtures).items()}
    Path(arguments.out).write_text(json.dumps(measured, indent=2))


if __name__ == "__main__":
    main()
