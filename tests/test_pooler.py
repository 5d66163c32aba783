"""DATABASE_POOLER: what the site needs behind PgBouncer in transaction mode, shown through a real one.

In transaction mode PgBouncer lends a server connection for one transaction at a time. Django's
QuerySet.iterator() reads through a server-side cursor, declared
in one transaction and fetched from in later ones: another server connection does not have it.
"""

import os
import subprocess
import sys
from urllib.parse import urlsplit

import pytest

from bench import pooler
from bench.services import free_port
from tests.services import ROOT, ServiceProcess, require
from tests.test_settings import PRODUCTION, run_manage

POSTGRES = {**PRODUCTION, "DATABASE_URL": "postgres://user@db.example.org:5432/consult"}


def server_side_cursors_disabled(**environment: str) -> str:
    database = "from django.conf import settings; database = settings.DATABASES['default']"
    code = f"{database}; print(database['DISABLE_SERVER_SIDE_CURSORS'])"
    return run_manage("shell", "--no-imports", "-c", code, **environment).stdout.strip()


def test_transaction_pooling_turns_server_side_cursors_off():
    assert server_side_cursors_disabled(**POSTGRES, DATABASE_POOLER="transaction") == "True"


def test_without_a_pooler_server_side_cursors_stay_on():
    assert server_side_cursors_disabled(**POSTGRES) == "False"


def test_an_unknown_pooler_mode_stops_the_site_naming_the_variable():
    result = run_manage("check", **POSTGRES, DATABASE_POOLER="statement")
    assert result.returncode != 0
    assert "DATABASE_POOLER must be 'transaction' or unset" in result.stderr


class PgBouncer(ServiceProcess):
    """Debian's PgBouncer in transaction mode with two server connections, on a free loopback port."""

    def __init__(self, folder, server_url: str) -> None:
        super().__init__(dict(os.environ), "pgbouncer")
        self.server_url, self.port = server_url, free_port()
        self.ini = pooler.write(folder, "127.0.0.1", self.port, server_url, pool_size=2)

    def command(self) -> list[str]:
        return pooler.command(self.ini)

    def is_ready(self) -> bool:
        return pooler.answers("127.0.0.1", self.port, self.server_url)

    def url(self, database: str) -> str:
        return pooler.url("127.0.0.1", self.port, self.server_url, database)


@pytest.fixture
def pgbouncer(tmp_path):
    server_url = os.environ.get("DATABASE_URL", "")
    require(server_url.startswith("postgres"), "needs PostgreSQL (DATABASE_URL=postgres://...)")
    require(pooler.binary() is not None, "needs PgBouncer (bench/install_tools.sh installs it)")
    folder = tmp_path / "pgbouncer"
    folder.mkdir()
    tmp_path.chmod(0o755)  # PgBouncer reads its files as the postgres user.
    bouncer = PgBouncer(folder, server_url)
    bouncer.start()
    yield bouncer
    bouncer.stop()


# Reads PostgreSQL's list of databases through QuerySet.iterator(), one row per fetch, while
# another client takes the server connection that served the first fetch (PgBouncer lends the most
# recently used one first): the later fetches run on the other server connection.
READ_WHILE_ANOTHER_CLIENT_WORKS = """
import psycopg2
from django.db import models

class Database(models.Model):
    oid = models.IntegerField(primary_key=True)
    datname = models.TextField()

    class Meta:
        app_label = "consult"
        managed = False
        db_table = "pg_database"

other = psycopg2.connect("{url}")
names = Database.objects.order_by("oid").values_list("datname", flat=True).iterator(chunk_size=1)
read = [next(names)]
other.cursor().execute("SELECT 1")
read += list(names)
print(len(read) == Database.objects.count() >= 3)
"""


def read_through(bouncer: PgBouncer, **environment: str) -> subprocess.CompletedProcess:
    url = bouncer.url(urlsplit(bouncer.server_url).path.lstrip("/") or "postgres")
    code = READ_WHILE_ANOTHER_CLIENT_WORKS.format(url=url)
    keep = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**keep, "DEBUG": "1", "DATABASE_URL": url, **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.services
def test_behind_transaction_pooling_an_iteration_reads_every_row(pgbouncer):
    result = read_through(pgbouncer, DATABASE_POOLER="transaction")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


@pytest.mark.services
def test_without_the_setting_transaction_pooling_loses_the_cursor(pgbouncer):
    result = read_through(pgbouncer)
    assert result.returncode != 0
    assert "does not exist" in result.stderr


@pytest.mark.services
def test_pgbouncer_serves_many_clients_on_its_few_server_connections(pgbouncer):
    import psycopg2

    database = urlsplit(pgbouncer.server_url).path.lstrip("/") or "postgres"
    clients = [psycopg2.connect(pgbouncer.url(database)) for _ in range(6)]
    for client in clients:
        with client, client.cursor() as cursor:  # One transaction each, committed.
            cursor.execute("SELECT 1")
    admin = pooler.admin("127.0.0.1", pgbouncer.port, pgbouncer.server_url)
    pool = next(row for row in pooler.show(admin, "POOLS") if row["database"] == database)
    # Idle clients count as active (linked or ready) in SHOW POOLS.
    assert pool["cl_active"] == 6
    assert pool["sv_active"] + pool["sv_idle"] + pool["sv_used"] <= 2
    for client in [*clients, admin]:
        client.close()
