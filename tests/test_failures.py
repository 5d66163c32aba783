"""The site against failing parts: each test breaks a real service, then checks the promise held."""

import shutil
import subprocess
import time
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import SignatureFactory, StatementFactory
from tests.services import require, wait_until

pytestmark = pytest.mark.services


def postgresql_cluster() -> list[str]:
    versions = (
        sorted(path.name for path in Path("/etc/postgresql").glob("*"))
        if Path("/etc/postgresql").exists()
        else []
    )
    return [versions[-1], "main"] if versions else []


def postgresql_ready() -> bool:
    result = subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-q"], check=False)
    return result.returncode == 0


def test_site_recovers_from_a_postgresql_restart_without_restarting_gunicorn(web_server):
    cluster = postgresql_cluster()
    require(
        bool(cluster) and bool(shutil.which("pg_ctlcluster")), "needs a local PostgreSQL cluster to restart"
    )
    statement = StatementFactory()
    SignatureFactory(statement=statement).confirm()
    path = statement.get_absolute_url()
    # Every gunicorn worker opens its persistent connection.
    assert all(web_server.get(path)[0] == 200 for _ in range(6))

    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", *cluster, "restart"], check=True, timeout=120
    )
    assert wait_until(postgresql_ready, timeout=60, interval=0.5)
    connection.close()  # This test's own connection died with the server too.
    time.sleep(0.5)

    # Each worker finds its connection dead, opens a new one and answers: no 500, no restart.
    statuses = [web_server.get(path)[0] for _ in range(6)]
    assert statuses == [200] * 6
