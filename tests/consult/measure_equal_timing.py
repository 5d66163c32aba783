"""Measure that signing, resending and signing up take the same time for known and unknown addresses.

Not part of `make test` (pytest collects only test_*.py): a timing is a benchmark's business, run
on demand on a quiet machine and reported in docs/abuse.md. Run it explicitly:

    DEBUG=1 DATABASE_URL=postgres://... REDIS_URL=redis://.../N CELERY_BROKER_URL=redis://.../N+1 \
      CONSULT_REQUIRE_SERVICES=1 .venv/bin/pytest -s -q tests/consult/measure_equal_timing.py
"""

import math
import os
import random
import statistics
import time
import uuid
from functools import partial

import pytest
from django.db import connection
from django.test import Client

from accounts.models import User
from config import celery_app
from tests.consult.test_equal_timing import resend, sign, sign_up
from tests.factories import SignatureFactory
from tests.services import require

pytestmark = pytest.mark.django_db
PAIRS = int(os.environ.get("EQUAL_TIMING_PAIRS", "200"))
Z_LIMIT = 3.0


def mann_whitney_z(first: list[float], second: list[float]) -> float:
    """The normal approximation of the Mann-Whitney U statistic (ties get their mean rank)."""
    ranked = sorted([(value, 0) for value in first] + [(value, 1) for value in second])
    ranks = [0.0] * len(ranked)
    position = 0
    while position < len(ranked):
        end = position
        while end + 1 < len(ranked) and ranked[end + 1][0] == ranked[position][0]:
            end += 1
        for index in range(position, end + 1):
            ranks[index] = (position + end) / 2 + 1
        position = end + 1
    rank_sum = sum(rank for rank, (_value, group) in zip(ranks, ranked, strict=True) if group == 0)
    n1, n2 = len(first), len(second)
    u = rank_sum - n1 * (n1 + 1) / 2
    mean, spread = n1 * n2 / 2, math.sqrt(n1 * n2 * (n1 + n2 + 1) / 12)
    return (u - mean) / spread


def test_mann_whitney_z_sees_a_real_difference():
    fast = [1.0 + random.Random(seed).random() for seed in range(200)]
    assert mann_whitney_z([value + 0.5 for value in fast], fast) > 3
    assert abs(mann_whitney_z(fast, list(fast))) < 0.01


def timed(request, status: int) -> float:
    """How long `request` took; it must have been answered as usual (no 429, no error page)."""
    started = time.perf_counter()
    response = request()
    elapsed = time.perf_counter() - started
    assert response.status_code == status
    return elapsed


@pytest.fixture
def real_broker(transactional_db):
    """Tasks go to the real broker, on a queue of their own that nothing consumes (then dropped)."""
    broker = os.environ.get("CELERY_BROKER_URL", "")
    require(broker.startswith("redis://"), "needs a Redis broker (CELERY_BROKER_URL=redis://...)")
    require(connection.vendor == "postgresql", "needs PostgreSQL")
    queue = f"test-timing-{uuid.uuid4().hex[:8]}"
    previous = celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    yield
    celery_app.conf.task_default_queue = previous
    with celery_app.connection_for_write() as broker_connection:
        broker_connection.default_channel.queue_delete(queue)


def measure(known, unknown, status: int) -> tuple[float, float, float]:
    """z, and the median times in ms, of `PAIRS` interleaved pairs (which goes first is random)."""
    order = random.Random(1)
    for number in range(PAIRS, PAIRS + 20):  # Warm up: templates, connections, caches.
        known(number), unknown(number)
    known_times, unknown_times = [], []
    for number in range(PAIRS):
        pair = [(known_times, known), (unknown_times, unknown)]
        order.shuffle(pair)
        for times, request in pair:
            times.append(timed(partial(request, number), status))
    logs = [math.log(value) for value in known_times], [math.log(value) for value in unknown_times]
    medians = statistics.median(known_times) * 1000, statistics.median(unknown_times) * 1000
    return mann_whitney_z(*logs), *medians


@pytest.mark.services
def test_known_and_unknown_addresses_take_the_same_time(real_broker, statement, settings, capsys):
    settings.SIGN_RATE_LIMIT = settings.FORM_RATE_LIMIT = "100000/h"
    settings.ACCOUNT_RATE_LIMITS = False  # allauth's limits per address and per client.
    for number in range(PAIRS + 20):
        SignatureFactory(statement=statement, email=f"known{number}@example.org")
        User.objects.create_user(email=f"member{number}@example.org", password=None)
    client = Client()
    paths = {
        "sign": (
            lambda number: sign(client, statement, f"known{number}@example.org"),
            lambda number: sign(client, statement, f"new{number}@example.org"),
        ),
        "resend": (
            lambda number: resend(client, f"known{number}@example.org"),
            lambda number: resend(client, f"new{number}@example.org"),
        ),
        "sign-up": (
            lambda number: sign_up(Client(), f"member{number}@example.org"),
            lambda number: sign_up(Client(), f"stranger{number}@example.org"),
        ),
    }
    statuses = {"sign": 302, "resend": 200, "sign-up": 302}
    results = {name: measure(*requests, statuses[name]) for name, requests in paths.items()}
    with capsys.disabled():
        for name, (z, known_ms, unknown_ms) in results.items():
            print(f"\n{name}: z={z:+.2f} median known {known_ms:.1f} ms, unknown {unknown_ms:.1f} ms")
    for name, (z, _known_ms, _unknown_ms) in results.items():
        assert abs(z) < Z_LIMIT, (name, results)
