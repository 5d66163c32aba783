"""What the benchmark reads from wrk's output and from the site's forms."""

from bench import driver, wrk

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:8000/api/v1/statements/bench-big/
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.50ms    3.10ms  80.00ms   90.00%
    Req/Sec     2.50k   200.00     3.00k    70.00%
  Latency Distribution
     50%   11.00ms
     75%   13.00ms
     90%   16.00ms
     99%    1.20s
  10000 requests in 2.00s, 3.00MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   4999.50
Transfer/sec:      1.50MB
"""


def test_wrk_figures_are_throughput_mean_p99_and_every_error():
    parsed = wrk.parse(WRK_OUTPUT)
    assert parsed["value"] == 4999.5
    assert parsed["mean_ms"] == 12.5
    assert parsed["p99_ms"] == 1200.0
    assert parsed["errors"] == 7
    assert parsed["requests"] == 10000


def test_wrk_latency_units_convert_to_milliseconds():
    assert wrk.milliseconds("850.00us") == 0.85
    assert wrk.milliseconds("2.00m") == 120_000.0


def test_wrk_output_without_figures_reads_as_nothing_measured():
    assert wrk.parse("unable to connect to 127.0.0.1:1 Connection refused")["value"] == 0.0


PAGE = """
<form method="get" action="/search/"><input name="q"></form>
<form method="post" action="/statements/s/sign/?x=1">
  <input type="hidden" name="csrfmiddlewaretoken" value="tok">
  <input type="hidden" name="started" value="signed-time">
  <input name="name"><input type="email" name="email">
  <input type="radio" name="signing_as" value="individual" checked>
  <input type="radio" name="signing_as" value="organisation-1">
  <input type="checkbox" name="wants_updates">
  <input name="website" value="">
  <button type="submit">Sign</button>
</form>
"""


def test_forms_are_read_as_a_browser_would_submit_them():
    forms = driver.forms_of(PAGE, "/statements/s/")
    post = forms[1]
    assert post["method"] == "post"
    assert post["action"] == "/statements/s/sign/"
    assert post["fields"] == {
        "csrfmiddlewaretoken": "tok",
        "started": "signed-time",
        "name": "",
        "email": "",
        "signing_as": "individual",
        "website": "",
    }


def test_a_form_without_action_posts_to_its_own_page():
    forms = driver.forms_of('<form method="post"><input name="a" value="1"></form>', "/signatures/confirm/t/")
    assert forms[0]["action"] == "/signatures/confirm/t/"


def test_tally_summary_gives_rate_p99_and_failures():
    tally = driver.Tally()
    for milliseconds in range(1, 101):
        tally.record(driver.Response(201, {}, b"", milliseconds / 1000), ok=True)
    tally.record(driver.Response(500, {}, b"", 0.5), ok=False)
    summary = tally.summary(seconds=10)
    assert summary["value"] == 10.0
    assert summary["p99_ms"] == 100.0
    assert summary["errors"] == 1
    assert summary["statuses"] == {"201": 100, "500": 1}
