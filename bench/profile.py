"""Profiles of the signing path under load: what the CPU figures of B3 are made of.

    python -m bench.profile                  # baseline, sign, confirm and email
    python -m bench.profile sign --seconds 30

It starts the benchmark's production shape (bench/run.py: PostgreSQL database `consult_bench`,
recreated, Redis db 14 and 15, gunicorn, one worker, the SMTP sink; run it under
`flock /tmp/consult-bench.lock` where other benchmarks may run), runs each target's load twice
(the first warms the processes up) and samples the second with py-spy (`--subprocesses`: every
gunicorn worker or Celery pool process), 100 times a second, only the thread that holds the GIL
(the one running Python: waiting for PostgreSQL or Redis releases it). For each target it writes
into docs/profiles/ a flame graph (`<target>.svg`) and a summary (`<target>.txt`): the share of
samples by area of code, by function including what it calls, and by function alone. A process
the machine has descheduled still holds its GIL, so bench/inprocess.py then also profiles the
same views in-process with cProfile counting CPU time only (`<target>.cprofile.txt`), and, when
every target is profiled, takes signers through each step of a signature in one thread
(`path.txt`: CPU, SQL statements, commits and Redis round trips per step).

| target   | load (bench/driver.py)          | sampled            |
| baseline | write baseline POSTs            | gunicorn           |
| sign     | sign POSTs on one statement     | gunicorn           |
| confirm  | confirmation POSTs              | gunicorn           |
| email    | sign POSTs                      | the Celery worker  |
"""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from bench import driver, run, services

OUT = services.ROOT / "docs" / "profiles"
SIZES = run.FULL | {"signatures": 20_000, "small": 1_000, "tokens": 16_000, "connections": 32}
TARGETS = {
    "baseline": "gunicorn",
    "sign": "gunicorn",
    "confirm": "gunicorn",
    "email": "worker",
}
PROJECT = ("consult", "accounts", "config")
RATE = 100
TOP = 30
IN_PROCESS_REQUESTS = 500


def py_spy() -> str:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not os.access(found, os.X_OK):
        raise SystemExit("py-spy is missing: pip install -r requirements-dev.txt")
    return found


@contextlib.contextmanager
def sampling(pid: int, name: str, logs: Path) -> Iterator[None]:
    """py-spy records the process tree while the block runs: raw stacks and a flame graph."""
    # --gil: only the thread holding the GIL, the one running Python; a thread waiting for
    # PostgreSQL or Redis has released it (py-spy's own idle test counts such waits as busy here).
    common = ["record", "--pid", str(pid), "--subprocesses", "--rate", str(RATE), "--nonblocking", "--gil"]
    outputs = {"raw": OUT / f"{name}.raw", "flamegraph": OUT / f"{name}.svg"}
    recorders = []
    for form, path in outputs.items():
        with open(logs / f"py-spy-{name}-{form}.log", "ab") as log:
            command = [py_spy(), *common, "--format", form, "--output", str(path)]
            recorders.append(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT))
    time.sleep(1)  # py-spy attaches to each process before the load starts.
    try:
        yield
    finally:
        for recorder in recorders:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C.
        for recorder in recorders:
            recorder.wait(timeout=120)
        without_local_paths(outputs["flamegraph"])


def without_local_paths(svg: Path) -> None:
    """Drop this checkout's folder from a committed flame graph (its title and process labels).

    py-spy writes each sampled process's full command line, and cuts long labels short with
    "..", so every leading part of the folder's path is taken out, longest first.
    """
    if not svg.exists():
        return
    root = f"{services.ROOT}/"
    text = svg.read_text(encoding="utf-8").replace(root, "")
    for length in range(len(root) - 1, 1, -1):
        text = text.replace(f"{root[:length]}..", "..")
    svg.write_text(text, encoding="utf-8")


def frames(stack: str) -> list[str]:
    """A raw stack's frames, outermost first, without py-spy's process frame and line numbers."""
    kept = []
    for frame in stack.split(";"):
        if frame.startswith("process "):
            continue
        name, _, place = frame.partition(" (")
        path = place.rsplit(":", 1)[0] if place else ""
        kept.append(f"{name} ({short(path)})" if path else name)
    return kept


def short(path: str) -> str:
    """A source path as the reader knows it: from site-packages, or from the project."""
    for marker in ["site-packages/", "lib/python3.11/", str(services.ROOT) + "/"]:
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def area(frame: str) -> str:
    """Where a frame's code lives: the project's app, a library (package), or the standard library."""
    place = frame.rsplit(" (", 1)[-1].rstrip(")")
    top = place.split("/", 1)[0]
    if top in PROJECT:
        return place.rsplit("/", 1)[0] if "/" in place else place
    if top == "django" and "/" in place:
        return "django/" + place.split("/")[1]
    return top.removesuffix(".py") or "unknown"


def summarise(raw: str) -> dict:
    """Samples in total, and shares by area (own time), function inclusive and function alone."""
    total, by_area, inclusive, own = 0, Counter(), Counter(), Counter()
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples, names = int(count), frames(stack)
        if not names:
            continue
        total += samples
        own[names[-1]] += samples
        by_area[area(names[-1])] += samples
        for name in set(names):
            inclusive[name] += samples
    return {"samples": total, "areas": by_area, "inclusive": inclusive, "own": own}


def own_code(counts: Counter) -> Counter:
    """Only the frames of the project's own code: where its requests and tasks spend their time."""
    return Counter({name: samples for name, samples in counts.items() if area(name).split("/")[0] in PROJECT})


def table(title: str, counts: Counter, total: int, limit: int = TOP) -> list[str]:
    lines = [f"## {title}", "", "share  samples  what"]
    for name, samples in counts.most_common(limit):
        lines.append(f"{samples / total:6.1%} {samples:8,}  {name}")
    return [*lines, ""]


def write_summary(name: str, load: str, figure: dict, summary: dict, command: str) -> None:
    total = max(summary["samples"], 1)
    lines = [
        f"# Profile: {name} ({load}, sampled in {TARGETS[name]})",
        "",
        f"Command: {command}",
        f"Date: {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"Load: {figure.get('value')} {figure.get('unit')}, {figure.get('requests')} requests, "
        f"{figure.get('errors')} errors; load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}",
        f"Samples: {summary['samples']:,} at {RATE} per second per process, of the thread holding the GIL",
        "",
        *table("Own time by area of code", summary["areas"], total, 20),
        *table(
            "The project's own functions, including what they call", own_code(summary["inclusive"]), total
        ),
        *table("Functions, including what they call", summary["inclusive"], total),
        *table("Functions alone (own time)", summary["own"], total),
    ]
    (OUT / f"{name}.txt").write_text("\n".join(lines))


def loads(context: run.Context) -> dict:
    sizes, port, hot = context.sizes, context.port, context.fixtures["small"]["slug"]
    connections, seconds, paths = sizes["connections"], sizes["seconds"], context.fixtures["confirm_paths"]
    # Each run signs with addresses of its own: a second run with the first one's would sign
    # nobody new and profile the path for repeats instead.
    runs = iter(range(1_000))

    def signers() -> str:
        return f"{context.run_id}{next(runs)}"

    # A confirmation link works once: the warm-up and the sampled run each get half of those
    # the in-process profile leaves them (it takes the last ones).
    paths = paths[: -IN_PROCESS_REQUESTS - 1]
    halves = [paths[len(paths) // 2 :], paths[: len(paths) // 2]]
    return {
        "baseline": (
            "write baseline POSTs",
            lambda w: driver.write_baseline_load(port, connections, seconds, w),
        ),
        "sign": (
            "sign POSTs",
            lambda w: driver.sign_load(port, hot, connections, seconds, signers(), w),
        ),
        "confirm": (
            "confirmation POSTs",
            lambda w: driver.confirm_load(port, halves.pop(), connections, seconds, w),
        ),
        "email": (
            "sign POSTs",
            lambda w: driver.sign_load(port, hot, connections, seconds, signers(), w),
        ),
    }


def profile(context: run.Context, names: list[str], command: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    logs = run.WORK / "logs"
    chosen = loads(context)
    for name in names:
        load, start_load = chosen[name]
        print(f"== {name}: {load}", flush=True)
        run.settle(context)
        # Unsampled first: each process compiles its regular expressions and imports lazily on
        # first use, which a long-running site paid long ago.
        start_load(contextlib.nullcontext)
        run.settle(context)
        pid = context.processes.started[TARGETS[name]].pid
        figure = start_load(lambda pid=pid, name=name: sampling(pid, name, logs))
        raw = OUT / f"{name}.raw"
        write_summary(name, load, figure, summarise(raw.read_text()), command)
        raw.unlink()
        print(f"  {figure.get('value')} {figure.get('unit')}; docs/profiles/{name}.txt and .svg", flush=True)


def in_process(context: run.Context, names: list[str]) -> None:
    """cProfile of the same views in-process, CPU time only (bench/inprocess.py)."""
    views = [name for name in names if name != "email"]
    if not views:
        return
    print(f"== in-process CPU profiles: {', '.join(views)}", flush=True)
    run.settle(context)
    command = [
        services.PYTHON,
        "-m",
        "bench.inprocess",
        *views,
        "--fixtures",
        str(run.WORK / "fixtures.json"),
    ]
    command += ["--requests", str(IN_PROCESS_REQUESTS), "--out", str(OUT)]
    environment = context.environment | {"ALLOWED_HOSTS": "testserver", "PGAPPNAME": "consult-web"}
    services.run(command, environment, run.WORK / "logs" / "inprocess.log", 1800)


def signature_path(context: run.Context, command: str, signatures: int = 200) -> None:
    """Each step of a signature in one thread, tasks included (bench/inprocess.py's `path`), into
    docs/profiles/path.txt: what a confirmed signature costs, step by step, without contention.

    Its tasks go to a queue of their own, which the running worker does not take, and its email
    to a sink of its own, so that nothing but this thread does its work.
    """
    print("== in-process cost of each step of a signature", flush=True)
    run.settle(context)
    sink_port = services.free_port()
    environment = context.environment | {
        "ALLOWED_HOSTS": "testserver",
        "PGAPPNAME": "consult-web",
        "EMAIL_URL": f"smtp://127.0.0.1:{sink_port}",
        "CELERY_TASK_DEFAULT_QUEUE": "bench-path",
    }
    out = run.WORK / "path.txt"
    arguments = ["--signatures", str(signatures), "--fixtures", str(run.WORK / "fixtures.json")]
    with open(out, "w") as output:
        subprocess.run(
            [services.PYTHON, "-m", "bench.inprocess", "path", *arguments],
            env=environment,
            cwd=services.ROOT,
            stdout=output,
            stderr=subprocess.DEVNULL,
            check=True,
            timeout=1800,
        )
    header = [
        f"# Each step of a signature in one thread: `{command}`, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "# python -m bench.inprocess path: CPU of this thread alone (time.thread_time), per signer;",
        "# the tasks are run in-thread as the worker would, the email sent to an SMTP sink.",
        "",
    ]
    (OUT / "path.txt").write_text("\n".join(header) + out.read_text())
    print("  docs/profiles/path.txt", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("targets", nargs="*", choices=[[], *TARGETS], default=[])
    parser.add_argument("--seconds", type=int, default=20)
    arguments = parser.parse_args()
    names = arguments.targets or list(TARGETS)
    sizes = SIZES | {"seconds": arguments.seconds}
    (run.WORK / "logs").mkdir(parents=True, exist_ok=True)
    processes = services.Processes(run.WORK / "logs")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        urls = run.production_urls(False, processes)
        port, smtp_port = services.free_port(), services.free_port()
        context = run.Context(sizes, "production", run.environment(port, smtp_port, urls), port, processes)
        mail = run.WORK / "mail.jsonl"
        mail.unlink(missing_ok=True)
        command = [services.PYTHON, "-m", "bench.smtp_sink", "--port", str(smtp_port), "--out", str(mail)]
        processes.start("smtp", command, dict(os.environ))
        run.prepare(context)
        run.start_site(context)
        context.mailbox = driver.Mailbox(mail)
        profile(context, names, " ".join(["python -m bench.profile", *sys.argv[1:]]))
        in_process(context, names)
        if not arguments.targets:
            signature_path(context, " ".join(["python -m bench.profile", *sys.argv[1:]]))
        context.mailbox.stop()
    finally:
        processes.stop_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
