"""Every page in tests/pages.py, in Chromium: no axe-core violations of WCAG 2.0-2.2 A and AA,
one h1, a main landmark, a skip link, and no sideways scrolling at 320 px wide (which is also
what 400% zoom of a 1280 px window gives, so 200% zoom is covered).
"""

import pytest
from django.conf import settings
from django.test import Client

from tests.pages import PAGES, Demo, Page
from tests.services import ROOT, require

pytestmark = pytest.mark.browser

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

# Submit the form in <main> that has all the given fields, with the browser's own validation off,
# so that the server's error messages are what the reader sees.
SUBMIT_INVALID = """(values) => {
  const form = [...document.querySelectorAll("main form")].find(
    (candidate) => Object.keys(values).every((name) => candidate.elements[name]));
  if (!form) throw new Error("no form in <main> with the fields " + Object.keys(values));
  let submitter = null;
  for (const [name, value] of Object.entries(values)) {
    const element = form.elements[name];
    if (element.type === "submit") submitter = element;
    else element.value = value;
  }
  form.noValidate = true;
  form.requestSubmit(submitter);
}"""

RUN_AXE = """async (tags) => {
  // resultTypes: only violations are reported in full, which makes axe much quicker.
  const options = {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]};
  const results = await axe.run(document, options);
  return results.violations.map((violation) => ({
    id: violation.id, impact: violation.impact, help: violation.help,
    nodes: violation.nodes.map(
      (node) => node.target.join(" ") + "  " + node.failureSummary.replace(/\\n/g, " ")),
  }));
}"""

STRUCTURE = """() => ({
  h1: document.querySelectorAll("h1").length,
  main: document.querySelectorAll("main, [role=main]").length,
  skipLink: (() => {
    const first = document.querySelector("body a[href]");
    return Boolean(first && first.getAttribute("href") === "#content" && document.getElementById("content"));
  })(),
})"""


# What the checks must catch: no alt text, faint text, an unlabelled field, two h1s, no main
# landmark, no skip link and a fixed width wider than a phone.
BROKEN_PAGE = """<!DOCTYPE html><html lang="en"><head><title>Broken</title><style>
p { color: #bbb; } .wide { width: 600px; }</style></head><body><a href="/">Home</a>
<h1>One</h1><h1>Two</h1><img src="data:,"><p>Faint text</p><input type="text"><div class="wide">Wide</div>
</body></html>"""


@pytest.fixture
def demo(transactional_db) -> Demo:
    return Demo()


@pytest.fixture
def axe_contexts(browser, live_server, demo):
    """Browser contexts for anonymous and logged-in readers, made for running axe.

    They bypass the site's Content-Security-Policy ONLY so that axe-core's script can be injected
    (the CSP rightly refuses any script without the page's nonce). The CSP itself is checked with
    ordinary contexts in test_reading.py.
    """
    require(AXE.exists(), f"needs {AXE.relative_to(ROOT)} (run: npm ci --ignore-scripts)")
    anonymous = browser.new_context(bypass_csp=True)
    logged_in = browser.new_context(bypass_csp=True)
    client = Client()
    client.force_login(demo.reader)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    logged_in.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    yield {False: anonymous, True: logged_in}
    anonymous.close()
    logged_in.close()


def axe_problems(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    problems = []
    for violation in page.evaluate(RUN_AXE, WCAG_TAGS):
        problems.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']}")
        problems.extend(f"    {node}" for node in violation["nodes"])
    return problems


def structure_problems(page, embedded: bool) -> list[str]:
    problems = []
    structure = page.evaluate(STRUCTURE)
    if structure["h1"] != 1:
        problems.append(f"{structure['h1']} h1 elements, not one")
    if structure["main"] != 1:
        problems.append(f"{structure['main']} main landmarks, not one")
    if not embedded and not structure["skipLink"]:
        problems.append("the first link is not a skip link to #content")
    return problems


def reflow_problems(page) -> list[str]:
    """WCAG 1.4.10: nothing scrolls sideways at 320 CSS px."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(size)
    return [f"scrolls sideways at 320 px wide (the page is {width} px wide)"] if width > 320 else []


def check(page, checked: Page, demo: Demo, url: str) -> list[str]:
    """The problems on one page, as lines for the failure message."""
    response = page.goto(url)
    if page.url != url:  # A login page in place of the one asked for would pass unnoticed.
        return [f"redirected to {page.url}"]
    if checked.invalid is not None:
        with page.expect_navigation() as navigation:
            page.evaluate(SUBMIT_INVALID, checked.invalid_values(demo))
        response = navigation.value
    if response.status != checked.status:
        return [f"answered {response.status}, not {checked.status}"]
    page.wait_for_load_state("load")
    return axe_problems(page) + structure_problems(page, checked.embedded) + reflow_problems(page)


def test_the_checks_catch_a_page_that_breaks_the_rules(browser):
    require(AXE.exists(), f"needs {AXE.relative_to(ROOT)} (run: npm ci --ignore-scripts)")
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.set_content(BROKEN_PAGE)
    problems = "\n".join(axe_problems(page) + structure_problems(page, False) + reflow_problems(page))
    context.close()
    for expected in [
        "axe image-alt",
        "axe color-contrast",
        "axe label",
        "2 h1 elements",
        "0 main",
        "skip link",
        "scrolls sideways",
    ]:
        assert expected in problems


def test_every_page_passes_axe_and_fits_a_phone(axe_contexts, live_server, demo):
    failures = []
    for checked in PAGES:
        url = live_server.url + checked.url(demo)
        page = axe_contexts[checked.login].new_page()
        page.set_default_timeout(15_000)
        try:
            problems = check(page, checked, demo, url)
        except Exception as error:  # One broken page must not hide the others' results.
            problems = [f"the check raised {error!r}"]
        finally:
            page.close()
        if problems:
            failures.append(f"{checked.name} ({url}):\n  " + "\n  ".join(problems))
    assert failures == [], "\n\n".join(failures)
