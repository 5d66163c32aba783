"""`make bench` and `make bench-smoke`: start the site's production shape, load data, run B1-B7.

    python -m bench.run            # the full run: 1,000,000 signatures, 64 clients, minutes
    python -m bench.run --smoke    # every scenario at tiny size, in seconds each

With DATABASE_URL (PostgreSQL) and REDIS_URL set, or always for the full run, it uses the
production shape: gunicorn, PostgreSQL (its own database, recreated), Redis (its own db numbers)
and a Celery worker. The smoke run without them uses the embedded defaults: SQLite and tasks run
in-process. Either way DEBUG is off, mail goes to an SMTP sink on loopback, and everything
started is stopped at the end. The report goes to bench/results/report.md and report.json,
with the CPU each part of the site spent per request (bench/cpu.py). B6, a surge through a caching
proxy while the site stops for a while, lives in bench/surge.py; B7, the same shape as several
hosts behind a load balancer and a pooler, in bench/cluster.py.
"""

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from bench import cluster, cpu, driver, report, services, surge, wrk

ROOT = services.ROOT
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "bench"
PYTHON = services.PYTHON

# 2 cores: 4 gthread workers (2 per core, so one runs while another waits on PostgreSQL or
# Redis; the GIL keeps each to one core anyway) of 4 threads, which hold keep-alive
# connections and overlap I/O waits: 16 requests in progress at most, 16 database connections.
FULL = {
    "signatures": 1_000_000,
    "small": 1_000,
    "tokens": 30_000,
    "connections": 64,
    "seconds": 15,
    "flow_seconds": 30,
    "flood_seconds": 60,
    "outage_seconds": 30,
    "renders": 300,
    "fanout_small": 10_000,
    "fanout_large": 100_000,
    "fanout_timeout": 1800,
    "workers": 4,
    "threads": 4,
    "worker_processes": 4,
    "warmup": 2,
}
SMOKE = {
    "signatures": 2_000,
    "small": 20,
    "tokens": 400,
    "connections": 8,
    "seconds": 2,
    "flow_seconds": 6,
    "flood_seconds": 5,
    "outage_seconds": 15,
    "renders": 20,
    "fanout_small": 50,
    "fanout_large": 500,
    "fanout_timeout": 120,
    "workers": 2,
    "threads": 4,
    "worker_processes": 2,
    "warmup": 0,
}
# SQLite takes one writer at a time: one single-threaded worker, so requests never collide.
EMBEDDED = {"workers": 1, "threads": 1, "connections": 4}
SPREAD = 64


@dataclass
class Context:
    sizes: dict
    mode: str
    environment: dict
    port: int
    processes: services.Processes
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))
    fixtures: dict = field(default_factory=dict)
    figures: dict = field(default_factory=dict)
    unavailable: dict = field(default_factory=dict)
    mailbox: driver.Mailbox | None = None
    meter: cpu.Meter | None = None

    def figure(self, key: str, scenario: str, label: str, measured: dict) -> None:
        self.figures[key] = {"scenario": scenario, "label": label, **measured}
        print(f"  {key}: {measured.get('value')} {measured.get('unit', '')}", flush=True)
        if measured.get("cpu", {}).get("site_ms") is not None:
            # What it cost as a figure of its own, for the targets and the capacity model.
            name, _, rest = key.partition(".")
            self.figure(f"{name}.cpu.{rest}", scenario, f"site CPU, {label}", cpu.cost(measured["cpu"]))


def production_urls(smoke: bool, processes: services.Processes) -> tuple[str, str] | None:
    """The database and Redis URLs of the production shape, or None for the embedded defaults."""
    database = os.environ.get("DATABASE_URL", "")
    redis = os.environ.get("REDIS_URL", "")
    if smoke and not (database.startswith("postgres") and redis):
        return None
    database = database if database.startswith("postgres") else "postgres://postgres@127.0.0.1:5432/postgres"
    if not redis:
        if shutil.which("redis-server") is None:
            raise SystemExit("make bench needs Redis: set REDIS_URL or install redis-server.")
        redis = services.start_redis(processes)
    name = "consult_bench_smoke" if smoke else "consult_bench"
    return services.with_database(database, name), redis


def redis_db(url: str, number: int) -> str:
    return urlsplit(url)._replace(path=f"/{number}").geturl()


def environment(context_port: int, smtp_port: int, urls: tuple[str, str] | None) -> dict:
    names = ["DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "EMAIL_URL", "DEBUG", "SITE_URL"]
    base = {key: value for key, value in os.environ.items() if key not in names}
    base |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SITE_URL": f"http://127.0.0.1:{context_port}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "BENCHMARK_BASELINES": "1",
        # Each simulated signer sends its own address, as they would through a proxy: the rate
        # limits run as in production without holding every benchmark signature as suspect.
        "CLIENT_IP_HEADER": "HTTP_X_FORWARDED_FOR",
        # Its signers are thousands of people at one big provider, as most signers are (gmail.com
        # and the like are allowed by default): without this the per-domain mail cap would hold
        # all but the first few as a flood to one domain, and no confirmation would be measured.
        "SIGN_ALLOWED_DOMAINS": "example.org",
        "LOG_LEVEL": "WARNING",
    }
    if urls is None:
        return base | {"DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}"}
    database, redis = urls
    return base | {
        "DATABASE_URL": database,
        "REDIS_URL": redis_db(redis, 14),
        "CELERY_BROKER_URL": redis_db(redis, 15),
        "CELERY_TASK_DEFAULT_QUEUE": "bench",
    }


def ensure_wrk() -> None:
    """Install Debian's wrk if it is missing; without it the Python driver does the GETs."""
    if wrk.available() or shutil.which("apt-get") is None or os.geteuid() != 0:
        return
    command = "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk"
    subprocess.run(["sh", "-c", command], capture_output=True, timeout=300, check=False)


def prepare(context: Context) -> None:
    environment, logs, sizes = context.environment, WORK / "logs", context.sizes
    if context.mode == "production":
        services.recreate_postgres_database(environment["DATABASE_URL"])
        services.flush_redis(environment["REDIS_URL"])
        services.flush_redis(environment["CELERY_BROKER_URL"])
    else:
        (WORK / "bench.sqlite3").unlink(missing_ok=True)
    manage = [PYTHON, "manage.py"]
    print("== collectstatic, migrate", flush=True)
    services.run([*manage, "collectstatic", "--noinput"], environment, logs / "setup.log", 600)
    services.run([*manage, "migrate", "--noinput"], environment, logs / "setup.log", 600)
    print(f"== loading {sizes['signatures']:,} signatures", flush=True)
    fixtures_path = WORK / "fixtures.json"
    command = [PYTHON, "-m", "bench.load", "prepare", "--out", str(fixtures_path)]
    command += ["--big", str(sizes["signatures"]), "--small", str(sizes["small"])]
    command += ["--spread", str(SPREAD), "--tokens", str(sizes["tokens"])]
    started = time.monotonic()
    services.run(command, environment, logs / "load.log", 3600)
    context.fixtures = json.loads(fixtures_path.read_text())
    context.fixtures["load_seconds"] = round(time.monotonic() - started, 1)


def start_site(context: Context) -> None:
    environment, sizes = context.environment, context.sizes
    if context.mode == "production":
        worker = [PYTHON, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING", "-Q", "bench"]
        # Sending an email is mostly waiting on SMTP and PostgreSQL: two processes per core.
        worker += ["--pool=prefork", f"--concurrency={sizes['worker_processes']}"]
        worker += ["-n", f"bench-{context.run_id}@localhost"]
        worker += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        context.processes.start("worker", worker, environment | {"PGAPPNAME": "consult-worker"})
    gunicorn = [PYTHON, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
    gunicorn += ["--bind", f"127.0.0.1:{context.port}"]
    gunicorn += ["--workers", str(sizes["workers"]), "--threads", str(sizes["threads"])]
    gunicorn += ["--worker-class", "gthread" if sizes["threads"] > 1 else "sync", "--timeout", "60"]
    gunicorn += ["--keep-alive", "30", "--log-level", "warning"]
    context.processes.start("gunicorn", gunicorn, environment | {"PGAPPNAME": "consult-web"})
    url = f"http://127.0.0.1:{context.port}/bench/baseline/read/"
    if not services.wait_until(lambda: services.responds(url), timeout=60):
        raise RuntimeError(f"gunicorn did not answer {url}; see var/bench/logs/gunicorn.log")


def settle(context: Context) -> None:
    """Wait (a bounded time) until the site has worked off what the last load left queued."""
    url = f"http://127.0.0.1:{context.port}/bench/baseline/read/"

    def answers_quickly() -> bool:
        started = time.monotonic()
        return services.responds(url) and time.monotonic() - started < 0.5

    services.wait_until(answers_quickly, timeout=120, interval=1)
    if context.mode == "production":
        # The worker too: a backlog from the last load would delay this one's signers.
        services.wait_until(lambda: queued_work(context) == 0, timeout=600, interval=1)


def queued_work(context: Context) -> int:
    """What the worker has yet to do for signers: sign forms not yet acted on (each one's task
    writes and sends its confirmation) and outbox rows not yet sent."""
    import psycopg2

    with psycopg2.connect(context.environment["DATABASE_URL"]) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM consult_signattempt)"
            " + (SELECT count(*) FROM consult_outboundemail WHERE state = 'pending')"
        )
        return cursor.fetchone()[0]


def scenario(name: str):
    """Run one scenario; a missing feature or a failure becomes its "not available" reason."""

    def decorate(function):
        def run(context: Context) -> None:
            print(f"== {name}", flush=True)
            settle(context)
            started = time.monotonic()
            try:
                function(context)
            except driver.Unavailable as reason:
                context.unavailable[name] = str(reason)
            except Exception as error:  # Reported, and it fails the smoke run.
                context.unavailable[name] = f"error: {type(error).__name__}: {error}"
            if name in context.unavailable:
                print(f"  not available: {context.unavailable[name]}", flush=True)
            print(f"  {name} took {time.monotonic() - started:.0f} s", flush=True)

        run.scenario = name
        return run

    return decorate


def read_load(context: Context, path: str) -> dict:
    sizes = context.sizes
    settle(context)  # A slow page's backlog from the last load must not land on this one.
    if sizes["warmup"]:
        wrk.get_load(context.port, path, sizes["connections"], sizes["warmup"])
    measured = cpu.measured(
        context.meter,
        lambda window: wrk.get_load(context.port, path, sizes["connections"], sizes["seconds"], window),
    )
    if not measured["requests"]:
        raise driver.Unavailable(f"error: not one response from {path} within 30 s")
    if measured["errors"] >= measured["requests"]:
        raise driver.Unavailable(f"error: every response from {path} was an error ({measured['errors']})")
    return measured


@scenario("B1")
def b1_counts(context: Context) -> None:
    slug = context.fixtures["big"]["slug"]
    context.figure("b1.baseline", "B1", "read baseline", read_load(context, "/bench/baseline/read/"))
    paths = {
        "b1.api": ("JSON detail", f"/api/v1/statements/{slug}/"),
        "b1.badge": ("badge", f"/embed/statements/{slug}/badge.svg"),
        "b1.widget": ("widget", f"/embed/statements/{slug}/"),
    }
    failed = []
    for key, (label, path) in paths.items():
        try:
            context.figure(key, "B1", label, read_load(context, path))
        except driver.Unavailable as reason:  # Measure the other endpoints all the same.
            failed.append(str(reason))
    if failed:
        raise driver.Unavailable("; ".join(failed))


@scenario("B2")
def b2_pages(context: Context) -> None:
    for size in ["small", "big"]:
        fixture = context.fixtures[size]
        signatures = f"{fixture['signatures']:,} signatures"
        pages = {
            f"b2.statement.{size}": (f"statement page, {signatures}", f"/statements/{fixture['slug']}/"),
            f"b2.consultation.{size}": (
                f"consultation page, {signatures}",
                f"/consultations/{fixture['consultation']}/",
            ),
        }
        for key, (label, path) in pages.items():
            measured = read_load(context, path)
            # The target compares latency, so the figure is the mean latency; throughput is kept.
            throughput = measured["value"]
            context.figure(
                key,
                "B2",
                label,
                measured | {"value": measured["mean_ms"], "unit": "ms mean", "req_per_s": throughput},
            )
            if key == "b2.statement.big":
                # What an anonymous reader's page costs the site without a proxy, against the ceiling.
                label = f"anonymous statement page, {signatures}, {context.sizes['connections']} connections"
                rate = {name: figure for name, figure in measured.items() if name != "cpu"}  # Given above.
                context.figure("b2.statement.rate", "B2", label, rate)
    if "b1.baseline" not in context.figures:  # B2 run alone: its ratio needs the read baseline.
        context.figure("b1.baseline", "B1", "read baseline", read_load(context, "/bench/baseline/read/"))
    renders = render_costs(context)
    for name, label in [
        ("baseline", "read baseline"),
        ("statement", "statement page"),
        ("sign", "sign page"),
    ]:
        context.figure(
            f"b2.render.{name}", "B2", f"CPU of one rendering in one process, {label}", renders[name]
        )


def render_costs(context: Context) -> dict:
    """The median CPU of one rendering of each page, in one process (bench/renders.py)."""
    out = WORK / "renders.json"
    command = [PYTHON, "-m", "bench.renders", "--fixtures", str(WORK / "fixtures.json"), "--out", str(out)]
    command += ["--count", str(context.sizes["renders"])]
    # Django's test client asks for the host "testserver".
    environment = context.environment | {"ALLOWED_HOSTS": "testserver", "PGAPPNAME": "consult-web"}
    services.run(command, environment, WORK / "logs" / "renders.log", 600)
    return json.loads(out.read_text())


@scenario("B3")
def b3_signing(context: Context) -> None:
    sizes, port, run_id = context.sizes, context.port, context.run_id
    connections, seconds = sizes["connections"], sizes["seconds"]
    meter = context.meter
    baseline = cpu.measured(
        meter, lambda window: driver.write_baseline_load(port, connections, seconds, window)
    )
    context.figure("b3.baseline", "B3", "write baseline POST", baseline)
    # The hot statement is the 1,000-signature one, whose page costs what the spread ones' do, so
    # hot / spread measures contention on one statement's rows, not the size of its page (B2).
    hot = context.fixtures["small"]["slug"]
    signing = cpu.measured(
        meter, lambda window: driver.sign_load(port, hot, connections, seconds, run_id, window)
    )
    context.figure("b3.sign", "B3", "sign POST", signing)
    if context.fixtures.get("confirm_unavailable"):
        raise driver.Unavailable(context.fixtures["confirm_unavailable"])
    paths = context.fixtures["confirm_paths"]
    confirming = cpu.measured(
        meter, lambda window: driver.confirm_load(port, paths, connections, seconds, window)
    )
    context.figure("b3.confirm", "B3", "confirmation POST", confirming)
    flow_seconds = sizes["flow_seconds"]
    for key, slugs in [("b3.e2e.hot", [hot]), ("b3.e2e.spread", context.fixtures["spread"])]:
        label = "end to end, " + ("one hot statement" if key.endswith("hot") else f"spread over {len(slugs)}")
        settle(context)  # Both start with an idle worker: the sign POSTs above queued thousands of emails.
        measured = cpu.measured(
            meter,
            lambda window, slugs=slugs, key=key: driver.end_to_end(
                port, slugs, context.mailbox, connections, flow_seconds, run_id + key[-1], window
            ),
            confirmations=True,
        )
        context.figure(key, "B3", label, measured)


@scenario("B4")
def b4_fanout(context: Context) -> None:
    """An update to N opted-in signers through the worker to the sink: messages/s, peak memory,
    against a baseline measured in the same run: Django's SMTP backend sending the same message
    to the same sink over one connection in a plain loop.

    On the embedded defaults tasks run in the process that sends the update, so that process's
    memory is the one measured.
    """
    if context.fixtures.get("update_unavailable"):
        raise driver.Unavailable(context.fixtures["update_unavailable"])
    for size, signers in [("small", context.sizes["fanout_small"]), ("large", context.sizes["fanout_large"])]:
        update_id = prepare_fanout(context, signers)
        if size == "small":
            baseline = measure_smtp_baseline(context, update_id, signers)
            label = f"SMTP baseline: one message {signers:,} times over one connection"
            context.figure("b4.baseline", "B4", label, baseline)
        measured = measure_fanout(context, update_id, signers)
        context.figure(f"b4.rate.{size}", "B4", f"update to {signers:,} signers", measured)
        memory = {"value": measured["peak_rss_kb"], "unit": "KiB peak RSS"}
        context.figure(f"b4.memory.{size}", "B4", f"worker peak memory, {signers:,} signers", memory)
        if measured["delivered"] < signers:
            raise driver.Unavailable(f"error: {measured['delivered']} of {signers} update emails arrived")


def prepare_fanout(context: Context, signers: int) -> int:
    """A statement with `signers` opted-in signers and a draft update to them; returns its id."""
    out = WORK / "fanout.json"
    command = [PYTHON, "-m", "bench.load", "fanout-prepare", "--signers", str(signers), "--out", str(out)]
    services.run(command, context.environment, WORK / "logs" / "fanout.log", 1800)
    return json.loads(out.read_text())["update"]


def measure_smtp_baseline(context: Context, update_id: int, count: int) -> dict:
    out = WORK / "fanout-baseline.json"
    command = [PYTHON, "-m", "bench.load", "fanout-baseline", "--update", str(update_id)]
    command += ["--count", str(count), "--out", str(out)]
    services.run(command, context.environment, WORK / "logs" / "fanout-baseline.log", 1800)
    return json.loads(out.read_text())


def measure_fanout(context: Context, update_id: int, signers: int) -> dict:
    """Send one update to `signers` signers; wait for their emails while sampling memory."""
    out = WORK / "fanout.json"
    before, peak = context.mailbox.count, 0
    started = time.monotonic()
    command = [PYTHON, "-m", "bench.load", "fanout-send", "--update", str(update_id), "--out", str(out)]
    sender = context.processes.start("fanout-send", command, context.environment)
    measured_process = context.processes.started.get("worker", sender)
    deadline = started + context.sizes["fanout_timeout"]
    while context.mailbox.count - before < signers and time.monotonic() < deadline:
        if sender.poll() is not None and "worker" not in context.processes.started:
            measured_process = None  # Sent in-process and finished: nothing left to sample.
        if measured_process is not None:
            peak = max(peak, services.process_tree_rss_kb(measured_process.pid))
        time.sleep(0.1)
    seconds = time.monotonic() - started
    context.processes.stop("fanout-send")
    delivered = context.mailbox.count - before
    return {
        "value": round(delivered / seconds, 1),
        "unit": "messages/s",
        "delivered": delivered,
        "peak_rss_kb": peak,
    }


@scenario("B5")
def b5_flood(context: Context) -> None:
    sizes, port = context.sizes, context.port
    seconds, half = sizes["flood_seconds"], max(2, sizes["connections"] // 2)
    # Readers watch the 1,000,000-signature statement's count while signers sign the hot one.
    path = f"/api/v1/statements/{context.fixtures['big']['slug']}/"
    hot = context.fixtures["small"]["slug"]
    readers, result = None, {}
    if wrk.available():
        readers = wrk.start(port, path, half, seconds)
    else:
        thread = threading.Thread(target=lambda: result.update(driver.get_load(port, path, half, seconds)))
        thread.start()
    signers = driver.end_to_end(port, [hot], context.mailbox, half, seconds, context.run_id + "f")
    if readers is not None:
        result = wrk.finish(readers, seconds)
    else:
        thread.join(timeout=seconds + 60)
    context.figure("b5.readers", "B5", "count readers during the flood", result)
    context.figure("b5.signers", "B5", "signers during the flood", signers)
    errors = (result.get("errors") or 0) + signers["errors"]
    context.figure(
        "b5.errors", "B5", "error responses (readers and signers)", {"value": errors, "unit": "responses"}
    )
    slugs = [context.fixtures["big"]["slug"], context.fixtures["small"]["slug"], *context.fixtures["spread"]]
    checked = check_counts(context, slugs)
    drift = sum(abs(entry["shown"] - entry["rows"]) for entry in checked.values())
    context.figure(
        "b5.drift", "B5", "count drift over all statements", {"value": drift, "unit": "signatures"}
    )


def check_counts(context: Context, slugs: list[str]) -> dict:
    out = WORK / "check.json"
    command = [PYTHON, "-m", "bench.load", "check", "--out", str(out), "--slugs", ",".join(slugs)]
    services.run(command, context.environment, WORK / "logs" / "check.log", 600)
    return json.loads(out.read_text())


b6_surge = scenario("B6")(lambda context: surge.run(context, check_counts))
b7_cluster = scenario("B7")(lambda context: cluster.run(context, check_counts))


# The fan-out goes last: one that overruns its timeout must not disturb the others.
SCENARIOS = [b1_counts, b2_pages, b3_signing, b5_flood, b6_surge, b7_cluster, b4_fanout]


def machine(context: Context) -> dict:
    import celery
    import django
    import gunicorn

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    described = {
        # Anything else running on the machine skews every figure: the report says how busy it was.
        "load average at the end": " ".join(f"{load:.2f}" for load in os.getloadavg()),
        "CPU": cpu,
        "cores": os.cpu_count(),
        "memory": f"{memory_kb / 1024 / 1024:.1f} GiB",
        "system": platform.platform(),
        "versions": f"Python {platform.python_version()}, Django {django.__version__}, "
        f"gunicorn {gunicorn.__version__}, Celery {celery.__version__}",
    }
    if wrk.available():
        output = subprocess.run(["wrk", "-v"], capture_output=True, text=True, timeout=10)
        described["wrk"] = (output.stdout or output.stderr).splitlines()[0]
    if context.mode == "production":
        import psycopg2
        import redis

        with (
            psycopg2.connect(context.environment["DATABASE_URL"]) as connection,
            connection.cursor() as cursor,
        ):
            cursor.execute("SHOW server_version")
            described["PostgreSQL"] = cursor.fetchone()[0]
        described["Redis"] = redis.Redis.from_url(context.environment["REDIS_URL"]).info("server")[
            "redis_version"
        ]
    return described


def write_report(context: Context, command: str) -> dict:
    sizes = context.sizes
    server = f"gunicorn, {sizes['workers']} {'gthread' if sizes['threads'] > 1 else 'sync'} workers"
    server += f" x {sizes['threads']} threads; {sizes['connections']} client connections"
    information = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "mode": context.mode,
        "server": server,
        "machine": machine(context),
        "sizes": sizes,
        "load_seconds": context.fixtures.get("load_seconds"),
    }
    built = report.build(context.figures, context.unavailable, information)
    report.write(built, RESULTS)
    return built


def service_errors() -> tuple[type[Exception], ...]:
    import psycopg2
    import redis

    return (psycopg2.Error, redis.exceptions.RedisError)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="every scenario at tiny size")
    parser.add_argument(
        "--set", nargs="*", default=[], metavar="SIZE=N", help="override a size, e.g. seconds=30"
    )
    parser.add_argument(
        "--only", default="", metavar="B1,B3", help="run only these scenarios (while profiling one)"
    )
    arguments = parser.parse_args()
    sizes = dict(SMOKE if arguments.smoke else FULL)
    for setting in arguments.set:
        name, _, value = setting.partition("=")
        if name not in sizes or not value.isdigit():
            parser.error(f"--set takes SIZE=N with SIZE one of {', '.join(sizes)}")
        sizes[name] = int(value)
    (WORK / "logs").mkdir(parents=True, exist_ok=True)
    processes = services.Processes(WORK / "logs")
    # A TERM (CI's timeout, `kill`) unwinds through the `finally` below, which stops everything.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        return run(arguments, sizes, processes)
    except subprocess.CalledProcessError as error:
        print(f"FAILED: {' '.join(map(str, error.cmd))}: see the logs in {WORK / 'logs'}", file=sys.stderr)
        return 1
    except (OSError, RuntimeError, *service_errors()) as error:  # A service that is not there.
        print(f"FAILED: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    finally:
        processes.stop_all()


def run(arguments: argparse.Namespace, sizes: dict, processes: services.Processes) -> int:
    urls = production_urls(arguments.smoke, processes)
    mode = "production" if urls else "embedded"
    if urls is None:
        sizes |= EMBEDDED
    ensure_wrk()
    port, smtp_port = services.free_port(), services.free_port()
    context = Context(sizes, mode, environment(0, 0, urls), port, processes)
    context.environment = environment(port, smtp_port, urls)
    mail = WORK / "mail.jsonl"
    mail.unlink(missing_ok=True)
    processes.start(
        "smtp",
        [PYTHON, "-m", "bench.smtp_sink", "--port", str(smtp_port), "--out", str(mail)],
        dict(os.environ),
    )
    print(f"== {mode} shape; logs in {WORK / 'logs'}", flush=True)
    prepare(context)
    start_site(context)
    context.mailbox = driver.Mailbox(mail)
    database, redis = (
        (context.environment["DATABASE_URL"], context.environment["REDIS_URL"]) if urls else (None, None)
    )
    context.meter = cpu.site_meter(processes.started, database, redis)
    command = "make bench-smoke" if arguments.smoke else "make bench"
    if arguments.set or arguments.only:
        command = " ".join(["python -m bench.run", *sys.argv[1:]])
    scenarios = SCENARIOS
    if arguments.only:
        chosen = {name.strip().upper() for name in arguments.only.split(",")}
        scenarios = [scenario for scenario in scenarios if scenario.scenario in chosen]
    number = 0
    try:
        while number < len(scenarios):
            scenarios[number](context)
            number += 1
    except (KeyboardInterrupt, SystemExit):
        # Interrupted: what was measured is still reported, and the rest says why it is missing.
        for unfinished in scenarios[number:]:
            context.unavailable.setdefault(unfinished.scenario, "error: interrupted")
        raise
    finally:
        context.mailbox.stop()
        context.meter.stop()
        built = write_report(context, command)
    print(report.markdown(built), flush=True)
    failures = {
        name: reason
        for name, reason in context.unavailable.items()
        if not reason.startswith("feature missing")
    }
    for name, reason in failures.items():
        print(f"FAILED {name}: {reason}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
