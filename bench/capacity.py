"""The capacity model: how many machines a signing surge needs, computed from measured figures.

    python -m bench.capacity                       # reads bench/results/report.json
    python -m bench.capacity --report R --out docs/capacity.md

Every input is a figure of a benchmark run (its key in report.json) or an assumption named in
ASSUMPTIONS below; the output says which for every number. Pure arithmetic on the report's
dictionaries, so tests/bench/test_capacity.py checks it without running anything.
"""

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The 2019 UK petitions peak (LESSONS.md): about 33 signatures a second while 100,000 people
# watched one count, which the page polls every 10 seconds; and ten times both.
SCENARIOS = {
    "2019 peak": {"signatures_per_s": 33, "watchers": 100_000, "signatures_total": 6_100_000},
    "ten times": {"signatures_per_s": 330, "watchers": 1_000_000, "signatures_total": 61_000_000},
}
ASSUMPTIONS = {
    "poll_seconds": (10, "the live count polls its JSON every 10 s (as the 2019 site did)"),
    "host_cores": (2, "a host is like the benchmark machine: 2 cores"),
    "utilisation": (0.6, "plan each host at 60% CPU: room for bursts, deploys and one lost host"),
    "spare_hosts": (1, "one spare web and one spare worker host beyond what the load needs (N+1)"),
    "writes_per_signature": (
        3,
        "a confirmed signature commits 3 write transactions: sign, confirm, email sent",
    ),
    "cdn_edges": (
        50,
        "a CDN fetches a count from the origin once per lifetime per edge location, 50 of them",
    ),
    "count_documents": (3, "three cached count documents per statement: JSON, badge, widget"),
    "origin_cache_seconds": (5, "the site caches a count document for 5 s (README, Embedding and the API)"),
    "redis_cores": (1, "Redis runs commands on one core, whatever the host"),
}
CDN_LIFETIMES = [0, 1, 5, 10, 30]


def assumption(name: str) -> float:
    return ASSUMPTIONS[name][0]


@dataclass(frozen=True)
class Costs:
    """Milliseconds of CPU per unit, by part of the site, from the report's CPU blocks."""

    web: float
    worker: float
    postgres: float
    redis: float
    source: str

    @property
    def total(self) -> float:
        return self.web + self.worker + self.postgres + self.redis


def costs(figures: dict, key: str) -> Costs | None:
    """A figure's CPU block as milliseconds per unit for web, worker, PostgreSQL and Redis."""
    block = figures.get(key, {}).get("cpu")
    if not block or not block.get("count"):
        return None
    groups, count = block["groups_s"], block["count"]

    def milliseconds(*names: str) -> float:
        return round(
            sum(seconds for name, seconds in groups.items() if name.startswith(names)) * 1000 / count, 3
        )

    return Costs(
        web=milliseconds("web", "load balancer"),
        worker=milliseconds("worker", "beat"),
        postgres=milliseconds("postgres", "pooler"),
        redis=milliseconds("redis"),
        source=key,
    )


def value(figures: dict, key: str) -> float | None:
    figure = figures.get(key)
    return None if figure is None else figure.get("value")


def hosts(cores: float) -> int:
    """Hosts of `host_cores` cores at the planned utilisation, plus the spare."""
    per_host = assumption("host_cores") * assumption("utilisation")
    return max(1, math.ceil(cores / per_host)) + int(assumption("spare_hosts"))


def origin_count_requests(watchers: int, cdn_lifetime: float) -> float:
    """Count requests per second reaching the site: every poll without a CDN, else one per
    lifetime per edge and document (never more than the polls themselves)."""
    polls = watchers / assumption("poll_seconds")
    if not cdn_lifetime:
        return polls
    return min(polls, assumption("cdn_edges") * assumption("count_documents") / cdn_lifetime)


def plan(figures: dict, scenario: dict, cdn_lifetime: float) -> dict:
    """Cores and hosts per tier for one scenario; None where a figure is missing."""
    signing, reading = costs(figures, "b3.e2e.hot"), costs(figures, "b1.api")
    if signing is None or reading is None:
        return {}
    rate = scenario["signatures_per_s"]
    reads = origin_count_requests(scenario["watchers"], cdn_lifetime)
    cores = {
        "web": (rate * signing.web + reads * reading.web) / 1000,
        "worker": rate * signing.worker / 1000,
        "postgres": (rate * signing.postgres + reads * reading.postgres) / 1000,
        "redis": (rate * signing.redis + reads * reading.redis) / 1000,
    }
    ceiling = value(figures, "b7.pgbench.signing")
    writes = rate * assumption("writes_per_signature")
    bytes_per_signature = value(figures, "b7.storage")
    shares = {
        "PostgreSQL's write ceiling": writes / ceiling if ceiling else 0,
        "PostgreSQL's CPU (one 2-core host)": cores["postgres"] / assumption("host_cores"),
        "Redis (one core)": cores["redis"] / assumption("redis_cores"),
    }
    return {
        "count_requests_at_origin": reads,
        "first_limit": max(shares, key=shares.get),
        "first_limit_share": max(shares.values()),
        "database_host_cores": max(
            int(assumption("host_cores")), math.ceil(cores["postgres"] / assumption("utilisation"))
        ),
        "cores": cores,
        "web_hosts": hosts(cores["web"]),
        "worker_hosts": hosts(cores["worker"]),
        "database_cores": cores["postgres"],
        "write_transactions_per_s": writes,
        "write_ceiling_share": writes / ceiling if ceiling else None,
        "database_bytes": scenario["signatures_total"] * bytes_per_signature if bytes_per_signature else None,
    }


def single_machine_limits(figures: dict) -> dict:
    """Signatures per second one 2-core machine running everything could take, by what limits it."""
    signing = costs(figures, "b3.e2e.hot")
    ceiling = value(figures, "b7.pgbench.signing")
    cores = assumption("host_cores")
    limits = {}
    if signing is not None and signing.total:
        limits["site CPU (every process on one machine)"] = cores * 1000 / signing.total
        if signing.postgres:
            limits["PostgreSQL CPU, with the database alone on the machine"] = cores * 1000 / signing.postgres
    if ceiling:
        limits["PostgreSQL write ceiling (pgbench)"] = ceiling / assumption("writes_per_signature")
    return limits


def number(amount: float | None, digits: int = 0) -> str:
    if amount is None:
        return "not measured"
    return f"{amount:,.{digits}f}"


def size(amount: float | None) -> str:
    if amount is None:
        return "not measured"
    return f"{amount / 1024**3:,.1f} GiB"


# The loads whose CPU the model uses (the first two) or shows beside them for comparison.
COSTED = [
    ("a confirmed signature, end to end", "b3.e2e.hot"),
    ("a count request (JSON)", "b1.api"),
    ("a sign POST (the worker's emails meanwhile included)", "b3.sign"),
    ("a confirmation POST", "b3.confirm"),
    ("a write baseline POST", "b3.baseline"),
    ("a read baseline GET", "b1.baseline"),
]


def inputs_table(figures: dict) -> list[str]:
    lines = ["| input | value | from |", "| --- | --- | --- |"]
    for label, key in COSTED:
        measured = costs(figures, key)
        if measured is None:
            lines.append(f"| {label} | not measured | `{key}` CPU |")
            continue
        parts = f"web {measured.web:.2f}, worker {measured.worker:.2f}, "
        parts += f"PostgreSQL {measured.postgres:.2f}, Redis {measured.redis:.2f}"
        lines.append(f"| {label}: ms of CPU | {measured.total:.2f} ({parts}) | `{key}` CPU |")
    rows = [
        ("confirmed signatures/s end to end, this machine", "b3.e2e.hot", 1),
        ("PostgreSQL write ceiling, signing's writes: transactions/s", "b7.pgbench.signing", 0),
        ("PostgreSQL CPU per such transaction: ms", "b7.cpu.pgbench.signing", 2),
        ("PostgreSQL write ceiling, TPC-B-like: transactions/s", "b7.pgbench.tpcb", 0),
        ("update emails/s, one 2-core machine", fanout(figures)[1], 0),
        ("database bytes per confirmed signature", "b7.storage", 0),
        ("surge: share of readers' requests served by the proxy's cache", "b6.hit_ratio", 4),
        ("surge: requests served per request that reached gunicorn", "b6.offload", 1),
    ]
    for label, key, digits in rows:
        lines.append(f"| {label} | {number(value(figures, key), digits)} | `{key}` |")
    return lines


def plans_table(figures: dict, cdn_lifetime: float) -> list[str]:
    lines = [
        "| | " + " | ".join(SCENARIOS) + " |",
        "| --- | " + " | ".join("---" for _ in SCENARIOS) + " |",
    ]
    plans = {name: plan(figures, scenario, cdn_lifetime) for name, scenario in SCENARIOS.items()}
    if not all(plans.values()):
        return ["Not computed: `b3.e2e.hot` or `b1.api` has no CPU figures in this report."]

    def row(label: str, render) -> None:
        lines.append(
            f"| {label} | " + " | ".join(render(plans[name], SCENARIOS[name]) for name in SCENARIOS) + " |"
        )

    row("signatures/s; people watching", lambda p, s: f"{s['signatures_per_s']:,}; {s['watchers']:,}")
    row("count requests/s reaching the site", lambda p, s: number(p["count_requests_at_origin"]))
    row("web: cores busy", lambda p, s: number(p["cores"]["web"], 1))
    row("**web hosts** (2 cores, 60%, +1)", lambda p, s: f"**{p['web_hosts']}**")
    row("worker: cores busy", lambda p, s: number(p["cores"]["worker"], 1))
    row("**worker hosts** (2 cores, 60%, +1)", lambda p, s: f"**{p['worker_hosts']}**")
    row("Redis: cores busy", lambda p, s: number(p["cores"]["redis"], 2))
    row("PostgreSQL: cores busy", lambda p, s: number(p["database_cores"], 1))
    row("**PostgreSQL host: cores** (60%)", lambda p, s: f"**{p['database_host_cores']}**")
    row("write transactions/s", lambda p, s: number(p["write_transactions_per_s"]))
    row(
        "share of this machine's write ceiling",
        lambda p, s: (
            "not measured" if p["write_ceiling_share"] is None else f"{p['write_ceiling_share']:.0%}"
        ),
    )
    row(
        "**database size** (all signatures)",
        lambda p, s: f"**{size(p['database_bytes'])}** ({s['signatures_total']:,})",
    )
    row(
        "**saturates first** (web and workers scale out; these do not)",
        lambda p, s: f"**{p['first_limit']}**, at {p['first_limit_share']:.0%}",
    )
    return lines


def freshness_table(figures: dict) -> list[str]:
    reading = costs(figures, "b1.api")
    origin_cache = assumption("origin_cache_seconds")
    lines = [
        "| CDN lifetime | count requests/s at the site | web cores for counts | oldest count shown |",
        "| --- | --- | --- | --- |",
    ]
    for lifetime in CDN_LIFETIMES:
        requests = [origin_count_requests(s["watchers"], lifetime) for s in SCENARIOS.values()]
        cores = "; ".join(number(r * reading.web / 1000, 1) for r in requests) if reading else "not measured"
        # Cached at the site, then at the edge for its lifetime and as long again while it
        # revalidates (stale-while-revalidate), then shown until the next poll.
        oldest = origin_cache + 2 * lifetime + assumption("poll_seconds")
        label = "none" if not lifetime else f"{lifetime} s"
        lines.append(f"| {label} | {'; '.join(number(r) for r in requests)} | {cores} | {oldest:g} s |")
    return lines


def in_short(figures: dict) -> list[str]:
    """The answer first: hosts per scenario, with a CDN in front of the counts and without."""
    lines = ["## In short", ""]
    for name, scenario in SCENARIOS.items():
        bare, cdn = plan(figures, scenario, 0), plan(figures, scenario, 5)
        if not bare:
            return []
        demand = f"{scenario['signatures_per_s']:,} signatures/s, {scenario['watchers']:,} watching"
        lines.append(
            f"- **{name}** ({demand}): {cdn['web_hosts']} web hosts with a CDN caching the count for"
            f" 5 s ({bare['web_hosts']} without), {cdn['worker_hosts']} worker hosts, a PostgreSQL host"
            f" of {cdn['database_host_cores']} cores ({bare['database_host_cores']} without a CDN) holding"
            f" {size(cdn['database_bytes'])}; first to saturate: {cdn['first_limit']}"
            f" ({cdn['first_limit_share']:.0%})."
        )
    return [*lines, ""]


def busy_warning(machine: dict) -> list[str]:
    """A report made while the machine did other work overstates every CPU figure: say so."""
    try:
        load = float(str(machine.get("load average at the end", "0")).split()[0])
    except ValueError:
        return []
    if load <= (machine.get("cores") or assumption("host_cores")):
        return []
    return [
        f"**Load average {load:g} on {machine.get('cores')} cores at the end of the run.** The benchmark's",
        "own processes count in it (its last scenario's), and so would any other work: CPU time per request",
        "grows when processes share cores, caches and memory bandwidth, so were other work running, every",
        "CPU figure below is overstated, and so is every host count. Regenerate this file from a run on a",
        "quiet machine.",
        "",
    ]


def fanout(figures: dict) -> tuple[float | None, str]:
    """The update-email rate: B4's larger fan-out, or its smaller one when that is all there is."""
    for key in ["b4.rate.large", "b4.rate.small"]:
        if value(figures, key):
            return value(figures, key), key
    return None, "b4.rate.large"


def surge_text(figures: dict) -> list[str]:
    """What B6's measured cache hit ratio leaves the site to answer of the readers' polls."""
    hit = value(figures, "b6.hit_ratio")
    if hit is None:
        return ["Not computed: `b6.hit_ratio` is missing (B6 did not run)."]
    polls = {name: scenario["watchers"] / assumption("poll_seconds") for name, scenario in SCENARIOS.items()}
    reaching = "; ".join(
        f"{name}: {number(count)} polls/s, {number(count * (1 - hit), 1)} of them at the site"
        for name, count in polls.items()
    )
    return [
        f"In B6, Varnish in front of one machine served a share {number(hit, 4)} of the readers' requests",
        "(statement page, count JSON, widget) from its cache, stale copies included (`b6.hit_ratio`),",
        f"and {number(value(figures, 'b6.offload'), 1)} requests per request that reached gunicorn, signers'",
        "included (`b6.offload`). The plans above count every poll at the site as a cache hit of the",
        "site's own (B1's cost); a shared cache in front of the site, honouring only the site's own",
        f"headers, leaves it (1 - {number(hit, 4)}) of the polls: {reaching}.",
    ]


def fanout_text(rate: float | None, key: str) -> str:
    if not rate:
        return f"Not computed: `{key}` is missing."
    durations = "; to ".join(
        f"{total:,} signers takes {total / rate / 3600:,.1f} hours on one host"
        for total in (scenario["signatures_total"] for scenario in SCENARIOS.values())
    )
    return (
        f"At {number(rate)} emails/s per 2-core worker host (`{key}`), an update to {durations}"
        " (workers scale out on the same broker; the SMTP relay's own rate is not measured here)."
    )


def markdown(report: dict) -> str:
    figures, machine = report.get("figures", {}), report.get("machine", {})
    limits = single_machine_limits(figures)
    first = min(limits, key=limits.get) if limits else None
    lines = [
        "# Capacity",
        "",
        "How many machines the signing path needs at the 2019 UK petitions peak and at ten times it,",
        "computed by `python -m bench.capacity` from the benchmark report named below. Every input is a",
        "measured figure (its key in `bench/results/report.json`) or an assumption listed here; rerun the",
        "benchmark and this script to bring every number up to date.",
        "",
        f"- Report: {report.get('date', 'unknown date')}, `{report.get('command', '')}`",
        f"- Server: {report.get('server', '')}",
        f"- Machine: {machine.get('CPU', '')}, {machine.get('cores', '')} cores, "
        f"load average at the end {machine.get('load average at the end', '')}",
        "",
        *busy_warning(machine),
        *in_short(figures),
        "## Measured inputs",
        "",
        "CPU figures are CPU seconds of each part of the site, read from /proc while the load ran,",
        "divided by the requests or confirmed signatures it served (see `bench/cpu.py`).",
        "",
        *inputs_table(figures),
        "",
        "## Assumptions",
        "",
        *[f"- `{name}` = {amount:g}: {reason}" for name, (amount, reason) in ASSUMPTIONS.items()],
        "- CPU per request stays the same on more hosts (no new contention); PostgreSQL scales with its",
        "  cores up to its write ceiling, which grows with faster disks (commit flushes), not with cores.",
        "",
        "## Where one machine saturates first",
        "",
        "Signatures per second this 2-core machine could take, if each part alone were the limit:",
        "",
        *[f"- {name}: {number(limit)}/s" for name, limit in limits.items()],
        "",
        f"The first to saturate is **{first}**." if first else "Not computed: figures missing.",
        "",
        "## The plan, without a CDN (every poll reaches the site)",
        "",
        *plans_table(figures, 0),
        "",
        "## The plan, with a CDN caching the count for 5 s",
        "",
        *plans_table(figures, 5),
        "",
        "## CDN lifetime against count freshness",
        "",
        "Each cell gives the 2019 peak; then ten times it. The oldest count shown adds the site's own",
        "cache, the CDN lifetime, as long again while the CDN revalidates (stale-while-revalidate) and",
        "the 10 s until the page polls again.",
        "",
        *freshness_table(figures),
        "",
        "## Sending an update to every signer",
        "",
        fanout_text(*fanout(figures)),
        "",
        "## The surge cache",
        "",
        *surge_text(figures),
        "",
    ]
    return "\n".join(lines)


def merged(reports: list[dict]) -> dict:
    """The last report's description, with the figures of all of them (a later one's win)."""
    figures: dict = {}
    for report in reports:
        figures |= report.get("figures", {})
    commands = ", ".join(f"`{report.get('command', '')}`" for report in reports)
    return reports[-1] | {"figures": figures, "command": commands.strip("`")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--report",
        nargs="+",
        default=[str(ROOT / "bench" / "results" / "report.json")],
        help="one report, or several whose figures are merged (a later one's win)",
    )
    parser.add_argument("--out", default=str(ROOT / "docs" / "capacity.md"))
    arguments = parser.parse_args()
    reports = [json.loads(Path(path).read_text()) for path in arguments.report]
    Path(arguments.out).write_text(markdown(merged(reports)))
    print(f"wrote {arguments.out}")


if __name__ == "__main__":
    main()
