"""PgBouncer (Debian's package) in transaction mode, on loopback, in front of PostgreSQL.

The cluster benchmark puts it between the site and PostgreSQL, as production would, and the
tests start one to show what the site's DATABASE_POOLER setting is for. Its configuration lives
in a folder of its own; it never touches the system's PgBouncer.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

# The user PostgreSQL itself runs as: PgBouncer refuses to run as root.
SERVICE_USER = "postgres"


def binary() -> str | None:
    """Debian installs PgBouncer in /usr/sbin, which is not on every PATH."""
    return shutil.which("pgbouncer") or (
        "/usr/sbin/pgbouncer" if os.access("/usr/sbin/pgbouncer", os.X_OK) else None
    )


def configuration(
    listen: str, port: int, server_url: str, pool_size: int, max_clients: int, folder: Path
) -> str:
    """pgbouncer.ini: every database on the server, pooled per transaction, trusted on loopback."""
    server = urlsplit(server_url)
    user = server.username or SERVICE_USER
    return "\n".join(
        [
            "[databases]",
            f"* = host={server.hostname} port={server.port or 5432} user={user}",
            "[pgbouncer]",
            f"listen_addr = {listen}",
            f"listen_port = {port}",
            "unix_socket_dir =",
            "auth_type = trust",
            f"auth_file = {folder / 'users.txt'}",
            f"admin_users = {user}",
            f"stats_users = {user}",
            "pool_mode = transaction",
            # Server connections per database and user: what PostgreSQL sees, whatever the clients.
            f"default_pool_size = {pool_size}",
            f"max_client_conn = {max_clients}",
            # Connections a server may keep: a short lifetime would only add reconnections.
            "server_lifetime = 3600",
            "server_idle_timeout = 600",
            "ignore_startup_parameters = extra_float_digits",
            "",
        ]
    )


def write(
    folder: Path, listen: str, port: int, server_url: str, pool_size: int = 10, max_clients: int = 1000
) -> Path:
    """The configuration files in `folder`; returns the .ini to start PgBouncer with."""
    folder.mkdir(parents=True, exist_ok=True)
    user = urlsplit(server_url).username or SERVICE_USER
    (folder / "users.txt").write_text(f'"{user}" ""\n')
    ini = folder / "pgbouncer.ini"
    ini.write_text(configuration(listen, port, server_url, pool_size, max_clients, folder))
    # Read again by the service user after PgBouncer drops root.
    for path in [folder, folder / "users.txt", ini]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    return ini


def command(ini: Path) -> list[str]:
    found = binary()
    if found is None:
        raise RuntimeError("PgBouncer is missing: bench/install_tools.sh installs it (Debian: pgbouncer)")
    user = ["-u", SERVICE_USER] if os.geteuid() == 0 else []
    return [found, *user, str(ini)]


def url(listen: str, port: int, server_url: str, database: str) -> str:
    """The address clients use: the server's user and database, PgBouncer's host and port."""
    user = urlsplit(server_url).username or SERVICE_USER
    return f"postgres://{user}@{listen}:{port}/{database}"


def admin(listen: str, port: int, server_url: str):
    """A connection to PgBouncer's admin console (SHOW POOLS, SHOW STATS)."""
    import psycopg2

    connection = psycopg2.connect(url(listen, port, server_url, "pgbouncer"), connect_timeout=2)
    connection.autocommit = True  # The console takes no BEGIN.
    return connection


def show(connection, what: str) -> list[dict]:
    """SHOW POOLS, SHOW STATS, ... as a list of rows by column name."""
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {what}")
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def answers(listen: str, port: int, server_url: str) -> bool:
    try:
        admin(listen, port, server_url).close()
    except Exception:
        return False
    return True
