"""The CPU seconds each part of the site spends during a load, read from /proc: what a request costs.

`/proc/<pid>/stat` holds a process's user and system time (its fields 14 and 15) and those of the
children it has waited for (16 and 17), in clock ticks. A process tree's CPU is the sum of all
four over its live processes: a child that exited was waited for by its parent, which now holds
its time. PostgreSQL's backends are children of a postmaster that serves other databases too, so
they are counted one by one, named by what pg_stat_activity says of them (database, application).

A `Meter` samples every named group in a thread (a backend that exits keeps its last sample) and
`Meter.window()` gives the seconds each group spent during one load.
"""

import contextlib
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
PROC = Path("/proc")
# Groups that are not the site: the clients and the mail relay stand for the outside world.
OUTSIDE = {"load generator", "smtp sink"}


@dataclass(frozen=True)
class Times:
    """One process's CPU seconds: its own, and its waited-for children's."""

    pid: int
    parent: int
    own: float
    children: float

    @property
    def total(self) -> float:
        return self.own + self.children


def parse_stat(text: str) -> Times:
    """A /proc/<pid>/stat line. The name (field 2) is in parentheses and may hold spaces or ')'."""
    pid = int(text[: text.index(" (")])
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is the state, field 3: field n of proc(5) is fields[n - 3].
    user, system, children_user, children_system = (int(value) for value in fields[11:15])
    return Times(pid, int(fields[1]), (user + system) / TICKS, (children_user + children_system) / TICKS)


def snapshot(proc: Path = PROC) -> dict[int, Times]:
    """Every process's times now; a process that exits while being read is left out."""
    processes = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, ValueError, IndexError):
                times = parse_stat((entry / "stat").read_text())
                processes[times.pid] = times
    return processes


def tree(processes: dict[int, Times], root: int) -> set[int]:
    """The root and every live descendant of it."""
    children = defaultdict(list)
    for times in processes.values():
        children[times.parent].append(times.pid)
    found, waiting = set(), [root] if root in processes else []
    while waiting:
        pid = waiting.pop()
        found.add(pid)
        waiting.extend(child for child in children[pid] if child not in found)
    return found


def tree_seconds(processes: dict[int, Times], root: int) -> float:
    """The CPU seconds a process tree has used, including its children that have exited."""
    return sum(processes[pid].total for pid in tree(processes, root))


@dataclass
class Usage:
    """The CPU seconds each group spent during one window of `seconds` wall-clock seconds."""

    seconds: float = 0.0
    groups: dict[str, float] = field(default_factory=dict)

    @property
    def site(self) -> float:
        return sum(value for name, value in self.groups.items() if name not in OUTSIDE)

    def per(self, count: int, unit: str = "request") -> dict:
        """The figure's CPU block: milliseconds of site CPU per unit, and every group's seconds."""
        return {
            "site_ms": round(self.site * 1000 / count, 3) if count else None,
            "per": unit,
            "count": count,
            "seconds": round(self.seconds, 2),
            "cores_busy": round(sum(self.groups.values()) / self.seconds, 2) if self.seconds else None,
            "groups_s": {name: round(value, 3) for name, value in sorted(self.groups.items())},
        }


def difference(before: dict[tuple, float], after: dict[tuple, float]) -> dict[str, float]:
    """Seconds per group between two samples keyed by (group, process); a new process starts at 0."""
    groups: dict[str, float] = defaultdict(float)
    for (group, pid), seconds in after.items():
        groups[group] += max(0.0, seconds - before.get((group, pid), 0.0))
    return dict(groups)


class Meter:
    """Samples named process trees (and single processes) in a thread, every `interval` seconds.

    `trees()` names the root pids of each group (gunicorn's master: its workers are its tree);
    `singles()` names processes counted alone (the load generator is this process, whose tree
    holds every service it started); `backends()` names PostgreSQL backends by pid.
    """

    def __init__(
        self,
        trees: Callable[[], dict[str, list[int]]],
        singles: Callable[[], dict[str, int]] = dict,
        backends: Callable[[], dict[int, str]] = dict,
        interval: float = 0.5,
    ) -> None:
        self.trees, self.singles, self.backends = trees, singles, backends
        self.interval = interval
        self.latest: dict[tuple, float] = {}
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread: threading.Thread | None = None

    def sample(self) -> dict[tuple, float]:
        processes = snapshot()
        values: dict[tuple, float] = {}
        for group, roots in self.trees().items():
            for root in roots:
                values[group, root] = tree_seconds(processes, root)
        for group, pid in self.singles().items():
            if pid in processes:
                values[group, pid] = processes[pid].total
        try:
            backends = self.backends()
        except Exception:  # PostgreSQL restarting: its backends keep their last samples.
            backends = {}
        for pid, group in backends.items():
            if pid in processes:
                values[group, pid] = processes[pid].own
        with self.lock:
            # A process gone since the last sample keeps its last value: its time is not lost.
            self.latest = self.latest | values
            return dict(self.latest)

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            with contextlib.suppress(Exception):  # A service restarting: the next sample will do.
                self.sample()

    def start(self) -> "Meter":
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(timeout=5)

    @contextlib.contextmanager
    def window(self) -> Iterator[Usage]:
        """`with meter.window() as usage:` fills `usage` when the block ends."""
        usage = Usage()
        before, started = self.sample(), time.monotonic()
        yield usage
        after = self.sample()
        usage.seconds = time.monotonic() - started
        usage.groups = difference(before, after)


def measured(meter: Meter | None, load: Callable[[Callable], dict], confirmations: bool = False) -> dict:
    """Run a load and add what it cost in CPU to its figure.

    `load(window)` is a driver or wrk call that runs its timed part inside `with window():`, so
    the clients' setup is not charged. The unit is a successful request, or with `confirmations`
    a confirmed signature (the whole path: the CPU of signatures still in flight at the end is
    charged to the confirmed ones).
    """
    if meter is None:
        return load(contextlib.nullcontext)
    measurements: list[Usage] = []

    @contextlib.contextmanager
    def window() -> Iterator[Usage]:
        with meter.window() as usage:
            measurements.append(usage)
            yield usage

    figure = load(window)
    if not measurements:
        return figure
    usage = measurements[-1]
    if confirmations:
        return figure | {"cpu": usage.per(figure.get("confirmed", 0), "confirmed signature")}
    return figure | {"cpu": usage.per(figure.get("requests", 0) - (figure.get("errors") or 0))}


# The benchmark's processes (bench/services.Processes names; "gunicorn-b" is a second "gunicorn").
GROUPS = {
    "gunicorn": "web",
    "worker": "worker",
    "beat": "beat",
    "redis": "redis",
    "haproxy": "load balancer",
    "pgbouncer": "pooler",
    "smtp": "smtp sink",
}
# PostgreSQL's own processes (WAL writer, checkpointer, autovacuum...) serve every database.
BACKGROUND = "postgres background"
# What each process names itself to PostgreSQL (PGAPPNAME), and the group its backends join.
APPLICATIONS = {"consult-web": "postgres for web", "consult-worker": "postgres for worker"}


def started_trees(started: dict) -> dict[str, list[int]]:
    """The benchmark's started processes (name -> Popen) as groups of tree roots."""
    groups: dict[str, list[int]] = defaultdict(list)
    for name, process in list(started.items()):  # The runner starts and stops processes meanwhile.
        group = GROUPS.get(name.split("-")[0])
        if group is not None and process.poll() is None:
            groups[group].append(process.pid)
    return dict(groups)


def postgres_backends(
    database_url: str, applications: dict[str, str] = APPLICATIONS, other: str = "postgres, other"
) -> Callable[[], dict[int, str]]:
    """The backends of the URL's database by application name, and the server's background processes."""
    from urllib.parse import urlsplit

    import psycopg2

    database = urlsplit(database_url).path.lstrip("/")
    server = urlsplit(database_url)._replace(path="/postgres").geturl()
    held: dict = {}

    def backends() -> dict[int, str]:
        if held.get("connection") is None or held["connection"].closed:
            held["connection"] = psycopg2.connect(server, application_name="consult-bench-meter")
            held["connection"].autocommit = True
        with held["connection"].cursor() as cursor:
            cursor.execute("SELECT pid, datname, application_name, backend_type FROM pg_stat_activity")
            rows = cursor.fetchall()
        return {
            pid: BACKGROUND if kind != "client backend" else applications.get(application, other)
            for pid, name, application, kind in rows
            if kind != "client backend" or name == database
        }

    return backends


def redis_pid(redis_url: str) -> int:
    import redis

    return int(redis.Redis.from_url(redis_url).info("server")["process_id"])


def site_meter(started: dict, database_url: str | None = None, redis_url: str | None = None) -> Meter:
    """A meter of the site's processes, its PostgreSQL backends and Redis, and of this process.

    This process is the load generator: its own threads and the wrk runs it waited for.
    """
    singles = {"load generator": os.getpid()}
    if redis_url and "redis" not in started:
        # A shared Redis: its one process (its other databases' clients count too).
        singles["redis"] = redis_pid(redis_url)
    backends = postgres_backends(database_url) if database_url else dict
    return Meter(lambda: started_trees(started), lambda: singles, backends).start()


def cost(block: dict) -> dict:
    """A figure of the site's CPU per unit, from a measured figure's CPU block."""
    return {"value": block["site_ms"], "unit": f"ms CPU per {block['per']}"}
