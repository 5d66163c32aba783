"""What the benchmark reads from pgbench's summary and from py-spy's raw stacks."""

from pathlib import Path

from bench import pgbench, pooler, profile

PGBENCH_OUTPUT = """pgbench (15.20 (Debian 15.20-0+deb12u1))
transaction type: signing.sql
scaling factor: 1
query mode: simple
number of clients: 16
number of threads: 2
maximum number of tries: 1
duration: 5 s
number of transactions actually processed: 4484
number of failed transactions: 0 (0.000%)
latency average = 17.478 ms
initial connection time = 25.113 ms
tps = 915.447669 (without initial connection time)
"""


def test_pgbench_figures_are_transactions_per_second_count_latency_and_failures():
    parsed = pgbench.parse(PGBENCH_OUTPUT)
    assert parsed["value"] == 915.447669
    assert parsed["transactions"] == 4484
    assert parsed["mean_ms"] == 17.478
    assert parsed["errors"] == 0


def test_pgbench_output_without_a_summary_reads_as_nothing_measured():
    assert pgbench.parse("connection to server failed")["transactions"] == 0


SITE = "/srv/consult/.venv/lib/python3.11/site-packages"
PROJECT = profile.services.ROOT
WORKER = 'process 11:"gunicorn: worker";handle (gunicorn/workers/gthread.py:1)'
SIGN = f"sign ({PROJECT}/consult/views/signing.py:60)"
RAW = "\n".join(
    [
        f"{WORKER};{SIGN};compile ({SITE}/django/core/validators.py:3);_optimize (re/_compiler.py:9) 30",
        f"{WORKER};{SIGN};_execute ({SITE}/django/db/backends/utils.py:103) 60",
        f"{WORKER};sign ({PROJECT}/consult/views/signing.py:61) 10",
    ]
)


def test_a_profile_summary_shares_samples_by_area_and_function():
    summary = profile.summarise(RAW)
    assert summary["samples"] == 100
    assert summary["inclusive"]["sign (consult/views/signing.py)"] == 100
    assert summary["own"]["_execute (django/db/backends/utils.py)"] == 60
    assert summary["areas"] == {"django/db": 60, "re": 30, "consult/views": 10}


def test_pgbouncer_pools_every_database_per_transaction_on_few_server_connections(tmp_path: Path):
    ini = pooler.write(tmp_path, "127.0.0.4", 6543, "postgres://postgres@127.0.0.1:5432/consult", pool_size=8)
    text = ini.read_text()
    assert "* = host=127.0.0.1 port=5432 user=postgres" in text
    assert "pool_mode = transaction" in text
    assert "default_pool_size = 8" in text
    assert "listen_addr = 127.0.0.4" in text
    assert (tmp_path / "users.txt").read_text() == '"postgres" ""\n'
    assert pooler.url("127.0.0.4", 6543, "postgres://postgres@127.0.0.1:5432/x", "consult") == (
        "postgres://postgres@127.0.0.4:6543/consult"
    )
