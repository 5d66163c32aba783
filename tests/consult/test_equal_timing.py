"""Signing, resending and signing up answer alike whether or not the address is known.

A script that times these forms must learn nothing the page does not tell it. The request does
the same work either way, which the query counts below check exactly (they fail the moment one
path looks something up that the other does not); the timing test measures it, on PostgreSQL
with a real broker (the tasks are queued, not run, as in production).
"""

import math
import os
import random
import re
import statistics
import time
import uuid
from functools import partial

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from config import celery_app
from consult import signing
from consult.models import OutboundEmail, SignAttempt, Signature
from tests.consult.signers import sign_data
from tests.factories import SignatureFactory, UserFactory
from tests.services import require

pytestmark = pytest.mark.django_db
# Quoted strings and numbers in SQL as the database ran it, and the names of savepoints and
# cursors (numbered per thread and per use).
VALUES = re.compile(r"'(?:[^']|'')*'|\b\d+\b|\"[^\"]*\d{6,}[^\"]*\"")


def sign(client: Client, statement, email: str):
    return client.post(reverse("statement_sign", args=[statement.slug]), sign_data(email=email))


def resend(client: Client, email: str):
    return client.post(reverse("signature_resend"), {"email": email})


def sign_up(client: Client, email: str):
    password = "a-long-test-password"
    return client.post(
        reverse("account_signup"), {"email": email, "password1": password, "password2": password}
    )


def queries(request) -> list[str]:
    """The SQL a request ran, with its values (which differ by address and time) taken out."""
    with CaptureQueriesContext(connection) as captured:
        request()
    return [VALUES.sub("?", query["sql"]) for query in captured.captured_queries]


def answer(response) -> tuple:
    cookies = sorted((name, morsel["path"]) for name, morsel in response.cookies.items())
    return response.status_code, response.get("Location"), cookies, response.content


@pytest.fixture
def known(statement):
    """An address that signed (and waits to confirm), and one that has an account."""
    SignatureFactory(statement=statement, email="known@example.org")
    UserFactory(email="member@example.org", verified=True)


@pytest.mark.parametrize("state", [Signature.State.PENDING, Signature.State.CONFIRMED])
def test_signing_with_a_known_address_runs_the_same_queries_as_with_a_new_one(client, statement, state):
    signature = SignatureFactory(statement=statement, email="known@example.org")
    if state == Signature.State.CONFIRMED:
        signature.confirm()
    known = queries(lambda: sign(Client(), statement, "known@example.org"))
    unknown = queries(lambda: sign(Client(), statement, "new@example.org"))
    assert len(known) == len(unknown) and known == unknown
    assert SignAttempt.objects.count() == 2


def test_resending_for_a_known_address_runs_the_same_queries_as_for_a_stranger(statement):
    SignatureFactory(statement=statement, email="known@example.org")
    known = queries(lambda: resend(Client(), "known@example.org"))
    unknown = queries(lambda: resend(Client(), "nobody@example.org"))
    assert len(known) == len(unknown) and known == unknown


def test_signing_up_with_a_known_address_runs_the_same_queries_as_with_a_new_one(db):
    UserFactory(email="member@example.org", verified=True)
    known = queries(lambda: sign_up(Client(), "member@example.org"))
    unknown = queries(lambda: sign_up(Client(), "new@example.org"))
    assert len(known) == len(unknown) and known == unknown
    assert not User.objects.filter(email="new@example.org").exists()  # Made by the task.


def test_the_answers_are_the_same_byte_for_byte(statement, known):
    for request in (
        lambda email: sign(Client(), statement, email),
        lambda email: resend(Client(), email),
    ):
        assert answer(request("known@example.org")) == answer(request("new@example.org"))
    signed_up = answer(sign_up(Client(), "member@example.org"))
    assert signed_up == answer(sign_up(Client(), "new@example.org"))
    assert signed_up[1] == reverse("account_email_verification_sent")


def test_the_task_tells_a_repeat_from_a_new_signer(statement, django_capture_on_commit_callbacks):
    signature = SignatureFactory(statement=statement, email="known@example.org")
    signature.confirm()
    with django_capture_on_commit_callbacks(execute=True):
        sign(Client(), statement, "known@example.org")
        sign(Client(), statement, "new@example.org")
    kinds = sorted(OutboundEmail.objects.values_list("kind", flat=True))
    assert kinds == [OutboundEmail.Kind.ALREADY_SIGNED, OutboundEmail.Kind.CONFIRM]
    assert Signature.objects.filter(statement=statement).count() == 2
    assert SignAttempt.objects.count() == 0


def test_an_attempt_is_acted_on_once_however_often_its_task_runs(statement):
    fields = {"name": "Jo", "email": "jo@example.org", "email_normalised": "jo@example.org"}
    payload = {"statement_id": statement.pk, "hold": "", "ip_hash": "", "language": "cy", "user_id": None}
    attempt = SignAttempt.objects.create(kind=SignAttempt.Kind.SIGN, payload=payload | {"fields": fields})
    assert signing.carry_out_attempt(attempt.pk) is True
    assert signing.carry_out_attempt(attempt.pk) is False
    signature = Signature.objects.get()
    assert (signature.email, signature.language) == ("jo@example.org", "cy")
    assert OutboundEmail.objects.get().kind == OutboundEmail.Kind.CONFIRM


def test_the_sweep_acts_on_attempts_no_task_took(statement):
    SignAttempt.objects.create(kind=SignAttempt.Kind.RESEND, payload={"email_normalised": "a@example.org"})
    assert signing.carry_out_waiting_attempts() == 0  # Young: its own task is on the way.
    SignAttempt.objects.update(created_at=SignAttempt.objects.get().created_at.replace(year=2000))
    assert signing.carry_out_waiting_attempts() == 1
    assert SignAttempt.objects.count() == 0


# The timing test: PostgreSQL, a real broker, 200 interleaved pairs per path.

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
