"""B6: a surge through a caching proxy, with the site stopped in the middle.

    readers (wrk) ─┐
                   ├─> 127.0.0.1:P  Varnish (Debian's), caching only what the site's headers allow
    signers ───────┘        └──> 127.0.0.1:Q  gunicorn (B6's own), the run's worker, PostgreSQL, Redis

Readers fetch the 1,000,000-signature statement's page, its count JSON and its widget while
signers go through the whole sign-and-confirm path on the hot statement. Varnish keeps a response
for its max-age, serves it while refreshing for its stale-while-revalidate, and while the site
fails (its health check fails) for its stale-if-error; it never keeps anything longer than the site
says, nor anything with a cookie, a POST or a private response. Part way through, gunicorn is
stopped (SIGSTOP, as a hung host) for `outage_seconds`: readers keep getting pages and counts from
Varnish's stale copies, signers get the proxy's own "try again shortly" page, wait and send their
form again once the site is back. At the end no confirmation is lost and every count is exact.

The gunicorn is B6's own so that it can be stopped without touching the run's, and so that it runs
with PAGE_CACHE_SECONDS=10: a reading page may then be served stale for 50 s while the site fails,
longer than the outage (with the default 5 s, 25 s; the API and the widget keep 10 s, 50 s).
"""

import http.client
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from pathlib import Path

from bench import driver, services, wrk

WORK = services.ROOT / "var" / "bench"
HOST = "127.0.0.1"
HEALTH = "/bench/baseline/read/"
PAGE_CACHE_SECONDS = 10
# What a signer does when the proxy asks them to try again: wait a little, then send the same form.
RETRY_SECONDS = 1.0
# A try-again page this long after the proxy sends to the site again was a request already on its way.
SLACK_SECONDS = 1.0
# A signer whose confirmation email has not come within this is counted as lost.
MAIL_SECONDS = 60.0
TRY_AGAIN_MARK = 'id="try-again"'

# One page, in English and Welsh, from the proxy itself: no stylesheet, script, font or image from
# anywhere (the site is what is down). Welsh letters as HTML entities, so the VCL stays ASCII.
TRY_AGAIN_PAGE = """<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Try again shortly &ndash; Rhowch gynnig arall arni cyn bo hir</title>
<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.5}</style>
</head>
<body id="try-again">
<main>
<h1>Try again shortly</h1>
<p>So many people are using the site that it cannot answer you right now.
Please try again in a minute. If you were signing, go back and send the form again:
signing twice with the same email address counts once.</p>
<div lang="cy">
<h1>Rhowch gynnig arall arni cyn bo hir</h1>
<p>Mae cymaint o bobl yn defnyddio&rsquo;r wefan fel na all eich ateb ar hyn o bryd.
Rhowch gynnig arall arni ymhen munud. Os oeddech chi&rsquo;n llofnodi, ewch yn
&ocirc;l ac anfonwch y ffurflen eto: mae llofnodi ddwywaith gyda&rsquo;r un cyfeiriad
e-bost yn cyfrif unwaith.</p>
</div>
</main>
</body>
</html>
"""


def vcl(backend_port: int, health: str = HEALTH) -> str:
    """The proxy's configuration: the site's own Cache-Control decides everything kept."""
    if '"}' in TRY_AGAIN_PAGE:
        raise ValueError("the try-again page cannot hold the end of a VCL long string")
    return f"""vcl 4.1;

import std;

# Sick after 2 of 3 checks fail (5 to 10 s after the site stops), healthy after 2 succeed. A busy
# site has 5 s to answer a check: with 2 s, the backlog of a site that came back (and on a busy
# machine, a queue of signers) had checks fail and the proxy turn signers away from a live site.
probe health {{
    .request = "GET {health} HTTP/1.1" "Host: {HOST}" "Connection: close";
    .interval = 1s;
    .timeout = 5s;
    .window = 3;
    .threshold = 2;
    .initial = 2;
}}

# A request the stopped site had already taken waits for it (60 s), rather than failing at once;
# so does a response it was part way through sending (its client has the headers already, and a
# shorter wait would cut its body).
backend site {{
    .host = "{HOST}";
    .port = "{backend_port}";
    .probe = health;
    .connect_timeout = 2s;
    .first_byte_timeout = 60s;
    .between_bytes_timeout = 60s;
}}

sub vcl_recv {{
    if (req.restarts == 0) {{
        unset req.http.X-Refresh;
        unset req.http.X-Stale-If-Error;
        # The load generator stands for the edge that already set each client's address: pass
        # it on as it came (Varnish appended its own peer, loopback, to it).
        set req.http.X-Forwarded-For = regsub(req.http.X-Forwarded-For, ",[^,]*$", "");
    }}
    # A restart keeps what the last try set: say it each time.
    if (req.http.X-Refresh && !req.http.X-Stale-If-Error) {{
        set req.hash_always_miss = true;
    }} else {{
        set req.hash_always_miss = false;
    }}
    # Then Varnish's built-in rules: a request with a cookie or credentials, or anything but a
    # GET or HEAD, passes to the site and is never cached.
}}

sub vcl_hit {{
    # Stale beyond stale-while-revalidate is for when the site fails (stale-if-error) only: while
    # it answers, fetch afresh (and should that fail, come back for this copy).
    if (obj.ttl < 0s && !req.http.X-Stale-If-Error && std.healthy(req.backend_hint)
        && obj.ttl + std.duration(obj.http.X-Stale-While-Revalidate + "s", 0s) < 0s) {{
        set req.http.X-Refresh = "1";
        return (restart);
    }}
}}

sub vcl_backend_fetch {{
    unset bereq.http.X-Stale-If-Error;
}}

sub vcl_backend_response {{
    # A refresh that met a server error keeps the stale copy (stale-if-error covers 5xx too).
    if (beresp.status >= 500 && (bereq.is_bgfetch || bereq.http.X-Refresh)) {{
        return (abandon);
    }}
    # Only the site's own lifetimes: what says no max-age is not kept (Varnish would keep it 2 min).
    if (beresp.http.Cache-Control !~ "(^|[ ,])(s-maxage|max-age)=[0-9]+") {{
        set beresp.ttl = 0s;
    }}
    if (beresp.http.Cache-Control ~ "stale-while-revalidate=[0-9]+") {{
        set beresp.http.X-Stale-While-Revalidate = regsub(
            beresp.http.Cache-Control, "^.*stale-while-revalidate=([0-9]+).*$", "\\1");
    }} else {{
        set beresp.http.X-Stale-While-Revalidate = "0";
    }}
    # A stale copy may be served as long as the longer of the two allows; vcl_hit keeps the
    # part beyond stale-while-revalidate for when the site fails.
    set beresp.grace = std.duration(beresp.http.X-Stale-While-Revalidate + "s", 0s);
    if (beresp.http.Cache-Control ~ "stale-if-error=[0-9]+") {{
        set beresp.grace = std.duration(
            regsub(beresp.http.Cache-Control, "^.*stale-if-error=([0-9]+).*$", "\\1") + "s", 0s);
    }}
    set beresp.keep = 0s;
}}

sub vcl_backend_error {{
    # A refresh that failed keeps the stale copy; anything else gets the proxy's own page.
    if (bereq.is_bgfetch || bereq.http.X-Refresh) {{
        return (abandon);
    }}
    set beresp.status = 503;
    set beresp.ttl = 0s;
    set beresp.grace = 0s;
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Cache-Control = "no-store";
    set beresp.http.Retry-After = "30";
    synthetic({{"{TRY_AGAIN_PAGE}"}});
    return (deliver);
}}

sub vcl_synth {{
    # A refresh that failed: the stale copy, as the site's stale-if-error allows.
    if (resp.status == 503 && req.http.X-Refresh && !req.http.X-Stale-If-Error) {{
        set req.http.X-Stale-If-Error = "1";
        return (restart);
    }}
    if (resp.status == 503) {{
        set resp.http.Content-Type = "text/html; charset=utf-8";
        set resp.http.Cache-Control = "no-store";
        set resp.http.Retry-After = "30";
        synthetic({{"{TRY_AGAIN_PAGE}"}});
        return (deliver);
    }}
}}

sub vcl_deliver {{
    unset resp.http.X-Stale-While-Revalidate;
}}
"""


def varnishd_binary() -> str | None:
    return shutil.which("varnishd") or (
        "/usr/sbin/varnishd" if os.access("/usr/sbin/varnishd", os.X_OK) else None
    )


def ensure_varnish() -> str:
    """Debian's Varnish, installed by the project's script when missing (its own service stays stopped)."""
    if varnishd_binary() is None:
        script = services.ROOT / "bench" / "install_tools.sh"
        subprocess.run(["bash", str(script)], capture_output=True, timeout=600, check=False)
    binary = varnishd_binary()
    if binary is None or shutil.which("varnishstat") is None:
        raise driver.Unavailable("error: Varnish missing; run bench/install_tools.sh as root")
    return binary


def varnish_command(binary: str, name: Path, port: int, config: Path) -> list[str]:
    """varnishd in the foreground; nothing kept beyond what the site says (no default lifetimes)."""
    command = [binary, "-F", "-n", str(name), "-a", f"{HOST}:{port}", "-f", str(config)]
    command += ["-s", "malloc,256m", "-T", "none"]
    for parameter in ["default_ttl=0", "default_grace=0", "default_keep=0"]:
        command += ["-p", parameter]
    return command


def counters(name: Path) -> dict[str, int]:
    """Varnish's counters (`varnishstat -j`), as {"MAIN.client_req": n, ...}."""
    done = subprocess.run(
        ["varnishstat", "-n", str(name), "-j"], capture_output=True, text=True, timeout=30, check=True
    )
    return parse_counters(done.stdout)


def parse_counters(output: str) -> dict[str, int]:
    document = json.loads(output)
    # Varnish 6.5 and later put them under "counters"; before, at the top level.
    found = document.get("counters", document)
    return {
        key: int(entry["value"])
        for key, entry in found.items()
        if isinstance(entry, dict) and "value" in entry
    }


def offload(before: dict[str, int], after: dict[str, int]) -> dict:
    """What the proxy answered itself between two readings of its counters.

    `served_per_backend`: requests the clients made per request that reached gunicorn (signers'
    passes included). `hit_ratio`: of the cacheable requests (readers'), the share served from
    the cache, stale copies included; a miss is a request that waited for the site.
    """

    def delta(key: str) -> int:
        return after.get(key, 0) - before.get(key, 0)

    client, backend = delta("MAIN.client_req"), delta("MAIN.backend_req")
    hits, misses = delta("MAIN.cache_hit"), delta("MAIN.cache_miss")
    return {
        "client_requests": client,
        "backend_requests": backend,
        "hits": hits,
        "stale_hits": delta("MAIN.cache_hit_grace"),
        "misses": misses,
        "passes": delta("MAIN.s_pass"),
        # Refreshes and fetches that failed (the site stopped): stale copies or the try-again page.
        "failed_fetches": delta("MAIN.fetch_failed"),
        "served_per_backend": round(client / backend, 1) if backend else None,
        "hit_ratio": round(hits / (hits + misses), 4) if hits + misses else None,
    }


def reader_script(paths: list[str]) -> str:
    """wrk's Lua: each request the next of the readers' paths, round robin."""
    listed = ", ".join(json.dumps(path) for path in paths)
    return "\n".join(
        [
            f"local paths = {{{listed}}}",
            "local next_path = 0",
            "request = function()",
            "  next_path = next_path % #paths + 1",
            '  return wrk.format("GET", paths[next_path])',
            "end",
            "",
        ]
    )


def start_readers(port: int, script: Path, connections: int, seconds: float) -> subprocess.Popen:
    command = wrk.command(port, "/", connections, seconds)
    return subprocess.Popen(
        [*command[:-1], "-s", str(script), command[-1]], stdout=subprocess.PIPE, text=True
    )


def is_try_again(response: driver.Response) -> bool:
    return response.status == 503 and TRY_AGAIN_MARK in response.text


class TryAgain(Exception):
    """The proxy's own page: the site is not answering."""


class Signers:
    """driver.end_to_end's whole signing paths, doing what a person does with the proxy's page:
    wait, then send the same form (or open the same confirmation link) again."""

    def __init__(self, port: int, slug: str, mailbox: driver.Mailbox, run_id: str) -> None:
        self.port, self.slug, self.mailbox, self.run_id = port, slug, mailbox, run_id
        self.tally = driver.Tally()
        self.confirmed: list[float] = []
        self.try_again: list[float] = []
        self.bilingual = True
        self.lost: Counter = Counter()
        self.sequence = iter(range(10**9))
        self.lock = threading.Lock()

    def request(self, client: driver.Client, method: str, path: str, fields: dict | None = None):
        response = client.request(method, path, fields)
        if is_try_again(response):
            with self.lock:
                self.try_again.append(time.monotonic())
                self.bilingual &= "Try again shortly" in response.text and 'lang="cy"' in response.text
            raise TryAgain()
        return response

    def form(self, client: driver.Client) -> dict:
        page_path = f"/statements/{self.slug}/sign/"
        response = self.request(client, "GET", page_path)
        if response.status != 200:
            raise driver.Unavailable(f"error: GET {page_path} answered {response.status}")
        for form in driver.forms_of(response.text, page_path):
            if form["method"] == "post" and "email" in form["fields"]:
                return form | {"served": time.monotonic()}
        raise driver.Unavailable("feature missing: no sign form on the sign page")

    def step(self, own: dict, client: driver.Client) -> None:
        try:
            self.sign(own, client)
            self.confirm(own, client)
        except TryAgain:
            time.sleep(RETRY_SECONDS)

    def sign(self, own: dict, client: driver.Client) -> None:
        """Fetch a form, and sign with the oldest one read long enough (kept until it is accepted)."""
        own["forms"].append(self.form(client))
        form = own["forms"][0]
        if time.monotonic() - form["served"] < driver.READING_SECONDS:
            return
        if "address" not in form:
            with self.lock:
                form["address"] = f"e{self.run_id}-{next(self.sequence)}@example.org"
            form["forwarded_for"] = driver.random_address()
        client.forwarded_for = form["forwarded_for"]
        fields = form["fields"] | {"name": "Surge", "email": form["address"]}
        response = self.request(client, "POST", form["action"], fields)
        own["forms"].popleft()
        self.tally.record(response, response.status in (302, 303))
        if response.status in (302, 303):
            own["flows"].append(driver.Flow(form["address"], time.monotonic()))

    def confirm(self, own: dict, client: driver.Client) -> None:
        """Confirm every signer whose email has come; one the proxy turned away stays first in line."""
        waiting: deque = deque()
        try:
            while own["flows"]:
                flow = own["flows"][0]
                path = own["links"].get(flow.address) or self.mailbox.confirmation_path(flow.address)
                if path is None:
                    own["flows"].popleft()
                    if time.monotonic() - flow.signed > MAIL_SECONDS:
                        self.lost["no email"] += 1
                    else:
                        waiting.append(flow)
                    continue
                own["links"][flow.address] = path
                try:
                    self.confirm_one(client, path)
                except driver.Unavailable:
                    own["flows"].popleft()
                    raise
                own["flows"].popleft()
                del own["links"][flow.address]
        finally:
            own["flows"].extend(waiting)

    def confirm_one(self, client: driver.Client, path: str) -> None:
        page = self.request(client, "GET", path)
        posts = [form for form in driver.forms_of(page.text, path) if form["method"] == "post"]
        if page.status != 200 or not posts:
            raise driver.Unavailable(f"error: confirmation page answered {page.status}")
        response = self.request(client, "POST", posts[0]["action"], posts[0]["fields"])
        self.tally.record(response, response.status in (200, 302, 303))
        if response.status in (200, 302, 303):
            with self.lock:
                self.confirmed.append(time.monotonic())

    def run(self, connections: int, duration: float) -> dict:
        clients = [driver.Client(self.port) for _ in range(connections)]
        driver.in_parallel(self.form, clients)  # Fails early when there is no form.
        state = {client: {"forms": deque(), "flows": deque(), "links": {}} for client in clients}
        driver.run_clients(
            clients, driver.guarded(self.tally, lambda client: self.step(state[client], client)), duration
        )
        summary = self.tally.summary(duration)
        return summary | {
            "value": round(len(self.confirmed) / duration, 1),
            "unit": "confirmed/s",
            "confirmed": len(self.confirmed),
            "try_again_pages": len(self.try_again),
            "lost": dict(self.lost),
            "awaiting_email_at_end": sum(len(own["flows"]) for own in state.values()),
        }


def watch(port: int, paths: list[str], stop: threading.Event) -> dict:
    """Readers during the outage, one GET of each path every 0.2 s: what they got, and the count."""
    statuses: Counter = Counter()
    counts: set[str] = set()
    client = driver.Client(port)
    while not stop.wait(0.2):
        for path in paths:
            try:
                response = client.request("GET", path)
            except (OSError, http.client.HTTPException):
                statuses["connection error"] += 1
                client.close()
                continue
            statuses[str(response.status)] += 1
            if path.startswith("/api/") and response.status == 200:
                counts.add(str(json.loads(response.body).get("signatures")))
    ok = statuses.get("200", 0)
    return {
        "value": ok,
        "unit": "responses",
        "errors": sum(statuses.values()) - ok,
        "statuses": dict(statuses),
        "counts_shown": sorted(counts),
    }


def run(context, check_counts: Callable[[object, list[str]], dict]) -> None:
    if not wrk.available():
        raise driver.Unavailable("error: wrk missing; run bench/install_tools.sh as root")
    binary = ensure_varnish()
    folder = WORK / "surge"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    processes = services.Processes(WORK / "logs")
    try:
        site_port, proxy_port = start(context, processes, binary, folder)
        surge(context, check_counts, processes, folder, site_port, proxy_port)
    finally:
        resume(processes)
        processes.stop_all()


def start(context, processes: services.Processes, binary: str, folder: Path) -> tuple[int, int]:
    sizes = context.sizes
    site_port, proxy_port = services.free_port(), services.free_port()
    environment = context.environment | {
        "PAGE_CACHE_SECONDS": str(PAGE_CACHE_SECONDS),
        "SITE_URL": f"http://{HOST}:{proxy_port}",
        "PGAPPNAME": "consult-web",
    }
    command = [services.PYTHON, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.py"]
    command += ["--bind", f"{HOST}:{site_port}", "--workers", str(sizes["workers"])]
    command += ["--threads", str(sizes["threads"])]
    command += ["--worker-class", "gthread" if sizes["threads"] > 1 else "sync", "--timeout", "120"]
    command += ["--keep-alive", "30", "--log-level", "warning"]
    processes.start("gunicorn-surge", command, environment)
    if not services.wait_until(lambda: services.responds(f"http://{HOST}:{site_port}{HEALTH}"), 60):
        raise RuntimeError("B6's gunicorn did not answer; see var/bench/logs/gunicorn-surge.log")
    config = folder / "surge.vcl"
    config.write_text(vcl(site_port))
    processes.start(
        "varnish", varnish_command(binary, folder / "varnish", proxy_port, config), dict(os.environ)
    )
    if not services.wait_until(lambda: services.responds(f"http://{HOST}:{proxy_port}{HEALTH}"), 60):
        raise RuntimeError("Varnish did not answer; see var/bench/logs/varnish.log")
    return site_port, proxy_port


def pause(processes: services.Processes) -> None:
    """Stop gunicorn, master and workers, as a host that hangs: connections wait, nothing answers."""
    os.killpg(processes.started["gunicorn-surge"].pid, signal.SIGSTOP)


def resume(processes: services.Processes) -> None:
    process = processes.started.get("gunicorn-surge")
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGCONT)


def outage(
    processes: services.Processes, port: int, paths: list[str], sign_path: str, timing: tuple, events: dict
) -> None:
    """gunicorn stopped after `before` seconds for `seconds`, readers watched meanwhile and a new
    signer arriving every second; then when the proxy sent to it again."""
    before, seconds = timing
    time.sleep(before)
    stop = threading.Event()
    watcher = threading.Thread(target=lambda: events.update(readers=watch(port, paths, stop)), daemon=True)
    arrivals: list[str] = []
    events["stopped_at"] = time.monotonic()
    pause(processes)
    watcher.start()
    arriving = []
    while time.monotonic() - events["stopped_at"] < seconds:
        # Each on its own: one whose request reached the site before the proxy saw it stopped
        # waits for it to come back, and must not hold up the next.
        arriving.append(threading.Thread(target=arrive, args=(port, sign_path, arrivals), daemon=True))
        arriving[-1].start()
        time.sleep(1)
    resume(processes)
    events["resumed_at"] = time.monotonic()
    stop.set()
    watcher.join(timeout=30)
    events["back_at"] = back(port)
    for thread in arriving:
        thread.join(timeout=driver.TIMEOUT + 5)
    events["arrivals"] = dict(Counter(arrivals))


def arrive(port: int, path: str, results: list[str]) -> None:
    """A signer who opens the sign page while the site is stopped: what they were shown."""
    client = driver.Client(port)
    try:
        response = client.request("GET", path)
        results.append("try again" if is_try_again(response) else str(response.status))
    except (OSError, http.client.HTTPException) as error:
        results.append(type(error).__name__)
    finally:
        client.close()


def try_again_timing(moments: list[float], events: dict) -> dict:
    """When signers were shown the try-again page: before the stop and after the proxy sent to the
    site again, errors; while it was stopped, and while it worked off its backlog, as designed."""
    stopped, resumed = events.get("stopped_at", float("inf")), events.get("resumed_at", float("inf"))
    back_at = events.get("back_at", float("inf"))
    return {
        "before_the_stop": sum(moment < stopped for moment in moments),
        "while_stopped": sum(stopped <= moment <= resumed for moment in moments),
        "while_recovering": sum(resumed < moment <= back_at + SLACK_SECONDS for moment in moments),
        "after_it_was_back": sum(moment > back_at + SLACK_SECONDS for moment in moments),
        "back_after_s": round(back_at - resumed, 1) if back_at < float("inf") else None,
    }


def back(port: int) -> float:
    """When the proxy sends requests to the site again: its health check needs a few good answers
    from a site that is working off what queued while it was stopped. A request with a cookie
    passes, so it is the proxy's own page until then."""
    client = driver.Client(port)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        client.cookies = {"surge": "1"}
        try:
            if client.request("GET", HEALTH).status == 200:
                return time.monotonic()
        except (OSError, http.client.HTTPException):
            client.close()
        time.sleep(0.25)
    return float("inf")


def surge(
    context,
    check_counts: Callable[[object, list[str]], dict],
    processes: services.Processes,
    folder: Path,
    site_port: int,
    proxy_port: int,
) -> None:
    sizes, fixtures = context.sizes, context.fixtures
    big, hot = fixtures["big"]["slug"], fixtures["small"]["slug"]
    paths = [f"/statements/{big}/", f"/api/v1/statements/{big}/", f"/embed/statements/{big}/"]
    script = folder / "readers.lua"
    script.write_text(reader_script(paths))
    down = sizes["outage_seconds"]
    seconds = sizes["flood_seconds"] + down
    name, run_id = folder / "varnish", context.run_id + "s"
    signers = Signers(proxy_port, hot, context.mailbox, run_id)
    events: dict = {}
    slugs = [big, hot, *fixtures["spread"]]
    rows_before = check_counts(context, [hot])[hot]["rows"]
    before = counters(name)
    readers = start_readers(proxy_port, script, sizes["connections"], seconds)
    stopper = threading.Thread(
        target=outage,
        args=(processes, proxy_port, paths, f"/statements/{hot}/sign/", ((seconds - down) / 2, down), events),
        daemon=True,
    )
    stopper.start()
    signed = signers.run(max(2, sizes["connections"] // 2), seconds)
    read = wrk.finish(readers, seconds) | {"paths": paths}
    stopper.join(timeout=240)
    after = counters(name)
    context.figure("b6.readers", "B6", "readers through the proxy (page, count JSON, widget)", read)
    context.figure("b6.signers", "B6", "signers through the proxy, whole path", signed)
    during = events.get("readers", {"value": 0, "unit": "responses", "errors": None})
    context.figure("b6.outage.readers", "B6", f"reader responses while gunicorn was stopped {down} s", during)
    timing = try_again_timing(signers.try_again, events)
    arrivals = events.get("arrivals", {})
    context.figure(
        "b6.outage.try_again",
        "B6",
        "try-again pages (English and Welsh) signers were shown while gunicorn was stopped or recovering",
        {
            "value": timing["while_stopped"] + timing["while_recovering"] + arrivals.get("try again", 0),
            "unit": "pages",
            "bilingual": signers.bilingual,
            # Signers who came while it was stopped, one a second: the page, or (those whose request
            # reached the site before the proxy saw it stopped) the sign page once it was back.
            "arrivals": arrivals,
            **timing,
        },
    )
    outside = timing["before_the_stop"] + timing["after_it_was_back"]
    turned_away = sum(count for kind, count in arrivals.items() if kind not in ("200", "try again"))
    kinds = {
        "readers": read.get("errors") or 0,
        "readers_while_stopped": during.get("errors") or 0,
        "signers": signed["errors"],
        "try_again_outside_the_outage": outside,
        "arrivals_turned_away_otherwise": turned_away,
        "signed_without_email": sum(signed["lost"].values()),
    }
    context.figure(
        "b6.errors",
        "B6",
        "error responses (readers, signers; try-again pages outside the outage)",
        {"value": sum(kinds.values()), "unit": "responses", **kinds},
    )
    ratios = offload(before, after)
    context.figure(
        "b6.offload",
        "B6",
        "requests served per request that reached gunicorn (Varnish's counters)",
        {"value": ratios["served_per_backend"], "unit": "requests", **ratios},
    )
    context.figure(
        "b6.hit_ratio",
        "B6",
        "readers' requests served from the proxy's cache (stale copies included)",
        {"value": ratios["hit_ratio"], "unit": "share", **ratios},
    )
    # Every confirmation a signer saw is a counted row of the hot statement (nobody else signs it
    # now); a few looks, should one still be on its way to the database.
    for _ in range(5):
        checked = check_counts(context, slugs)
        rows = checked[hot]["rows"] - rows_before
        if rows >= signed["confirmed"]:
            break
        time.sleep(2)
    context.figure(
        "b6.lost",
        "B6",
        "confirmations the clients saw that are not counted rows",
        {
            "value": max(0, signed["confirmed"] - rows),
            "unit": "signatures",
            "client_confirmed": signed["confirmed"],
            "new_rows": rows,
        },
    )
    drift = sum(abs(entry["shown"] - entry["rows"]) for entry in checked.values())
    context.figure(
        "b6.drift", "B6", "count drift over all statements", {"value": drift, "unit": "signatures"}
    )
