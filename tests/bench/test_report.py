"""The benchmark report: ratios and targets computed from figures, and its Markdown and JSON."""

import json

from bench import report


def figure(value, scenario="B1", **extra) -> dict:
    return {"scenario": scenario, "label": "a figure", "value": value, "unit": "req/s", **extra}


def target(name: str) -> dict:
    figures = FIGURES
    return next(row for row in (report.evaluate(figures, t) for t in report.TARGETS) if row["name"] == name)


FIGURES = {
    "b1.baseline": figure(1000.0, p99_ms=12.5),
    "b1.api": figure(850.0),
    "b1.badge": figure(790.0),
    "b2.statement.small": figure(10.0, "B2"),
    "b2.statement.big": figure(12.6, "B2"),
    "b3.e2e.hot": figure(120.0, "B3"),
    "b3.e2e.spread": figure(100.0, "B3"),
    "b5.errors": figure(0, "B5"),
    "b5.drift": figure(3, "B5"),
}


def test_a_throughput_ratio_at_the_target_holds():
    row = target("API detail / read baseline (req/s)")
    assert row["ratio"] == 0.85
    assert row["holds"] is True


def test_a_throughput_ratio_below_the_target_does_not_hold():
    row = target("badge / read baseline (req/s)")
    assert row["ratio"] == 0.79
    assert row["holds"] is False


def test_a_latency_ratio_above_its_ceiling_does_not_hold():
    row = target("statement page latency, big / small")
    assert row["ratio"] == 1.26
    assert row["holds"] is False


def test_hot_over_spread_is_the_ratio_of_confirmations_per_second():
    row = target("end to end, hot / spread over 64")
    assert row["ratio"] == 1.2
    assert row["holds"] is True


def test_an_absolute_target_compares_the_figure_itself():
    row = target("end to end, confirmed signatures/s")
    assert row["ratio"] is None
    assert row["figure"] == 120.0
    assert row["holds"] is True


def test_any_count_drift_fails_the_exactness_target():
    assert target("count drift (shown - confirmed rows)")["holds"] is False
    assert target("error responses")["holds"] is True


def test_a_missing_figure_is_not_measured_rather_than_failed():
    row = target("widget / read baseline (req/s)")
    assert row["holds"] is None
    assert row["ratio"] is None


def test_a_zero_denominator_gives_no_ratio():
    figures = {"b1.api": figure(5.0), "b1.baseline": figure(0.0)}
    row = report.evaluate(figures, report.TARGETS[0])
    assert row["ratio"] is None
    assert row["holds"] is None


def test_report_files_hold_the_machine_the_figures_the_ratios_and_what_was_not_available(tmp_path):
    built = report.build(
        FIGURES,
        {"B4": "feature missing: no update sending yet"},
        {"date": "2026-11-27", "command": "make bench", "machine": {"CPU": "Test CPU", "cores": 2}},
    )
    report.write(built, tmp_path)
    data = json.loads((tmp_path / "report.json").read_text())
    text = (tmp_path / "report.md").read_text()
    assert data["machine"]["CPU"] == "Test CPU"
    assert data["figures"]["b1.api"]["value"] == 850.0
    ratios = {row["name"]: row["ratio"] for row in data["targets"]}
    assert ratios["API detail / read baseline (req/s)"] == 0.85
    assert "| scenario | figure | ratio | target | holds |" in text
    assert "| B1 | API detail / read baseline (req/s): 850.0 | 0.850 | >= 0.8 | yes |" in text
    assert "- B4: not available: feature missing: no update sending yet" in text
    assert "- CPU: Test CPU" in text


def test_the_markdown_says_what_errors_the_clients_saw():
    figures = FIGURES | {"b5.signers": figure(30.0, "B5", errors=2, failures={"TimeoutError: timed out": 2})}
    built = report.build(figures, {}, {})
    text = report.markdown(built)
    assert "## Errors the clients saw" in text
    assert "- b5.signers: TimeoutError: timed out (x2)" in text
    assert "## Errors the clients saw" not in report.markdown(report.build(FIGURES, {}, {}))
