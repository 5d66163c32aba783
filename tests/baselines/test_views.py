"""The benchmark's baseline views: absent unless BENCHMARK_BASELINES is on, CSRF kept on.

The tests run with the baselines installed (tests/settings.py); whether they are installed at all
is tried in a fresh process with a production site's variables.
"""

import pytest
from django.test import Client
from django.urls import reverse

from baselines.models import BenchmarkRow
from tests.commands import PRODUCTION, served_paths

pytestmark = pytest.mark.django_db

# Public paths: the benchmark's driver requests them as they are written here.
BASELINES = ["/bench/baseline/read/", "/bench/baseline/write/"]


def test_a_production_site_has_no_baselines():
    assert served_paths(BASELINES, **PRODUCTION) == []


def test_the_benchmark_switch_installs_the_baselines_at_their_public_paths():
    assert served_paths(BASELINES, **PRODUCTION, BENCHMARK_BASELINES="1") == BASELINES


def test_read_baseline_returns_a_small_json_document(client):
    response = client.get("/bench/baseline/read/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"slug": "baseline", "signatures": 1000, "open": True}


def test_read_baseline_refuses_post(client):
    assert client.post(reverse("bench_baseline_read")).status_code == 405


def test_write_baseline_gives_a_csrf_token_then_inserts_one_row_per_post():
    browser = Client(enforce_csrf_checks=True)
    token = browser.get(reverse("bench_baseline_write")).json()["csrfmiddlewaretoken"]
    first = browser.post(reverse("bench_baseline_write"), {"csrfmiddlewaretoken": token})
    second = browser.post(reverse("bench_baseline_write"), {"csrfmiddlewaretoken": token})
    assert (first.status_code, second.status_code) == (201, 201)
    assert BenchmarkRow.objects.count() == 2
    assert first.json()["id"] != second.json()["id"]


def test_write_baseline_refuses_a_post_without_csrf_token():
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(reverse("bench_baseline_write")).status_code == 403
    assert not BenchmarkRow.objects.exists()


def test_write_baseline_refuses_other_methods(client):
    assert client.put(reverse("bench_baseline_write")).status_code == 405
    assert not BenchmarkRow.objects.exists()
