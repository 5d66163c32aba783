"""The benchmark's report: figures in, ratios against targets out, as Markdown and JSON.

Pure functions on plain dictionaries, so the arithmetic is tested without running a benchmark.
A figure is {"scenario", "label", "value", "unit"} plus optional "p99_ms" and "errors".
"""

import json
import operator
from dataclasses import dataclass
from pathlib import Path

COMPARISONS = {">=": operator.ge, "<=": operator.le, "==": operator.eq}


@dataclass(frozen=True)
class Target:
    """What one figure (or the ratio of two) must be for a scenario to hold."""

    scenario: str
    name: str
    numerator: str
    denominator: str | None
    comparison: str
    threshold: float


TARGETS = [
    Target("B1", "API detail / read baseline (req/s)", "b1.api", "b1.baseline", ">=", 0.8),
    Target("B1", "badge / read baseline (req/s)", "b1.badge", "b1.baseline", ">=", 0.8),
    Target("B1", "widget / read baseline (req/s)", "b1.widget", "b1.baseline", ">=", 0.8),
    Target("B2", "statement page latency, big / small", "b2.statement.big", "b2.statement.small", "<=", 1.25),
    Target(
        "B2",
        "consultation page latency, big / small",
        "b2.consultation.big",
        "b2.consultation.small",
        "<=",
        1.25,
    ),
    Target(
        "B2",
        "anonymous statement page / read baseline (req/s)",
        "b2.statement.rate",
        "b1.baseline",
        ">=",
        0.5,
    ),
    Target("B3", "sign POST / write baseline (req/s)", "b3.sign", "b3.baseline", ">=", 0.5),
    Target("B3", "confirmation POST / write baseline (req/s)", "b3.confirm", "b3.baseline", ">=", 0.5),
    Target("B3", "end to end, confirmed signatures/s", "b3.e2e.hot", None, ">=", 100),
    Target("B3", "end to end, hot / spread over 64", "b3.e2e.hot", "b3.e2e.spread", ">=", 0.8),
    Target("B3", "site CPU per confirmed signature, end to end (ms)", "b3.cpu.e2e.hot", None, "<=", 20),
    Target("B4", "update to 10k / SMTP baseline (messages/s)", "b4.rate.small", "b4.baseline", ">=", 0.5),
    Target("B4", "update to 100k / SMTP baseline (messages/s)", "b4.rate.large", "b4.baseline", ">=", 0.5),
    Target("B4", "worker peak memory, 100k / 10k", "b4.memory.large", "b4.memory.small", "<=", 1.2),
    Target("B5", "error responses", "b5.errors", None, "==", 0),
    Target("B5", "count drift (shown - confirmed rows)", "b5.drift", None, "==", 0),
    Target("B6", "error responses through the proxy (outage included)", "b6.errors", None, "==", 0),
    Target(
        "B6",
        "signers shown the try-again page while the site was stopped",
        "b6.outage.try_again",
        None,
        ">=",
        1,
    ),
    Target("B6", "confirmations seen by clients but not counted", "b6.lost", None, "==", 0),
    Target("B6", "count drift (shown - confirmed rows)", "b6.drift", None, "==", 0),
    Target("B7", "error responses through the balancer", "b7.errors", None, "==", 0),
    Target("B7", "confirmations seen by clients but not in the database", "b7.lost", None, "==", 0),
    Target("B7", "count drift (shown - confirmed rows)", "b7.drift", None, "==", 0),
    Target("B7", "instance killed mid-run: routed around, back after restart", "b7.failover", None, "==", 1),
    Target("B7", "a form from one instance accepted by the other", "b7.shared.form", None, "==", 1),
    Target("B7", "a session from one instance known to the other", "b7.shared.session", None, "==", 1),
    Target("B7", "the sign rate limit counted across instances", "b7.shared.ratelimit", None, "==", 1),
]


def evaluate(figures: dict[str, dict], target: Target) -> dict:
    """One row of the targets table; `holds` is None when a figure is missing."""
    row = {"scenario": target.scenario, "name": target.name, "comparison": target.comparison}
    row["target"] = f"{target.comparison} {target.threshold:g}"
    numerator = figures.get(target.numerator)
    denominator = figures.get(target.denominator) if target.denominator else None
    if numerator is None or (target.denominator and not denominator):
        return row | {"figure": None, "ratio": None, "holds": None}
    row["figure"] = numerator["value"]
    if denominator is None:
        row["ratio"] = None
        compared = numerator["value"]
    elif not denominator["value"]:
        return row | {"ratio": None, "holds": None}
    else:
        compared = row["ratio"] = round(numerator["value"] / denominator["value"], 3)
    row["holds"] = bool(COMPARISONS[target.comparison](compared, target.threshold))
    return row


def build(figures: dict[str, dict], unavailable: dict[str, str], context: dict) -> dict:
    return {
        **context,
        "figures": figures,
        "targets": [evaluate(figures, target) for target in TARGETS],
        "unavailable": unavailable,
    }


def format_number(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return f"{value:,}"


def holds_text(holds: bool | None) -> str:
    return {True: "yes", False: "**no**", None: "not measured"}[holds]


def markdown(report: dict) -> str:
    machine = report.get("machine", {})
    lines = [
        "# Benchmark report",
        "",
        f"- Date: {report.get('date', '')}",
        f"- Command: `{report.get('command', '')}`",
        f"- Mode: {report.get('mode', '')}",
        f"- Server: {report.get('server', '')}",
        *[f"- {key}: {value}" for key, value in machine.items()],
        "",
        "## Targets",
        "",
        "| scenario | figure | ratio | target | holds |",
        "| --- | --- | --- | --- | --- |",
    ]
    for row in report["targets"]:
        figure = f"{row['name']}: {format_number(row.get('figure'))}"
        ratio = format_number(row.get("ratio"))
        lines.append(
            f"| {row['scenario']} | {figure} | {ratio} | {row['target']} | {holds_text(row['holds'])} |"
        )
    lines += ["", "## Figures", "", "| key | scenario | figure | value | unit | p99 (ms) | errors |"]
    lines.append("| --- | --- | --- | --- | --- | --- | --- |")
    for key, figure in report["figures"].items():
        p99 = format_number(figure.get("p99_ms"))
        values = [key, figure["scenario"], figure["label"], format_number(figure["value"]), figure["unit"]]
        lines.append("| " + " | ".join([*values, p99, format_number(figure.get("errors"))]) + " |")
    lines += cpu_lines(report["figures"])
    failed = {key: figure["failures"] for key, figure in report["figures"].items() if figure.get("failures")}
    if failed:
        lines += ["", "## Errors the clients saw", ""]
        lines += [
            f"- {key}: {reason} (x{count})"
            for key, reasons in failed.items()
            for reason, count in reasons.items()
        ]
    if report["unavailable"]:
        lines += ["", "## Not available", ""]
        lines += [
            f"- {scenario}: not available: {reason}" for scenario, reason in report["unavailable"].items()
        ]
    return "\n".join(lines) + "\n"


def cpu_lines(figures: dict[str, dict]) -> list[str]:
    """What each measured load cost: the site's CPU per unit, each group's seconds, and the clients'."""
    measured = {key: figure["cpu"] for key, figure in figures.items() if figure.get("cpu")}
    if not measured:
        return []
    lines = [
        "",
        "## CPU",
        "",
        "CPU seconds each group of processes spent during the load, from /proc; the site is every group",
        "but the load generator and the SMTP sink. Shared services (Redis, PostgreSQL's background",
        "processes) count whatever else the machine asked of them meanwhile.",
        "",
        "| key | site CPU (ms) | per | groups (CPU s) | cores busy | seconds |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, block in measured.items():
        groups = ", ".join(f"{name} {seconds:,.2f}" for name, seconds in block["groups_s"].items())
        values = [key, format_number(block["site_ms"]), f"{block['per']} (x{block['count']:,})", groups]
        lines.append(
            "| " + " | ".join([*values, format_number(block["cores_busy"]), f"{block['seconds']}"]) + " |"
        )
    return lines


def write(report: dict, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
    (folder / "report.md").write_text(markdown(report))
