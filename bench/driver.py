"""A load driver for flows with forms and CSRF, on the standard library alone.

One thread per client, each with its own keep-alive connection and cookies, all on loopback.
Every loop is bounded by a deadline, and every socket by a timeout.
"""

import contextlib
import http.client
import json
import random
import re
import statistics
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

TIMEOUT = 60.0
# A load's timed part runs inside `window()` (bench/cpu.py measures its CPU); setting up the
# clients (their first pages) stays outside it.
Window = Callable[[], contextlib.AbstractContextManager]
# The sign form holds back a signature posted sooner than a person could (2 s after serving).
READING_SECONDS = 2.2


class Unavailable(Exception):
    """A scenario cannot run: `reason` starts with "feature missing" when code is not there yet."""


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One keep-alive connection with a cookie jar, like one browser tab."""

    def __init__(self, port: int, host: str = "127.0.0.1") -> None:
        self.port, self.host = port, host
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.forwarded_for = ""

    def request(self, method: str, path: str, fields: dict | None = None) -> Response:
        headers = {"Host": f"{self.host}:{self.port}"}
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.forwarded_for:
            headers["X-Forwarded-For"] = self.forwarded_for
        for attempt in range(2):
            started = time.perf_counter()
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
                self.connection.request(method, path, body=body, headers=headers)
                reply = self.connection.getresponse()
                content = reply.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # The server closed an idle keep-alive connection before reading the request.
                self.close()
                if attempt:
                    raise
                continue
            elapsed = time.perf_counter() - started
            for cookie in reply.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if reply.headers.get("Connection", "").lower() == "close":
                self.close()
            return Response(reply.status, dict(reply.headers), content, elapsed)
        raise RuntimeError("unreachable")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class FormParser(HTMLParser):
    """The forms of a page: action, method and the fields a browser would submit as they are."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form":
            method = (attributes.get("method") or "get").lower()
            self.forms.append({"action": attributes.get("action") or "", "method": method, "fields": {}})
            return
        if not self.forms or tag not in {"input", "textarea", "select", "button"}:
            return
        name = attributes.get("name")
        kind = (attributes.get("type") or "text").lower()
        fields = self.forms[-1]["fields"]
        if not name or kind in {"submit", "button", "image", "reset"} or tag == "button":
            return
        if kind in {"checkbox", "radio"}:
            if "checked" in attributes:
                fields[name] = attributes.get("value") or "on"
            else:
                fields.setdefault(name, None)
            return
        fields[name] = attributes.get("value") or ""


# The driver shares the machine with the server it measures: it parses only the forms of a page,
# not the whole page (a statement page is tens of kilobytes of charts and names).
FORM_MARKUP = re.compile(r"<form\b.*?</form>", re.DOTALL | re.IGNORECASE)


def forms_of(html: str, page_path: str) -> list[dict]:
    parser = FormParser()
    for markup in FORM_MARKUP.findall(html):
        parser.feed(markup)
    for form in parser.forms:
        form["action"] = urlsplit(form["action"]).path or page_path
        form["fields"] = {name: value for name, value in form["fields"].items() if value is not None}
    return parser.forms


def sign_form(client: Client, slug: str) -> dict:
    """The sign page's form (a POST form with an email field), with its served time."""
    page_path = f"/statements/{slug}/sign/"
    response = client.request("GET", page_path)
    if response.status != 200:
        raise Unavailable(f"error: GET {page_path} answered {response.status}")
    for form in forms_of(response.text, page_path):
        if form["method"] == "post" and "email" in form["fields"]:
            return form | {"served": time.monotonic()}
    raise Unavailable("feature missing: no sign form (a POST form with an email field) on the sign page")


def confirmation_form(client: Client, path: str) -> dict:
    response = client.request("GET", path)
    if response.status != 200:
        raise Unavailable(f"error: GET confirmation page answered {response.status}")
    posts = [form for form in forms_of(response.text, path) if form["method"] == "post"]
    if not posts:
        raise Unavailable("feature missing: no POST form on the confirmation page")
    return posts[0]


def random_address() -> str:
    """A client address for X-Forwarded-For: each simulated signer comes from its own address."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


@dataclass
class Tally:
    """What the clients of one load saw: latencies of successes, statuses and failures."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)
    failures: int = 0
    # What went wrong, by kind: an error count alone says nothing to whoever reads the report.
    reasons: Counter = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, response: Response, ok: bool) -> None:
        with self.lock:
            self.statuses[response.status] += 1
            if ok:
                self.latencies.append(response.seconds)
            else:
                self.failures += 1

    def fail(self, reason: str) -> None:
        with self.lock:
            self.failures += 1
            self.reasons[reason[:120]] += 1

    def summary(self, seconds: float) -> dict:
        latencies = sorted(self.latencies)
        return {
            "value": round(len(latencies) / seconds, 1) if seconds else 0.0,
            "unit": "req/s",
            "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else None,
            "p99_ms": round(percentile(latencies, 0.99) * 1000, 2) if latencies else None,
            "errors": self.failures,
            "requests": len(latencies) + self.failures,
            "statuses": {str(status): count for status, count in sorted(self.statuses.items())},
            "failures": dict(self.reasons),
        }


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run_clients(clients: list, step, duration: float) -> float:
    """Run step(client) in a loop on one thread per client until the deadline; returns the seconds."""
    deadline = time.monotonic() + duration

    def loop(client) -> None:
        while time.monotonic() < deadline:
            step(client)

    threads = [threading.Thread(target=loop, args=(client,), daemon=True) for client in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + TIMEOUT + 5)
    return time.monotonic() - started


def in_parallel(function, items: list) -> list:
    """function(item) for every item at once (each client's first page), in order; raises the first error."""
    results: list = [None] * len(items)

    def run(index: int) -> None:
        try:
            results[index] = function(items[index])
        except Exception as error:  # Raised below, in the caller's thread.
            results[index] = error

    threads = [threading.Thread(target=run, args=(index,), daemon=True) for index in range(len(items))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT * 2)
    for result in results:
        if isinstance(result, Exception):
            raise result
    return results


def guarded(tally: Tally, step):
    """A step that counts a network error as a failure instead of ending its thread."""

    def run(client) -> None:
        try:
            step(client)
        except (OSError, http.client.HTTPException, Unavailable) as error:
            tally.fail(f"{type(error).__name__}: {error}")
            client.close()
            time.sleep(0.05)

    return run


def get_load(port: int, path: str, connections: int, duration: float) -> dict:
    """GETs of one path, for when wrk is not installed."""
    tally = Tally()
    clients = [Client(port) for _ in range(connections)]

    def step(client: Client) -> None:
        response = client.request("GET", path)
        tally.record(response, response.status == 200)

    seconds = run_clients(clients, guarded(tally, step), duration)
    return tally.summary(seconds)


def write_baseline_load(
    port: int, connections: int, duration: float, window: Window = contextlib.nullcontext
) -> dict:
    """The write baseline: a GET for the CSRF token once per client, then POSTs, as for signing."""
    tally = Tally()
    clients = [Client(port) for _ in range(connections)]

    def token(client: Client) -> str:
        response = client.request("GET", "/bench/baseline/write/")
        if response.status != 200:
            raise Unavailable(f"error: the write baseline answered {response.status}")
        return json.loads(response.body)["csrfmiddlewaretoken"]

    tokens = dict(zip(clients, in_parallel(token, clients), strict=True))

    def step(client: Client) -> None:
        response = client.request("POST", "/bench/baseline/write/", {"csrfmiddlewaretoken": tokens[client]})
        tally.record(response, response.status == 201)

    with window():
        seconds = run_clients(clients, guarded(tally, step), duration)
    return tally.summary(seconds)


def sign_load(
    port: int,
    slug: str,
    connections: int,
    duration: float,
    run_id: str,
    window: Window = contextlib.nullcontext,
) -> dict:
    """Sign POSTs with fresh addresses, each client reusing a form it fetched (and read) once."""
    tally = Tally()
    clients = [Client(port) for _ in range(connections)]
    forms = dict(zip(clients, in_parallel(lambda client: sign_form(client, slug), clients), strict=True))
    time.sleep(READING_SECONDS)
    sequence = iter(range(10**9))
    lock = threading.Lock()

    def step(client: Client) -> None:
        with lock:
            number = next(sequence)
        form = forms[client]
        client.forwarded_for = random_address()
        fields = form["fields"] | {"name": f"Signer {number}", "email": f"s{run_id}-{number}@example.org"}
        response = client.request("POST", form["action"], fields)
        tally.record(response, response.status in (302, 303))

    with window():
        seconds = run_clients(clients, guarded(tally, step), duration)
    return tally.summary(seconds)


def confirm_load(
    port: int, paths: list[str], connections: int, duration: float, window: Window = contextlib.nullcontext
) -> dict:
    """Confirmation POSTs on prepared links; the CSRF token comes from one confirmation page."""
    if len(paths) < connections * 2:
        raise Unavailable("error: too few prepared confirmation links")
    tally = Tally()
    clients = [Client(port) for _ in range(connections)]
    queue = deque(paths)
    first_paths = [queue.popleft() for _ in clients]
    pages = in_parallel(lambda pair: confirmation_form(*pair), list(zip(clients, first_paths, strict=True)))
    forms = dict(zip(clients, pages, strict=True))

    def step(client: Client) -> None:
        try:
            path = queue.popleft()
        except IndexError:  # Every prepared link used: stop early rather than loop on nothing.
            time.sleep(0.05)
            return
        client.forwarded_for = random_address()
        response = client.request("POST", path, forms[client]["fields"])
        tally.record(response, response.status in (200, 302, 303))

    with window():
        seconds = run_clients(clients, guarded(tally, step), duration)
    summary = tally.summary(seconds)
    if not queue:
        summary["note"] = "ran out of prepared links before the end"
    return summary


class Mailbox:
    """Follows the SMTP sink's JSON lines and keeps the newest confirmation link per recipient."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.links: dict[str, str] = {}
        self.count = 0
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.follow, daemon=True)
        self.thread.start()

    def follow(self) -> None:
        self.path.touch()
        with self.path.open("rb") as lines:
            while not self.stopped.is_set():
                line = lines.readline()
                if not line.endswith(b"\n"):
                    lines.seek(lines.tell() - len(line))  # A line still being written: read it again.
                    time.sleep(0.01)
                    continue
                message = json.loads(line)
                confirm = [link for link in message["links"] if "/confirm" in link]
                with self.lock:
                    self.count += 1
                    for recipient in message["to"]:
                        if confirm:
                            self.links[recipient] = urlsplit(confirm[0]).path

    def confirmation_path(self, address: str) -> str | None:
        with self.lock:
            return self.links.pop(address.lower(), None)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(timeout=5)


@dataclass
class Flow:
    address: str
    signed: float


def end_to_end(
    port: int,
    slugs: list[str],
    mailbox: Mailbox,
    connections: int,
    duration: float,
    run_id: str,
    window: Window = contextlib.nullcontext,
):
    """Whole signing paths: form GET, sign POST, the email, confirmation GET and POST.

    Each client interleaves many signers: it fetches a form, signs with a form it fetched at
    least READING_SECONDS ago, and confirms every signer whose email has come. Returns
    confirmations per second after the pipeline has filled, and the failures.
    """
    tally = Tally()
    confirmed: list[float] = []
    lost = Counter()
    clients = [Client(port) for _ in range(connections)]
    in_parallel(lambda client: sign_form(client, slugs[0]), clients)  # Fails early when there is no form.
    state = {
        client: {"forms": deque(), "flows": deque(), "turn": index} for index, client in enumerate(clients)
    }
    sequence = iter(range(10**9))
    lock = threading.Lock()
    mail_timeout = 60.0

    def step(client: Client) -> None:
        own = state[client]
        own["turn"] += 1
        slug = slugs[own["turn"] % len(slugs)]
        own["forms"].append(sign_form(client, slug))
        if own["forms"] and time.monotonic() - own["forms"][0]["served"] >= READING_SECONDS:
            form = own["forms"].popleft()
            with lock:
                address = f"e{run_id}-{next(sequence)}@example.org"
            client.forwarded_for = random_address()
            response = client.request(
                "POST", form["action"], form["fields"] | {"name": "E2E", "email": address}
            )
            tally.record(response, response.status in (302, 303))
            if response.status in (302, 303):
                own["flows"].append(Flow(address, time.monotonic()))
        for _ in range(len(own["flows"])):
            flow = own["flows"].popleft()
            path = mailbox.confirmation_path(flow.address)
            if path is None:
                if time.monotonic() - flow.signed > mail_timeout:
                    lost["no email"] += 1
                else:
                    own["flows"].append(flow)
                continue
            form = confirmation_form(client, path)
            response = client.request("POST", form["action"], form["fields"])
            tally.record(response, response.status in (200, 302, 303))
            if response.status in (200, 302, 303):
                with lock:
                    confirmed.append(time.monotonic())

    started = time.monotonic()
    with window():
        run_clients(clients, guarded(tally, step), duration)
    warmup = min(READING_SECONDS + 3, duration / 2)
    window = [moment for moment in confirmed if moment - started >= warmup]
    rate = len(window) / max(duration - warmup, 0.001)
    summary = tally.summary(duration)
    return summary | {
        "value": round(rate, 1),
        "unit": "confirmed/s",
        "confirmed": len(confirmed),
        "lost": dict(lost),
        "awaiting_email_at_end": sum(len(own["flows"]) for own in state.values()),
    }
