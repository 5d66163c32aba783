"""The capacity model's arithmetic, on figures shaped like a benchmark report's."""

import pytest

from bench import capacity


def cpu_block(count: int, **groups: float) -> dict:
    return {"count": count, "per": "request", "groups_s": groups, "site_ms": None}


# 100 confirmed signatures cost web 2 s, worker 1 s, PostgreSQL 0.5 s (backends and background),
# Redis 0.1 s: 20, 10, 5 and 1 ms each. 1,000 count requests cost web 0.5 s: 0.5 ms each.
FIGURES = {
    "b3.e2e.hot": {
        "value": 40.0,
        "cpu": cpu_block(
            100,
            **{"web": 2.0, "worker": 1.0, "postgres for web": 0.4, "postgres background": 0.1, "redis": 0.1},
            **{"load generator": 9.0},
        ),
    },
    "b1.api": {"value": 3000.0, "cpu": cpu_block(1000, web=0.5, redis=0.0, **{"load generator": 3.0})},
    "b7.pgbench.signing": {"value": 900.0},
    "b7.storage": {"value": 2048},
    "b4.rate.large": {"value": 250.0},
}


def test_costs_are_milliseconds_per_unit_by_part_of_the_site_without_the_load_generator():
    signing = capacity.costs(FIGURES, "b3.e2e.hot")
    assert (signing.web, signing.worker, signing.postgres, signing.redis) == (20.0, 10.0, 5.0, 1.0)
    assert signing.total == 36.0
    assert capacity.costs(FIGURES, "b9.missing") is None


def test_without_a_cdn_every_poll_reaches_the_site():
    assert capacity.origin_count_requests(100_000, 0) == 10_000


def test_a_cdn_sends_one_request_per_lifetime_per_edge_and_document():
    assert capacity.origin_count_requests(100_000, 5) == 50 * 3 / 5
    assert capacity.origin_count_requests(10, 1) == 1  # Never more than the polls themselves.


def test_hosts_are_cores_over_planned_utilisation_plus_a_spare():
    assert capacity.hosts(1.2) == 1 + 1  # 2 cores at 60% hold 1.2 cores of work.
    assert capacity.hosts(1.3) == 2 + 1
    assert capacity.hosts(0) == 1 + 1


def test_the_2019_peak_plan_adds_signing_and_count_reading_per_tier():
    plan = capacity.plan(FIGURES, capacity.SCENARIOS["2019 peak"], cdn_lifetime=0)
    # 33 signatures/s x 20 ms + 10,000 counts/s x 0.5 ms of web CPU.
    assert plan["cores"]["web"] == pytest.approx(0.66 + 5.0)
    assert plan["web_hosts"] == 5 + 1
    assert plan["cores"]["worker"] == pytest.approx(0.33)
    assert plan["database_cores"] == pytest.approx(0.165)
    assert plan["write_transactions_per_s"] == 99
    assert plan["write_ceiling_share"] == pytest.approx(0.11)
    assert plan["database_bytes"] == 6_100_000 * 2048


def test_a_plan_needs_both_cpu_figures():
    assert capacity.plan({"b3.e2e.hot": FIGURES["b3.e2e.hot"]}, capacity.SCENARIOS["2019 peak"], 0) == {}


def test_one_machine_saturates_first_where_its_limit_is_lowest():
    limits = capacity.single_machine_limits(FIGURES)
    assert limits["site CPU (every process on one machine)"] == pytest.approx(2000 / 36)
    assert limits["PostgreSQL write ceiling (pgbench)"] == 300
    assert min(limits, key=limits.get) == "site CPU (every process on one machine)"


def test_the_document_names_the_figure_behind_each_input_and_what_was_not_measured():
    text = capacity.markdown({"figures": FIGURES, "date": "2026-12-01", "command": "make bench"})
    assert (
        "| PostgreSQL write ceiling, signing's writes: transactions/s | 900 | `b7.pgbench.signing` |" in text
    )
    assert (
        "| surge: share of readers' requests served by the proxy's cache | not measured | `b6.hit_ratio` |"
        in text
    )
    assert "Not computed: `b6.hit_ratio` is missing (B6 did not run)." in text
    assert "PLACEHOLDER" not in text
    assert "**web hosts** (2 cores, 60%, +1) | **6** |" in text
    assert "The first to saturate is **site CPU (every process on one machine)**." in text


def test_the_surge_hit_ratio_leaves_the_site_the_polls_the_cache_missed():
    figures = FIGURES | {"b6.hit_ratio": {"value": 0.99}, "b6.offload": {"value": 250.0}}
    text = capacity.markdown({"figures": figures})
    assert (
        "| surge: share of readers' requests served by the proxy's cache | 0.9900 | `b6.hit_ratio` |" in text
    )
    assert "| surge: requests served per request that reached gunicorn | 250.0 | `b6.offload` |" in text
    # 100,000 watchers polling every 10 s: 10,000 polls/s, of which 1% miss.
    assert "2019 peak: 10,000 polls/s, 100.0 of them at the site" in text
    assert "ten times: 100,000 polls/s, 1,000.0 of them at the site" in text


def test_several_reports_merge_their_figures_the_later_winning():
    first = {"command": "make bench", "figures": {"b1.api": {"value": 1.0}, "b3.sign": {"value": 2.0}}}
    second = {"command": "make bench-cluster", "date": "d2", "figures": {"b1.api": {"value": 3.0}}}
    report = capacity.merged([first, second])
    assert report["figures"] == {"b1.api": {"value": 3.0}, "b3.sign": {"value": 2.0}}
    assert report["date"] == "d2"
    assert report["command"] == "make bench`, `make bench-cluster"
