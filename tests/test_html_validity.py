"""Every page in tests/pages.py is valid HTML by the Nu HTML Checker, and no page is missing from it.

The pages are rendered with Django's test client (no browser) and checked by one run of vnu.jar
for the whole list, since Java takes seconds to start.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from tests.pages import NOT_PAGES, PAGES, Demo, Page, route_names
from tests.services import ROOT, require

VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def test_every_get_route_is_checked_or_deliberately_left_out():
    checked = {page.route for page in PAGES}
    missing = {name: path for name, path in route_names().items() if name not in checked | set(NOT_PAGES)}
    assert missing == {}, (
        "Add these routes to PAGES in tests/pages.py (or, if they serve no HTML page, to NOT_PAGES "
        f"with the reason): {missing}"
    )


def test_the_page_list_names_only_routes_that_exist():
    routes = route_names()
    named = {page.route for page in PAGES if page.route} | set(NOT_PAGES)
    assert named - set(routes) == set()


def test_page_names_are_unique():
    names = [page.name for page in PAGES]
    assert len(names) == len(set(names))


# How a form shows its errors: our error summary and messages, or Django's own error list (allauth).
ERROR_MARKS = ('class="error-summary', 'class="error-message', 'class="errorlist')


@dataclass
class Rendered:
    html: str = ""
    problem: str = ""
    messages: list | None = None


class Forms(HTMLParser):
    """The POST forms of a page: their action and the names and values of their fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self.forms.append({"action": attributes.get("action"), "fields": {}, "hidden": {}})
        elif tag in {"input", "textarea", "select", "button"} and self.forms and attributes.get("name"):
            kind = "hidden" if attributes.get("type") == "hidden" else "fields"
            self.forms[-1][kind][attributes["name"]] = attributes.get("value") or ""


def submit_invalid(client: Client, url: str, values: dict[str, str]):
    """Post `values` as the reader's browser would: to the page's form that has those fields."""
    parser = Forms()
    parser.feed(client.get(url).content.decode())
    form = next(form for form in parser.forms if set(values) <= set(form["fields"]))
    return client.post(form["action"] or url, form["hidden"] | values)


def render(page: Page, demo: Demo) -> Rendered:
    client = Client()
    if page.login:
        client.force_login(demo.reader)
    url = page.url(demo)
    response = (
        client.get(url) if page.invalid is None else submit_invalid(client, url, page.invalid_values(demo))
    )
    html = response.content.decode()
    if response.status_code != page.status:
        return Rendered(html, f"GET/POST {url} answered {response.status_code}, not {page.status}")
    if page.invalid is not None and not any(mark in html for mark in ERROR_MARKS):
        return Rendered(html, f"posting {page.invalid_values(demo)} to {url} showed no error")
    return Rendered(html)


CANARY = "canary"
SERVER_ERROR = "server error"
BROKEN_HTML = (
    '<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div>x</div></p></body></html>'
)


@pytest.fixture(scope="module")
def validated(django_db_setup, django_db_blocker, tmp_path_factory) -> dict[str, Rendered]:
    """Render every page once (in a transaction rolled back afterwards) and run vnu over them all."""
    require(shutil.which("java") is not None, "needs Java for the Nu HTML Checker")
    require(VNU.exists(), f"needs {VNU.relative_to(ROOT)} (run: npm ci --ignore-scripts)")
    results: dict[str, Rendered] = {}
    cache.clear()  # Rate limits left by earlier tests would change what the forms answer.
    with django_db_blocker.unblock(), transaction.atomic():
        demo = Demo()
        for page in PAGES:
            try:
                results[page.name] = render(page, demo)
            except Exception as error:  # Reported against the page, not as a failure of all of them.
                results[page.name] = Rendered(problem=f"rendering raised {error!r}")
        transaction.set_rollback(True)

    # The canary is invalid on purpose: it proves the checker ran and its messages reach the pages.
    results[CANARY] = Rendered(BROKEN_HTML)
    # The page a server error shows, which no URL serves on purpose.
    results[SERVER_ERROR] = Rendered(server_error(RequestFactory().get("/")).content.decode())
    folder = tmp_path_factory.mktemp("html")
    files: dict[str, str] = {}
    for number, name in enumerate(results):
        path = folder / f"page-{number:03}.html"
        path.write_text(results[name].html, encoding="utf-8")
        files[path.as_uri().replace("file:///", "file:/")] = name
        results[name].messages = []
    command = ["java", "-jar", str(VNU), "--errors-only", "--format", "json", "--stdout"]
    finished = subprocess.run(
        command + sorted(str(path) for path in folder.iterdir()), capture_output=True, text=True, timeout=600
    )
    try:
        messages = json.loads(finished.stdout)["messages"]
    except ValueError:
        pytest.fail(f"vnu.jar failed (exit {finished.returncode}): {finished.stderr[-2000:]}")
    for message in messages:
        name = files.get(message.get("url", ""))
        if name is None:
            pytest.fail(f"vnu reported a problem with no page: {message}")
        results[name].messages.append(message)
    return results


# The mark also makes pytest-django create the test database, which `validated` fills.
@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_page_is_valid_html(validated, page):
    result = validated[page.name]
    if result.problem:
        pytest.fail(result.problem)
    errors = [
        f"{page.name}, line {message.get('lastLine', '?')}: {message['message']} "
        f"[{message.get('extract', '').strip()}]"
        for message in result.messages
    ]
    assert errors == [], "\n".join(errors)


@pytest.mark.django_db
def test_the_checker_reports_invalid_html(validated):
    assert any("“p”" in message["message"] for message in validated[CANARY].messages)


@pytest.mark.django_db
def test_server_error_page_is_valid_html(validated):
    assert [message["message"] for message in validated[SERVER_ERROR].messages] == []
