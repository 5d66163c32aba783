"""The benchmark's baseline views: hidden unless BENCHMARK_BASELINES is on, CSRF kept on."""

import pytest
from django.test import Client
from django.urls import reverse

from consult.models import BenchmarkRow

pytestmark = pytest.mark.django_db


@pytest.fixture
def baselines_on(settings):
    settings.BENCHMARK_BASELINES = True


def test_read_baseline_is_not_found_when_the_benchmark_is_off(client, settings):
    settings.BENCHMARK_BASELINES = False
    assert client.get("/bench/baseline/read/").status_code == 404


def test_write_baseline_is_not_found_and_writes_nothing_when_the_benchmark_is_off(client, settings):
    settings.BENCHMARK_BASELINES = False
    assert client.post("/bench/baseline/write/").status_code == 404
    assert not BenchmarkRow.objects.exists()


def test_read_baseline_returns_a_small_json_document(client, baselines_on):
    response = client.get(reverse("bench_baseline_read"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"slug": "baseline", "signatures": 1000, "open": True}


def test_read_baseline_refuses_post(client, baselines_on):
    assert client.post(reverse("bench_baseline_read")).status_code == 405


def test_write_baseline_gives_a_csrf_token_then_inserts_one_row_per_post(baselines_on):
    browser = Client(enforce_csrf_checks=True)
    token = browser.get(reverse("bench_baseline_write")).json()["csrfmiddlewaretoken"]
    first = browser.post(reverse("bench_baseline_write"), {"csrfmiddlewaretoken": token})
    second = browser.post(reverse("bench_baseline_write"), {"csrfmiddlewaretoken": token})
    assert (first.status_code, second.status_code) == (201, 201)
    assert BenchmarkRow.objects.count() == 2
    assert first.json()["id"] != second.json()["id"]


def test_write_baseline_refuses_a_post_without_csrf_token(baselines_on):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(reverse("bench_baseline_write")).status_code == 403
    assert not BenchmarkRow.objects.exists()


def test_write_baseline_refuses_other_methods(client, baselines_on):
    assert client.put(reverse("bench_baseline_write")).status_code == 405
    assert not BenchmarkRow.objects.exists()
