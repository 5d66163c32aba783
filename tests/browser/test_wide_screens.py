"""The newer pages on a desktop screen (1280 px) as well as a phone's (320 px), in English and Welsh.

At each width: nothing scrolls sideways, the two sides keep their order, their words and their
colours, and a statement's pictures are drawn from its first signature on.
"""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from consult.models import Side, Signature, Statement
from consult.postcodes import NATIONS
from tests.factories import SignatureFactory, StatementFactory

pytestmark = pytest.mark.browser

WIDTHS = [320, 1280]
LANGUAGES = ["en", "cy"]
PAGES = ["about", "contact", "accessibility", "cookies", "privacy", "feedback"]
DEMO_STATEMENT = "pause-live-facial-recognition"
CONSULTATION = "police-facial-recognition"


@pytest.fixture
def demo(transactional_db):
    call_command("load_demo")


def address(live_server, name: str, *args: str, language: str) -> str:
    """A page's address in `language`, built before any Welsh request can leave Welsh active."""
    with translation.override("en-gb"):
        path = reverse(name, args=args)
    return live_server.url + ("/cy" + path if language == "cy" else path)


def visit(page, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url)
    assert response.status == 200, url
    page.wait_for_load_state("load")


def scroll_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def box(page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, f"{selector} is not shown"
    return found


def inside(inner: dict, outer: dict) -> bool:
    return (
        inner["x"] >= outer["x"] - 0.5
        and inner["y"] >= outer["y"] - 0.5
        and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
        and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_newer_pages_fit_the_screen_in_each_language(page, live_server, demo, width, language):
    urls = [address(live_server, name, language=language) for name in PAGES]
    urls.append(address(live_server, "statement_detail", DEMO_STATEMENT, language=language))
    urls.append(address(live_server, "statement_sign", DEMO_STATEMENT, language=language))
    urls.append(address(live_server, "consultation_detail", CONSULTATION, language=language))
    overflowing = []
    for url in urls:
        visit(page, url, width)
        assert page.evaluate("document.documentElement.lang") == ("cy" if language == "cy" else "en-gb")
        if scroll_width(page) > width:
            overflowing.append(f"{url}: {scroll_width(page)} px wide")
        # The main column uses the screen: on a desktop it is not squeezed to a phone's width.
        if width == 1280:
            assert box(page, "main")["width"] >= 600, url
    assert overflowing == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_statement_page_shows_its_responses_and_pictures_at_each_width(
    page, live_server, demo, width, language
):
    visit(page, address(live_server, "statement_detail", DEMO_STATEMENT, language=language), width)

    responses = box(page, ".responses")
    assert responses["width"] <= width
    assert page.locator(".responses .response").count() >= 1
    chart = box(page, "svg.time-chart")
    assert chart["x"] >= 0 and chart["x"] + chart["width"] <= width
    assert page.locator(".bar-list__item").count() >= 3
    assert scroll_width(page) <= width


def side_labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {side: str(label) for side, label in Side.choices}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_sides_keep_their_order_words_and_colours(page, live_server, demo, width, language):
    visit(page, address(live_server, "consultation_detail", CONSULTATION, language=language), width)
    labels = side_labels(language)

    first_for, first_against = box(page, ".argument--for"), box(page, ".argument--against")
    if width >= 1280:
        # Side by side, For on the left, each side's heading above its own column.
        assert first_for["y"] == first_against["y"] and first_for["x"] < first_against["x"]
        head_for, head_against = box(page, ".side-head--for"), box(page, ".side-head--against")
        assert head_for["x"] < head_against["x"] and head_for["y"] == head_against["y"]
    else:
        # One column, For first, then Against: a reader meets both sides from the start.
        assert first_for["y"] < first_against["y"]
    # Each argument names its side in words, in the page's language, not by colour alone.
    for side in ("for", "against"):
        tags = page.locator(f".argument--{side} .side-tag")
        assert tags.count() >= 1
        # What a screen reader reads: the side and a colon (hidden from sight) before the claim.
        words = {tags.nth(n).text_content().strip() for n in range(tags.count())}
        assert words == {labels[side] + ":"}
    colours = page.evaluate(
        """() => ["for", "against"].map((side) => {
          const tag = document.querySelector(`.argument--${side} .side-tag`);
          const article = document.querySelector(`.argument--${side}`);
          return [getComputedStyle(tag).backgroundColor, getComputedStyle(article).borderTopColor];
        })"""
    )
    assert colours[0][0] == colours[0][1] and colours[1][0] == colours[1][1]
    assert colours[0][0] != colours[1][0]
    # The balance's bar: For's share on the left in For's colour, labelled in words beside it.
    fill_for, fill_against = (
        box(page, ".bar--balance .bar__fill--for"),
        box(page, ".bar--balance .bar__fill--against"),
    )
    assert fill_for["x"] < fill_against["x"]
    assert page.locator(".balance__label").count() == 2
    assert scroll_width(page) <= width


@pytest.fixture
def first_signature(transactional_db) -> Statement:
    """A new statement whose one signature, with a postcode, was just confirmed."""
    statement = StatementFactory()
    signature = SignatureFactory(statement=statement, postcode="CF10 1AA")
    signature.confirm()
    assert Signature.objects.counted().count() == 1
    return statement


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_pictures_draw_the_first_signature_as_a_labelled_point(
    page, live_server, first_signature, width, language
):
    url = address(live_server, "statement_detail", first_signature.slug, language=language)
    visit(page, url, width)

    chart = box(page, "svg.time-chart")
    assert page.locator("svg.time-chart circle.time-chart__dot").count() == 1
    dot, total = box(page, "circle.time-chart__dot"), box(page, "text.time-chart__total")
    assert inside(dot, chart) and inside(total, chart)
    assert page.locator("text.time-chart__total").text_content() == "1"
    # The line rises from the baseline to the point: a rising line, not a lone dot. The dot and
    # its label lie inside the picture, not across its edge.
    assert page.locator("polyline.time-chart__line").get_attribute("points").count(",") == 2
    assert page.locator(".time-chart__legend").inner_text().strip() != ""
    # "By nation" has the signer's postcode at once, with no periodic task run.
    nations = page.locator(".picture").nth(2).locator(".bar-list__label")
    assert nations.count() == 1
    with translation.override(language):
        assert nations.first.inner_text() == f"{NATIONS['wales']}: 1"
    assert chart["x"] + chart["width"] <= width
    assert scroll_width(page) <= width
