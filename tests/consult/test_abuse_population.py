"""The signing rules measured on populations: honest crowds behind shared addresses, and attacks.

Every signature goes through the real sign view and the real confirmation email task, on
PostgreSQL, with a simulated clock (Django's `timezone.now`) so that an hour passes in seconds.
The figures are the table in docs/abuse.md; print it with

    pytest -s -q tests/consult/test_abuse_population.py

"Stopped" is a signature that would not count even if everyone emailed confirmed: refused as a
flood (429), or held by the rules. "Emails" is how many confirmation emails left.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.utils import timezone

from consult.models import Signature
from tests.conftest import require
from tests.consult.signers import post_sign, served_token
from tests.factories import StatementFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db]

BIG_PROVIDERS = ["gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "icloud.com", "btinternet.com"]


@dataclass
class Attempt:
    second: float  # After the start of the scenario.
    ip: str
    email: str
    dwell: float


@dataclass
class Figures:
    attempts: int
    refused: int
    held: int
    emails: int

    @property
    def stopped(self) -> int:
        return self.refused + self.held

    @property
    def stopped_share(self) -> float:
        return self.stopped / self.attempts


def honest(rng: random.Random) -> Iterator[Attempt]:
    """300 people through 10 shared addresses over an hour, 3–60 s on the form; most at the big
    providers, a third at 40 workplaces' and small providers' own domains."""
    for number in range(300):
        domain = rng.choice(BIG_PROVIDERS) if rng.random() < 0.67 else f"work{rng.randrange(40)}.example.org"
        yield Attempt(
            rng.uniform(0, 3600),
            f"10.0.0.{rng.randrange(10)}",
            f"person{number}@{domain}",
            rng.uniform(3, 60),
        )


def one_address_flood(rng: random.Random) -> Iterator[Attempt]:
    """300 signatures from one address in 5 minutes, to strangers at the big providers."""
    for number in range(300):
        yield Attempt(number, "203.0.113.1", f"stranger{number}@{rng.choice(BIG_PROVIDERS)}", 5)


def rotating_addresses(rng: random.Random) -> Iterator[Attempt]:
    """300 through 50 rotating addresses, one throwaway domain (a catch-all nobody lists), 10 minutes."""
    for number in range(300):
        yield Attempt(number * 2, f"198.18.0.{number % 50}", f"x{number}@throwaway-inbox.example", 5)


def fast_forms(rng: random.Random) -> Iterator[Attempt]:
    """300 forms sent 0.5 s after loading, from 100 addresses, 10 minutes, at the big providers."""
    for number in range(300):
        yield Attempt(number * 2, f"198.19.0.{number % 100}", f"bot{number}@{rng.choice(BIG_PROVIDERS)}", 0.5)


def mailing_strangers(rng: random.Random) -> Iterator[Attempt]:
    """One client signing 1,000 strangers' addresses over an hour (spread over 20 statements)."""
    for number in range(1000):
        yield Attempt(number * 3.6, "203.0.113.66", f"victim{number}@{rng.choice(BIG_PROVIDERS)}", 8)


SCENARIOS = {
    "Honest: 300 signers via 10 shared addresses, dwell 3–60 s, 1 hour": (honest, 1),
    "Attack: 300 from one address in 5 minutes": (one_address_flood, 1),
    "Attack: 300 via 50 rotating addresses, one throwaway domain": (rotating_addresses, 1),
    "Attack: 300 with a 0.5 s dwell from 100 addresses": (fast_forms, 1),
    "Attack: one client mailing 1,000 strangers (20 statements)": (mailing_strangers, 20),
}


def run(scenario, statements: int, capture) -> Figures:
    """Post every attempt at its simulated time; count refusals, holds and emails sent."""
    rng = random.Random(2026)
    on = [StatementFactory() for _statement in range(statements)]
    # Ahead of the real clock, which some defaults still read (an outbox row's first attempt):
    # a row due in the real future would wait for the sweep instead of its task.
    start = timezone.now() + timedelta(minutes=10)
    attempts = sorted(scenario(rng), key=lambda attempt: attempt.second)
    refused = 0
    for index, attempt in enumerate(attempts):
        moment = start + timedelta(seconds=attempt.second)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            response = post_sign(
                Client(REMOTE_ADDR=attempt.ip),
                on[index % statements],
                capture,
                email=attempt.email,
                started=served_token(seconds_ago=attempt.dwell),
            )
        refused += response.status_code == 429
        assert response.status_code in (302, 429)
    held = Signature.objects.filter(statement__in=on).exclude(hold=Signature.Hold.NONE).count()
    return Figures(len(attempts), refused, held, len(mail.outbox))


TABLE: dict[str, Figures] = {}


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_population(name, django_capture_on_commit_callbacks):
    require(connection.vendor == "postgresql", "needs PostgreSQL (DATABASE_URL=postgres://...)")
    scenario, statements = SCENARIOS[name]
    figures = run(scenario, statements, django_capture_on_commit_callbacks)
    TABLE[name] = figures
    print_table()
    if name.startswith("Honest"):
        assert figures.stopped == 0
    elif "mailing" in name:
        assert figures.emails <= 50  # SIGN_MAIL_CAP_PER_IP's default, 50 an hour.
    elif "dwell" not in name:  # Time on the form alone never holds anyone, by design.
        assert figures.stopped_share >= 0.95


def print_table() -> None:
    print("\n| Scenario | Attempts | Refused (429) | Held | Stopped | Emails sent |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, figures in TABLE.items():
        print(
            f"| {name} | {figures.attempts} | {figures.refused} | {figures.held} | "
            f"{figures.stopped} ({figures.stopped_share:.0%}) | {figures.emails} |"
        )
