"""B6's proxy configuration and arithmetic, and the configuration at work in Debian's Varnish."""

import http.client
import secrets
import shutil
import signal
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bench import report, run, services, surge
from tests.services import require

HEADERS = {
    # max-age 2 s, refreshed in the background for 2 s more, served stale for 30 s if the site fails.
    "/kept": "public, max-age=2, stale-while-revalidate=2, stale-if-error=30",
    "/private": "private, max-age=60",
    "/nothing": "",
}


def test_the_configuration_keeps_only_what_the_site_says():
    text = surge.vcl(8001)
    assert '.port = "8001";' in text and ".probe = health;" in text
    assert '.request = "GET /bench/baseline/read/ HTTP/1.1"' in text
    # No lifetime of the proxy's own: a response without max-age is not kept.
    assert "set beresp.ttl = 0s;" in text and "(s-maxage|max-age)" in text
    assert "stale-while-revalidate=([0-9]+)" in text and "stale-if-error=([0-9]+)" in text
    # vcl_recv falls through to Varnish's own rules, which pass cookies, credentials and POSTs.
    assert "return (hash)" not in text and "return (lookup)" not in text
    command = surge.varnish_command("/usr/sbin/varnishd", Path("/tmp/v"), 6081, Path("/tmp/v.vcl"))
    assert {"default_ttl=0", "default_grace=0", "default_keep=0"} <= set(command)


def test_the_try_again_page_is_english_and_welsh_and_needs_nothing_from_anywhere():
    page = surge.TRY_AGAIN_PAGE
    assert '<html lang="en-GB">' in page and '<div lang="cy">' in page
    assert "Try again shortly" in page and "Rhowch gynnig arall arni cyn bo hir" in page
    assert surge.TRY_AGAIN_MARK in page
    for outside in ["http:", "https:", "src=", "href=", "@import", "url("]:
        assert outside not in page
    assert page.isascii()  # Welsh letters as entities: the VCL stays plain ASCII.


def test_the_hit_ratio_and_offload_come_from_the_counters_difference():
    before = {"MAIN.client_req": 100, "MAIN.backend_req": 10, "MAIN.cache_hit": 50, "MAIN.cache_miss": 5}
    after = {
        "MAIN.client_req": 10_100,
        "MAIN.backend_req": 60,
        "MAIN.cache_hit": 9_950,
        "MAIN.cache_miss": 55,
        "MAIN.cache_hit_grace": 300,
        "MAIN.s_pass": 40,
    }
    ratios = surge.offload(before, after)
    assert ratios["served_per_backend"] == 200.0  # 10,000 requests, 50 reached gunicorn.
    assert ratios["hit_ratio"] == round(9_900 / 9_950, 4)
    assert (ratios["stale_hits"], ratios["passes"]) == (300, 40)
    assert surge.offload(before, before)["hit_ratio"] is None


def test_try_again_pages_count_as_errors_only_before_the_stop_or_once_the_proxy_was_sending_again():
    events = {"stopped_at": 10.0, "resumed_at": 40.0, "back_at": 44.0}
    moments = [5.0, 10.0, 25.0, 40.0, 42.0, 44.5, 45.5, 60.0]
    assert surge.try_again_timing(moments, events) == {
        "before_the_stop": 1,
        "while_stopped": 3,
        "while_recovering": 2,  # 44.5: a request already on its way when it came back.
        "after_it_was_back": 2,
        "back_after_s": 4.0,
    }
    never_back = surge.try_again_timing([50.0], events | {"back_at": float("inf")})
    assert never_back["while_recovering"] == 1 and never_back["back_after_s"] is None


def test_varnishstat_json_is_read_in_both_layouts():
    new = '{"version": 1, "counters": {"MAIN.client_req": {"value": 7, "flag": "c"}}}'
    old = '{"timestamp": "x", "MAIN.client_req": {"value": 7, "flag": "c"}}'
    assert surge.parse_counters(new) == surge.parse_counters(old) == {"MAIN.client_req": 7}


def test_the_readers_take_the_paths_in_turn():
    script = surge.reader_script(["/a/", "/api/b/"])
    assert 'local paths = {"/a/", "/api/b/"}' in script
    assert "next_path = next_path % #paths + 1" in script


def test_the_smoke_run_runs_the_surge_and_its_targets_are_judged():
    assert "B6" in [scenario.scenario for scenario in run.SCENARIOS]
    assert run.SMOKE["outage_seconds"] < run.FULL["outage_seconds"] == 30
    targets = {target.numerator for target in report.TARGETS if target.scenario == "B6"}
    assert {"b6.errors", "b6.lost", "b6.drift", "b6.outage.try_again"} <= targets
    statement = next(target for target in report.TARGETS if target.numerator == "b2.statement.rate")
    assert (statement.denominator, statement.comparison, statement.threshold) == ("b1.baseline", ">=", 0.5)


class Site(BaseHTTPRequestHandler):
    """A stand-in for the site: each response numbered, with the Cache-Control of its path."""

    served: list[str] = []
    failing = False
    checks_fail = True  # Whether its health check fails with the rest.

    def answer(self) -> None:
        Site.served.append(self.path)
        if Site.failing and (Site.checks_fail or self.path != "/health"):
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = f"{self.path} #{len(Site.served)}".encode()
        self.send_response(200)
        if HEADERS.get(self.path):
            self.send_header("Cache-Control", HEADERS[self.path])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = answer

    def log_message(self, *arguments) -> None:
        pass


@pytest.fixture
def proxy():
    binary = surge.varnishd_binary()
    require(binary is not None, "needs Varnish (bench/install_tools.sh installs it)")
    Site.served, Site.failing, Site.checks_fail = [], False, True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # Outside pytest's private folder: Varnish's own user must reach its working folder.
    name = Path(f"/tmp/consult-varnish-test-{secrets.token_hex(4)}")
    config = name.with_suffix(".vcl")
    config.write_text(surge.vcl(server.server_address[1], health="/health"))
    port = services.free_port()
    process = subprocess.Popen(
        surge.varnish_command(binary, name, port, config),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert services.wait_until(lambda: get(port, "/health")[0] == 200, 30)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)
        server.shutdown()
        shutil.rmtree(name, ignore_errors=True)
        config.unlink()


def get(port: int, path: str, method: str = "GET", headers: dict | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode()
    except OSError:
        return 0, ""
    finally:
        connection.close()


def fetched(path: str) -> int:
    return Site.served.count(path)


def test_varnish_keeps_serves_stale_and_passes_as_the_site_says(proxy):
    first = get(proxy, "/kept")
    assert get(proxy, "/kept") == first and fetched("/kept") == 1  # Kept for max-age.
    for path in ["/nothing", "/private"]:
        get(proxy, path)
        get(proxy, path)
        assert fetched(path) == 2, path  # No max-age, or private: never kept.
    get(proxy, "/kept", headers={"Cookie": "sessionid=x"})
    get(proxy, "/kept", method="POST")
    assert fetched("/kept") == 3  # A cookie or a POST goes to the site.
    time.sleep(5)  # Past max-age and stale-while-revalidate, while the site answers: fetched afresh.
    fresh = get(proxy, "/kept")
    assert fresh != first and fetched("/kept") == 4


def test_while_the_site_fails_readers_get_stale_copies_and_others_the_try_again_page(proxy):
    kept = get(proxy, "/kept")
    Site.failing = True  # Its health check fails: after two, Varnish takes the site as sick.
    time.sleep(5)  # Past max-age and stale-while-revalidate: only stale-if-error allows it now.
    assert services.wait_until(lambda: get(proxy, "/kept") == kept, 10)
    status, page = get(proxy, "/never-kept")
    assert status == 503 and surge.TRY_AGAIN_MARK in page and 'lang="cy"' in page
    status, page = get(proxy, "/kept", method="POST")
    assert status == 503 and surge.TRY_AGAIN_MARK in page


def test_a_refresh_that_meets_a_server_error_keeps_the_stale_copy(proxy):
    kept = get(proxy, "/kept")
    Site.failing, Site.checks_fail = True, False  # Healthy by its checks, failing its pages.
    time.sleep(5)
    assert get(proxy, "/kept") == kept
    assert fetched("/kept") >= 2  # It did try.
    status, page = get(proxy, "/never-kept")
    assert status == 500  # Nothing stale to give: the site's own answer.


def test_a_rendering_cost_is_the_median_of_the_measured_calls_after_the_warm_up():
    from bench import renders

    calls: list[int] = []

    def get(number: int) -> int:
        calls.append(number)
        deadline = time.thread_time() + (0.02 if number == 3 else 0.001)
        while time.thread_time() < deadline:  # CPU, not waiting: thread_time counts it.
            pass
        return 200

    measured = renders.median_ms(get, 5)
    assert calls[renders.WARMUP :] == [0, 1, 2, 3, 4] and len(calls) == renders.WARMUP + 5
    assert measured["statuses"] == {"200": 5} and measured["unit"] == "ms CPU"
    assert 0.5 <= measured["value"] < 10  # The one slow call is not the median.
