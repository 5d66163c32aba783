"""B7: the production shape as several hosts would run it, on loopback addresses of this machine.

    clients -> 127.0.0.1:P   HAProxy (Debian's), checking each instance's health every 0.5 s
               127.0.0.2:Q   gunicorn instance "a"      127.0.0.3:Q   gunicorn instance "b"
               127.0.0.4:R   PgBouncer (Debian's) in transaction mode, in front of PostgreSQL
    and the run's Redis (cache, rate limits, broker), two Celery workers and one beat.

Every process has the run's settings (one SECRET_KEY, one Redis, one database through the
pooler), so nothing lives in one instance's memory. The scenario measures the PostgreSQL write
ceiling with pgbench first, shows that a form, a session and a rate limit started on one
instance hold on the other, then runs B5's mixed flood (count readers and signers) through the
balancer, killing instance "a" (SIGKILL, as a crash) a third of the way through and starting it
again at two thirds, while it samples what PgBouncer and PostgreSQL hold.

`make bench-cluster` runs it alone; the load generator stands for the edge (a CDN) that has
already set each client's X-Forwarded-For, which HAProxy passes on unchanged.
"""

import os
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bench import cpu, driver, pgbench, pooler, services, wrk

WORK = services.ROOT / "var" / "bench"
BALANCER = "127.0.0.1"
INSTANCES = {"a": "127.0.0.2", "b": "127.0.0.3"}
POOLER = "127.0.0.4"
# Server connections PgBouncer keeps per database: on 2 cores PostgreSQL runs a few at once.
POOL_SIZE = 8
QUEUE = "bench-cluster"
HEALTH = "/bench/baseline/read/"
# pgbench: clients, and its scale (branch rows, one per client so they do not queue on one).
PGBENCH_CLIENTS = 16


@dataclass
class Cluster:
    context: object  # bench.run.Context
    folder: Path
    processes: services.Processes
    server_url: str  # PostgreSQL itself, the run's database
    web_port: int = 0
    balancer_port: int = 0
    pooler_port: int = 0
    environment: dict = field(default_factory=dict)

    @property
    def haproxy_socket(self) -> Path:
        return self.folder / "haproxy.sock"

    def instance_url(self, name: str, path: str = HEALTH) -> str:
        return f"http://{INSTANCES[name]}:{self.web_port}{path}"


def run(context, check_counts: Callable[[object, list[str]], dict]) -> None:
    if context.mode != "production":
        raise driver.Unavailable(
            "feature missing: a cluster needs PostgreSQL and Redis (not the embedded defaults)"
        )
    ensure_tools()
    folder = WORK / "cluster"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    cluster = Cluster(context, folder, services.Processes(WORK / "logs"), context.environment["DATABASE_URL"])
    try:
        write_ceiling(cluster)
        start(cluster)
        shared_state(cluster)
        flood(cluster, check_counts)
    finally:
        cluster.processes.stop_all()


def ensure_tools() -> None:
    """HAProxy and PgBouncer from Debian's packages, installed by the project's script when missing."""
    if (
        shutil.which("haproxy") is None
        and not os.access("/usr/sbin/haproxy", os.X_OK)
        or pooler.binary() is None
    ):
        script = services.ROOT / "bench" / "install_tools.sh"
        subprocess.run(["bash", str(script)], capture_output=True, timeout=600, check=False)
    if haproxy_binary() is None or pooler.binary() is None or not pgbench.available():
        raise driver.Unavailable(
            "error: HAProxy, PgBouncer or pgbench missing; run bench/install_tools.sh as root"
        )


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or (
        "/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None
    )


def write_ceiling(cluster: Cluster) -> None:
    """pgbench straight to PostgreSQL, before the site runs: the database's own write ceiling."""
    context, smoke = cluster.context, cluster.context.sizes["seconds"] < 5
    clients = 4 if smoke else PGBENCH_CLIENTS
    print("  pgbench: preparing", flush=True)
    url = pgbench.prepare(cluster.server_url, WORK / "logs" / "pgbench.log", scale=clients)
    settings = pgbench.settings(url)
    seconds = context.sizes["seconds"]
    loads = {
        "b7.pgbench.tpcb": ("PostgreSQL write ceiling, pgbench TPC-B-like", None),
        "b7.pgbench.signing": ("PostgreSQL write ceiling, signing's writes", pgbench.SIGNING),
    }
    for key, (label, script) in loads.items():
        measured = pgbench.measure(url, script, clients, seconds, cluster.folder)
        context.figure(key, "B7", f"{label} ({clients} clients)", measured | {"settings": settings})


def start(cluster: Cluster) -> None:
    context = cluster.context
    cluster.pooler_port = services.free_port(POOLER)
    cluster.web_port = services.free_port(INSTANCES["a"])
    cluster.balancer_port = services.free_port(BALANCER)
    ini = pooler.write(
        cluster.folder / "pgbouncer", POOLER, cluster.pooler_port, cluster.server_url, POOL_SIZE
    )
    cluster.processes.start("pgbouncer", pooler.command(ini), dict(os.environ))
    if not services.wait_until(lambda: pooler.answers(POOLER, cluster.pooler_port, cluster.server_url), 30):
        raise RuntimeError("PgBouncer did not start; see var/bench/logs/pgbouncer.log")
    database = urlsplit(cluster.server_url).path.lstrip("/")
    cluster.environment = context.environment | {
        "DATABASE_URL": pooler.url(POOLER, cluster.pooler_port, cluster.server_url, database),
        "DATABASE_POOLER": "transaction",
        "ALLOWED_HOSTS": ",".join([BALANCER, *INSTANCES.values()]),
        "SITE_URL": f"http://{BALANCER}:{cluster.balancer_port}",
        "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
    }
    for name in INSTANCES:
        start_instance(cluster, name)
    for name in INSTANCES:
        if not services.wait_until(lambda name=name: services.responds(cluster.instance_url(name)), 60):
            raise RuntimeError(f"gunicorn {name} did not answer; see var/bench/logs/gunicorn-{name}.log")
    start_workers(cluster)
    config = cluster.folder / "haproxy.cfg"
    config.write_text(haproxy_config(cluster))
    cluster.processes.start("haproxy", [haproxy_binary(), "-db", "-f", str(config)], dict(os.environ))
    if not services.wait_until(lambda: all_up(cluster), 30):
        raise RuntimeError("HAProxy did not see both instances up; see var/bench/logs/haproxy.log")


def start_instance(cluster: Cluster, name: str) -> None:
    """One gunicorn, as on its own host: half the single instance's workers, so the total matches B5's."""
    sizes = cluster.context.sizes
    workers = max(1, sizes["workers"] // len(INSTANCES))
    command = [services.PYTHON, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
    command += ["--bind", f"{INSTANCES[name]}:{cluster.web_port}", "--workers", str(workers)]
    command += ["--threads", str(sizes["threads"]), "--worker-class", "gthread", "--timeout", "60"]
    command += ["--keep-alive", "30", "--log-level", "warning"]
    cluster.processes.start(f"gunicorn-{name}", command, cluster.environment)


def start_workers(cluster: Cluster) -> None:
    sizes, run_id = cluster.context.sizes, cluster.context.run_id
    concurrency = max(1, sizes["worker_processes"] // 2)
    for name in ["a", "b"]:
        command = [
            services.PYTHON,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--loglevel=WARNING",
            "-Q",
            QUEUE,
        ]
        command += [
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "-n",
            f"cluster-{name}-{run_id}@localhost",
        ]
        command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        cluster.processes.start(f"worker-{name}", command, cluster.environment)
    beat = [services.PYTHON, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING"]
    beat += ["--schedule", str(cluster.folder / "beat-schedule")]
    cluster.processes.start("beat", beat, cluster.environment)


def haproxy_config(cluster: Cluster) -> str:
    """Round robin over the instances; a request that found one dead is sent to the other."""
    sizes = cluster.context.sizes
    # As many requests in flight per instance as it has threads: HAProxy queues the rest, so a
    # health check never waits behind a backlog inside gunicorn and a busy instance stays up.
    concurrency = max(1, sizes["workers"] // len(INSTANCES)) * sizes["threads"]
    servers = [
        f"    server web-{name} {address}:{cluster.web_port} check maxconn {concurrency}"
        for name, address in INSTANCES.items()
    ]
    return "\n".join(
        [
            "global",
            "    maxconn 4096",
            f"    stats socket {cluster.haproxy_socket} mode 600 level admin",
            "defaults",
            "    mode http",
            "    timeout connect 2s",
            "    timeout client 65s",
            "    timeout server 65s",
            "    timeout http-keep-alive 30s",
            "    timeout queue 60s",
            # A refused connection fails a check at once (a dead instance is out within about
            # a second); a slow answer from a busy one has 10 s.
            "    timeout check 10s",
            # A refused connection, or a connection closed before any answer (an instance that
            # died mid-request), is tried again on the other instance. Retrying a POST is safe
            # here: signing twice with one address signs once, and the second try of a
            # confirmation finds its token used.
            "    retries 10",
            "    option redispatch 1",
            "    retry-on conn-failure empty-response",
            "frontend site",
            f"    bind {BALANCER}:{cluster.balancer_port}",
            "    default_backend web",
            "backend web",
            "    balance roundrobin",
            "    option httpchk",
            f"    http-check send meth GET uri {HEALTH} ver HTTP/1.1 hdr Host {BALANCER}",
            # Live traffic judges an instance too: the first refused connection takes it out at
            # once, before its next check; the checks bring it back.
            "    default-server inter 500ms fastinter 250ms downinter 500ms fall 2 rise 2"
            " observe layer4 error-limit 1 on-error mark-down",
            *servers,
            "",
        ]
    )


def haproxy_servers(cluster: Cluster) -> dict[str, dict]:
    """HAProxy's `show stat`, one row per instance: status, requests, retries, redispatches."""
    with socket.socket(socket.AF_UNIX) as connection:
        connection.settimeout(2)
        connection.connect(str(cluster.haproxy_socket))
        connection.sendall(b"show stat\n")
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    lines = b"".join(chunks).decode().splitlines()
    header = lines[0].lstrip("# ").split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
    return {row["svname"]: row for row in rows if row["pxname"] == "web" and row["svname"].startswith("web-")}


def all_up(cluster: Cluster) -> bool:
    try:
        servers = haproxy_servers(cluster)
    except OSError:
        return False
    return len(servers) == len(INSTANCES) and all(row["status"] == "UP" for row in servers.values())


def figure_flag(holds: bool, **details) -> dict:
    return {"value": int(holds), "unit": "1 = holds", **details}


def shared_state(cluster: Cluster) -> None:
    """A form, a session and a rate limit started on one instance hold on the other."""
    context = cluster.context
    context.figure(
        "b7.shared.form", "B7", "a form served by one instance, accepted by the other", form_across(cluster)
    )
    context.figure(
        "b7.shared.session",
        "B7",
        "a session made on one instance, known to the other",
        session_across(cluster),
    )
    context.figure(
        "b7.shared.ratelimit",
        "B7",
        "one client over SIGN_RATE_LIMIT across instances is refused",
        rate_limit_across(cluster),
    )


def signatures_by(cluster: Cluster, pattern: str) -> dict[tuple[str, str], int]:
    """(state, hold) -> rows, for the signatures whose email matches the LIKE pattern."""
    import psycopg2

    with psycopg2.connect(cluster.server_url) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT state, hold, count(*) FROM consult_signature WHERE email LIKE %s GROUP BY state, hold",
            [pattern],
        )
        return {(state, hold): count for state, hold, count in cursor.fetchall()}


def form_across(cluster: Cluster) -> dict:
    hot = cluster.context.fixtures["small"]["slug"]
    first = driver.Client(cluster.web_port, INSTANCES["a"])
    form = driver.sign_form(first, hot)
    time.sleep(driver.READING_SECONDS)
    second = driver.Client(cluster.web_port, INSTANCES["b"])
    second.cookies, second.forwarded_for = dict(first.cookies), driver.random_address()
    address = f"x{cluster.context.run_id}-across@example.org"
    response = second.request("POST", form["action"], form["fields"] | {"name": "Across", "email": address})
    # The signature is saved by a task after the response (the request saves the attempt).
    deadline = time.monotonic() + 30
    while not (rows := signatures_by(cluster, address)) and time.monotonic() < deadline:
        time.sleep(0.2)
    accepted = response.status in (302, 303) and rows == {("pending", ""): 1}
    return figure_flag(
        accepted, status=response.status, rows={f"{state}/{hold}": n for (state, hold), n in rows.items()}
    )


CREATE_USER = """
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
user, _ = get_user_model().objects.get_or_create(email="{email}")
user.set_password("{password}")
user.save()
verified = {{"verified": True, "primary": True}}
EmailAddress.objects.update_or_create(user=user, email="{email}", defaults=verified)
"""


def session_across(cluster: Cluster) -> dict:
    """Log in on instance a; instance b shows the same person a page that needs a login."""
    email, password = (
        f"cluster-{cluster.context.run_id}@example.org",
        f"benchmark-{cluster.context.run_id}-pw",
    )
    command = [
        services.PYTHON,
        "manage.py",
        "shell",
        "-c",
        CREATE_USER.format(email=email, password=password),
    ]
    services.run(command, cluster.context.environment, WORK / "logs" / "setup.log", 120)
    first = driver.Client(cluster.web_port, INSTANCES["a"])
    page = first.request("GET", "/accounts/login/")
    form = next(
        form for form in driver.forms_of(page.text, "/accounts/login/") if "password" in form["fields"]
    )
    logged_in = first.request("POST", form["action"], form["fields"] | {"login": email, "password": password})
    second = driver.Client(cluster.web_port, INSTANCES["b"])
    anonymous = second.request("GET", "/accounts/signatures/").status
    second.cookies = dict(first.cookies)
    known = second.request("GET", "/accounts/signatures/").status
    holds = logged_in.status in (302, 303) and anonymous in (302, 303) and known == 200
    return figure_flag(holds, login=logged_in.status, anonymous_on_b=anonymous, session_on_b=known)


def rate_limit_across(cluster: Cluster) -> dict:
    """One address signs past the limit, alternating instances: exactly the excess is refused.

    Only the shared Redis can count both instances' forms as one client's: with a count per
    instance, neither would reach the limit and nothing would be refused.
    """
    rate = cluster.environment.get("SIGN_RATE_LIMIT", "100/h")
    limit = int(rate.split("/")[0])
    hot, address = cluster.context.fixtures["small"]["slug"], driver.random_address()
    clients = [driver.Client(cluster.web_port, INSTANCES[name]) for name in INSTANCES]
    forms = [driver.sign_form(client, hot) for client in clients]
    time.sleep(driver.READING_SECONDS)
    extra, statuses = 2, []
    for number in range(limit + extra):
        client, form = clients[number % 2], forms[number % 2]
        client.forwarded_for = address
        email = f"r{cluster.context.run_id}-{number}@example.org"
        statuses.append(
            client.request("POST", form["action"], form["fields"] | {"name": "Limit", "email": email}).status
        )
    refused = statuses.count(429)
    accepted = statuses.count(302) + statuses.count(303)
    holds = refused == extra and accepted == limit
    return figure_flag(holds, limit=rate, signed=limit + extra, refused=refused, accepted=accepted)


# The rows a signature made through the site leaves behind, besides its own: each table's
# foreign key to it.
SIGNATURE_ROWS = {
    "consult_signaturetoken": "signature_id",
    "consult_outboundemail": "signature_id",
    "consult_consentevent": "signature_id",
}


def storage(cluster: Cluster, pattern: str) -> dict:
    """Bytes per confirmed signature: each table's bytes per row (indexes and TOAST included)
    times its rows per signature, counted on the flood's confirmed signatures."""
    import psycopg2

    per_table = {}
    with psycopg2.connect(cluster.server_url) as connection, connection.cursor() as cursor:
        confirmed = "SELECT id FROM consult_signature WHERE email LIKE %s AND state = 'confirmed'"
        cursor.execute(f"SELECT count(*) FROM ({confirmed}) AS flood", [pattern])
        signatures = cursor.fetchone()[0]
        for table, key in {"consult_signature": "id", **SIGNATURE_ROWS}.items():
            cursor.execute(f"SELECT pg_total_relation_size('{table}'), (SELECT count(*) FROM {table})")
            size, rows = cursor.fetchone()
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {key} IN ({confirmed})", [pattern])
            mine = cursor.fetchone()[0]
            per_table[table] = {
                "bytes_per_row": round(size / max(rows, 1)),
                "rows_per_signature": round(mine / max(signatures, 1), 2),
            }
    total = sum(entry["bytes_per_row"] * entry["rows_per_signature"] for entry in per_table.values())
    return {"value": round(total), "unit": "bytes", "signatures": signatures, "tables": per_table}


class Sampler:
    """Samples PgBouncer's pools, PostgreSQL's backends and HAProxy's view of instance a."""

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self.database = urlsplit(cluster.server_url).path.lstrip("/")
        self.samples: list[dict] = []
        self.statuses: list[tuple[float, str]] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        import psycopg2

        admin = pooler.admin(POOLER, self.cluster.pooler_port, self.cluster.server_url)
        server = psycopg2.connect(services.with_database(self.cluster.server_url, "postgres"))
        server.autocommit = True
        started = time.monotonic()
        while not self.stopped.wait(0.5):
            try:
                self.sample(admin, server, time.monotonic() - started)
            except (OSError, psycopg2.Error):
                continue  # One lost sample; the next one will do.
        admin.close()
        server.close()

    def sample(self, admin, server, moment: float) -> None:
        pool = next(row for row in pooler.show(admin, "POOLS") if row["database"] == self.database)
        with server.cursor() as cursor:
            # Not the run's own single-instance site (bench/run.py names its connections): idle
            # during B7, it keeps the persistent connections the scenarios before it opened.
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
                " AND application_name NOT IN ('consult-web', 'consult-worker')",
                [self.database],
            )
            backends = cursor.fetchone()[0]
        servers = sum(pool[name] for name in ["sv_active", "sv_idle", "sv_used", "sv_tested", "sv_login"])
        self.samples.append(
            {
                "clients": pool["cl_active"] + pool["cl_waiting"],
                "servers": servers,
                "backends": backends,
                "waiting": pool["cl_waiting"],
            }
        )
        self.statuses.append((round(moment, 1), haproxy_servers(self.cluster)["web-a"]["status"]))

    def start(self) -> "Sampler":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=10)

    def peak(self, name: str) -> int:
        return max((sample[name] for sample in self.samples), default=0)


def pool_stats(cluster: Cluster) -> dict:
    admin = pooler.admin(POOLER, cluster.pooler_port, cluster.server_url)
    try:
        database = urlsplit(cluster.server_url).path.lstrip("/")
        return next(row for row in pooler.show(admin, "STATS") if row["database"] == database)
    finally:
        admin.close()


def kill_and_restart(cluster: Cluster, seconds: float, events: dict) -> None:
    """Instance a dies a third of the way through (SIGKILL) and starts again at two thirds."""
    time.sleep(seconds / 3)
    events["killed_at"] = time.monotonic()
    cluster.processes.kill("gunicorn-a")
    time.sleep(seconds / 3)
    start_instance(cluster, "a")
    events["restarted_at"] = time.monotonic()


def flood_meter(cluster: Cluster) -> cpu.Meter:
    started = cluster.processes.started
    singles = {"load generator": os.getpid(), "redis": cpu.redis_pid(cluster.environment["REDIS_URL"])}
    backends = cpu.postgres_backends(cluster.server_url, applications={}, other="postgres")
    return cpu.Meter(lambda: cpu.started_trees(started), lambda: singles, backends).start()


def flood(cluster: Cluster, check_counts: Callable[[object, list[str]], dict]) -> None:
    context, sizes = cluster.context, cluster.context.sizes
    seconds, half = sizes["flood_seconds"], max(2, sizes["connections"] // 2)
    path = f"/api/v1/statements/{context.fixtures['big']['slug']}/"
    hot, run_id = context.fixtures["small"]["slug"], context.run_id + "c"
    before, events = pool_stats(cluster), {}
    sampler, meter = Sampler(cluster).start(), flood_meter(cluster)
    killer = threading.Thread(target=kill_and_restart, args=(cluster, seconds, events), daemon=True)
    readers, result = None, {}
    with meter.window() as usage:
        if wrk.available():
            readers = wrk.start(cluster.balancer_port, path, half, seconds)
        else:
            reading = threading.Thread(
                target=lambda: result.update(driver.get_load(cluster.balancer_port, path, half, seconds))
            )
            reading.start()
        killer.start()
        signers = driver.end_to_end(cluster.balancer_port, [hot], context.mailbox, half, seconds, run_id)
        if readers is not None:
            result = wrk.finish(readers, seconds)
        else:
            reading.join(timeout=seconds + 60)
    killer.join(timeout=120)
    rejoined = services.wait_until(lambda: all_up(cluster), 30)
    sampler.stop()
    meter.stop()
    after = pool_stats(cluster)
    servers = haproxy_servers(cluster)
    context.figure("b7.readers", "B7", "count readers through the balancer", result)
    unit = "confirmed signature (readers' CPU included)"
    context.figure(
        "b7.signers",
        "B7",
        "signers through the balancer",
        signers | {"cpu": usage.per(signers["confirmed"], unit)},
    )
    errors = (result.get("errors") or 0) + signers["errors"]
    context.figure(
        "b7.errors", "B7", "error responses (readers and signers)", {"value": errors, "unit": "responses"}
    )
    rows = signatures_by(cluster, f"e{run_id}-%")
    confirmed_rows = sum(count for (state, _hold), count in rows.items() if state == "confirmed")
    context.figure(
        "b7.lost",
        "B7",
        "confirmations the clients saw that are not confirmed rows",
        {
            "value": max(0, signers["confirmed"] - confirmed_rows),
            "unit": "signatures",
            "client_confirmed": signers["confirmed"],
            "confirmed_rows": confirmed_rows,
        },
    )
    slugs = [context.fixtures["big"]["slug"], hot, *context.fixtures["spread"]]
    drift = sum(abs(entry["shown"] - entry["rows"]) for entry in check_counts(context, slugs).values())
    context.figure(
        "b7.drift", "B7", "count drift over all statements", {"value": drift, "unit": "signatures"}
    )
    down = [moment for moment, status in sampler.statuses if status.startswith("DOWN")]
    context.figure(
        "b7.failover",
        "B7",
        "instance a killed mid-run: seen down by the balancer, back up after",
        figure_flag(
            bool(down) and rejoined and "killed_at" in events,
            down_seconds_sampled=len(down) * 0.5,
            retries=sum(int(row.get("wretr") or 0) for row in servers.values()),
            redispatches=sum(int(row.get("wredis") or 0) for row in servers.values()),
            requests={name: int(row.get("stot") or 0) for name, row in servers.items()},
            responses_5xx={name: int(row.get("hrsp_5xx") or 0) for name, row in servers.items()},
        ),
    )
    context.figure(
        "b7.storage", "B7", "database bytes per confirmed signature", storage(cluster, f"e{run_id}-%")
    )
    transactions = int(after["total_xact_count"] - before["total_xact_count"])  # numeric: Decimal
    context.figure(
        "b7.pool.clients",
        "B7",
        "peak client connections to PgBouncer",
        {"value": sampler.peak("clients"), "unit": "connections"},
    )
    context.figure(
        "b7.pool.servers",
        "B7",
        "peak server connections PgBouncer held to PostgreSQL",
        {"value": sampler.peak("servers"), "unit": "connections", "pool_size": POOL_SIZE},
    )
    context.figure(
        "b7.postgres.backends",
        "B7",
        "peak PostgreSQL backends of the database (pg_stat_activity)",
        {"value": sampler.peak("backends"), "unit": "backends"},
    )
    context.figure(
        "b7.pool.transactions",
        "B7",
        "transactions through PgBouncer during the flood",
        {
            "value": transactions,
            "unit": "transactions",
            "per_second": round(transactions / seconds, 1),
            "mean_wait_us": round(
                float(after["total_wait_time"] - before["total_wait_time"]) / max(transactions, 1), 1
            ),
            "peak_waiting_clients": sampler.peak("waiting"),
        },
    )
