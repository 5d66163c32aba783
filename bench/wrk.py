"""wrk (Debian's package) for simple GETs: throughput, mean and p99 latency, errors."""

import contextlib
import re
import shutil
import subprocess

from bench import driver

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def available() -> bool:
    return shutil.which("wrk") is not None


def milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return round(float(number) * UNITS[unit], 2)


def parse(output: str) -> dict:
    """The figures of `wrk --latency` output."""
    requests = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    mean = re.search(r"Latency\s+([\d.]+(?:us|ms|s|m))", output)
    p99 = re.search(r"^\s*99%\s+([\d.]+(?:us|ms|s|m))", output, re.MULTILINE)
    non_success = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    errors = int(non_success.group(1)) if non_success else 0
    if sockets:
        errors += sum(int(count) for count in sockets.groups())
    return {
        "value": float(requests.group(1)) if requests else 0.0,
        "unit": "req/s",
        "mean_ms": milliseconds(mean.group(1)) if mean else None,
        "p99_ms": milliseconds(p99.group(1)) if p99 else None,
        "errors": errors,
        "requests": int(total.group(1)) if total else 0,
    }


def command(port: int, path: str, connections: int, seconds: float) -> list[str]:
    url = f"http://127.0.0.1:{port}{path}"
    duration = f"{max(1, round(seconds))}s"
    # wrk's default 2 s timeout would count a slow page as an error rather than as its latency.
    options = ["--latency", "--timeout", "30s", "-t", str(min(2, connections)), "-c", str(connections)]
    return ["wrk", *options, "-d", duration, url]


def get_load(
    port: int, path: str, connections: int, seconds: float, window: driver.Window = contextlib.nullcontext
) -> dict:
    """GETs of one path with wrk, or with the Python driver when wrk is missing."""
    if not available():
        with window():
            return driver.get_load(port, path, connections, seconds) | {"tool": "python driver"}
    with window():
        done = subprocess.run(
            command(port, path, connections, seconds), capture_output=True, text=True, timeout=seconds + 60
        )
    return parse(done.stdout) | {"tool": "wrk"}


def start(port: int, path: str, connections: int, seconds: float) -> subprocess.Popen:
    """wrk in the background (for the mixed flood); read its output with finish()."""
    return subprocess.Popen(command(port, path, connections, seconds), stdout=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen, seconds: float) -> dict:
    output, _ = process.communicate(timeout=seconds + 60)
    return parse(output) | {"tool": "wrk"}
