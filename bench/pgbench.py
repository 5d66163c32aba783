"""The PostgreSQL write ceiling on this machine, measured with pgbench (PostgreSQL's own tool).

Two loads, in a database of their own (`consult_bench_pgbench`, recreated), straight to
PostgreSQL with no web tier in front:

- pgbench's standard TPC-B-like transaction (three updates, an insert, a select), so the figure
  compares with any other PostgreSQL on record;
- signing's writes: insert a signature (unique email), insert its outbox row and move one of 16
  counter shards of one statement, in one transaction; what a sign POST and its confirmation
  write between them, without Django.

Each reports transactions per second and the CPU PostgreSQL spent per transaction (its backends
of that database and its background processes, from /proc), the pgbench client's CPU apart.
"""

import re
import resource
import shutil
import subprocess
from pathlib import Path

from bench import cpu, services

DATABASE = "consult_bench_pgbench"
SHARDS = 16
SCHEMA = f"""
CREATE TABLE signature (
    id bigserial PRIMARY KEY,
    statement_id bigint NOT NULL,
    email text NOT NULL UNIQUE,
    state text NOT NULL DEFAULT 'pending',
    created_at timestamptz NOT NULL
);
CREATE TABLE outbox (
    id bigserial PRIMARY KEY,
    signature_id bigint NOT NULL REFERENCES signature (id),
    kind text NOT NULL,
    created_at timestamptz NOT NULL,
    sent_at timestamptz
);
CREATE TABLE counter (
    statement_id bigint, shard int, value bigint NOT NULL, PRIMARY KEY (statement_id, shard)
);
INSERT INTO counter SELECT 1, shard, 0 FROM generate_series(0, {SHARDS - 1}) AS shard;
"""
SIGNING = f"""\\set shard random(0, {SHARDS - 1})
BEGIN;
INSERT INTO signature (statement_id, email, created_at)
    VALUES (1, md5(random()::text || clock_timestamp()::text) || '@example.org', now());
INSERT INTO outbox (signature_id, kind, created_at) VALUES (currval('signature_id_seq'), 'confirm', now());
UPDATE counter SET value = value + 1 WHERE statement_id = 1 AND shard = :shard;
END;
"""


def available() -> bool:
    return shutil.which("pgbench") is not None


def parse(output: str) -> dict:
    """Transactions per second, their count, mean latency and failures from pgbench's summary."""
    tps = re.search(r"tps = ([\d.]+)", output)
    processed = re.search(r"number of transactions actually processed: (\d+)", output)
    latency = re.search(r"latency average = ([\d.]+) ms", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    return {
        "value": float(tps.group(1)) if tps else 0.0,
        "unit": "transactions/s",
        "transactions": int(processed.group(1)) if processed else 0,
        "mean_ms": float(latency.group(1)) if latency else None,
        "errors": int(failed.group(1)) if failed else 0,
    }


def prepare(server_url: str, log: Path, scale: int) -> str:
    """The pgbench database, recreated: pgbench's own tables and signing's.

    pgbench's scale is its number of branch rows, each updated by every transaction: with fewer
    branches than clients they queue on those rows' locks, and measure that queue instead.
    """
    url = services.with_database(server_url, DATABASE)
    services.recreate_postgres_database(url)
    services.run(["pgbench", "--initialize", "--quiet", "--scale", str(scale), url], {}, log, 600)
    services.run(["psql", "--quiet", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-c", SCHEMA, url], {}, log, 60)
    return url


def measure(url: str, script: str | None, clients: int, seconds: int, folder: Path) -> dict:
    """One pgbench run, builtin TPC-B-like without a script; its figure with PostgreSQL's CPU."""
    command = ["pgbench", "--client", str(clients), "--jobs", "2", "--time", str(seconds), "--no-vacuum"]
    if script is None:
        command += ["--builtin", "tpcb-like"]
    else:
        path = folder / "signing.sql"
        path.write_text(script)
        command += ["--file", str(path)]
    backends = cpu.postgres_backends(url, applications={}, other="postgres")
    meter = cpu.Meter(trees=dict, backends=backends).start()
    try:
        before = children_seconds()
        with meter.window() as usage:
            done = subprocess.run([*command, url], capture_output=True, text=True, timeout=seconds + 120)
        usage.groups["load generator"] = children_seconds() - before
    finally:
        meter.stop()
    figure = parse(done.stdout)
    if done.returncode != 0 or not figure["transactions"]:
        raise RuntimeError(f"pgbench failed: {done.stderr.strip()[-300:]}")
    block = usage.per(figure["transactions"], "transaction")
    return figure | {"clients": clients, "cpu": block}


def children_seconds() -> float:
    """The CPU of the children this process waited for (pgbench, once it has exited)."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def settings(url: str) -> dict:
    """The server settings that bound its write rate."""
    import psycopg2

    names = ["synchronous_commit", "fsync", "wal_sync_method", "shared_buffers", "max_connections"]
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT name, setting, unit FROM pg_settings WHERE name = ANY(%s)", [names])
        return {name: f"{setting}{(' ' + unit) if unit else ''}" for name, setting, unit in cursor.fetchall()}
