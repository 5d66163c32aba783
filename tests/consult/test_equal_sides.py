"""Both sides of a question look alike: colours that say nothing of right or wrong, the side in
words, the sides alternating in a phone's single column, and one title per argument page."""

import re

import pytest
from django.urls import reverse

from consult.models import Side
from tests.factories import ArgumentFactory, ConsultationFactory
from tests.services import ROOT

pytestmark = pytest.mark.django_db

CSS = (ROOT / "static" / "css" / "site.css").read_text()


def colour(name: str) -> str:
    return re.search(rf"--{name}: (#[0-9a-f]{{6}});", CSS).group(1)


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(int(hex_colour[index : index + 2], 16)) for index in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    darker, lighter = sorted([luminance(first), luminance(second)])
    return (lighter + 0.05) / (darker + 0.05)


# Machado, Oliveira and Fernandes (2009), full severity, on linear RGB.
DEUTERANOPIA = [[0.367, 0.861, -0.228], [0.280, 0.673, 0.047], [-0.012, 0.043, 0.969]]
PROTANOPIA = [[0.152, 1.053, -0.205], [0.115, 0.786, 0.099], [-0.004, -0.048, 1.052]]


def seen_with(matrix: list[list[float]], hex_colour: str) -> list[float]:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    rgb = [channel(int(hex_colour[index : index + 2], 16)) for index in (1, 3, 5)]
    return [
        min(1.0, max(0.0, sum(weight * value for weight, value in zip(row, rgb, strict=True))))
        for row in matrix
    ]


def test_the_sides_are_not_the_good_and_bad_colours():
    sides = {colour("for"), colour("against")}
    assert not sides & {colour("good"), colour("bad")}
    # Nothing that means success or failure is painted in a side's colour.
    for rule in re.findall(r"^\.(?:status|notice|error|field)[^{]*\{[^}]*\}", CSS, re.M):
        assert "var(--for)" not in rule and "var(--against)" not in rule, rule


@pytest.mark.parametrize("side", ["for", "against"])
@pytest.mark.parametrize("background", ["#ffffff", "#f4f5f7"])
def test_each_side_s_colour_is_readable_as_text_and_under_white_text(side, background):
    assert contrast(colour(side), background) >= 4.5


@pytest.mark.parametrize("matrix", [DEUTERANOPIA, PROTANOPIA], ids=["deuteranopia", "protanopia"])
def test_the_two_sides_stay_apart_for_red_green_colour_blindness(matrix):
    seen_for, seen_against = seen_with(matrix, colour("for")), seen_with(matrix, colour("against"))
    # The old green and red came within 0.1 of each other here; the pair must stay well apart.
    assert max(abs(a - b) for a, b in zip(seen_for, seen_against, strict=True)) > 0.15


@pytest.fixture
def consultation():
    consultation = ConsultationFactory()
    for number in range(3):
        ArgumentFactory(consultation=consultation, side=Side.FOR, claim=f"For claim {number}")
    ArgumentFactory(consultation=consultation, side=Side.AGAINST, claim="Against claim 0")
    return consultation


def test_on_the_page_the_sides_alternate_rather_than_one_side_first(client, consultation):
    html = client.get(reverse("consultation_detail", args=[consultation.slug])).content.decode()
    order = re.findall(r'class="argument argument--(for|against)"', html)
    assert order == ["for", "against", "for", "for"]
    # The shorter side's empty places keep the wide layout's columns; they say nothing to a reader.
    assert html.count('<div class="side-gap" aria-hidden="true"></div>') == 2


def test_every_argument_says_its_side_in_words(client, consultation):
    html = client.get(reverse("consultation_detail", args=[consultation.slug])).content.decode()
    assert (
        html.count('<span class="side-tag side-tag--for">For<span class="visually-hidden">:</span></span>')
        == 3
    )
    assert html.count('<span class="side-tag side-tag--against">Against<span') == 1


def test_a_side_without_arguments_says_so(client):
    consultation = ConsultationFactory()
    ArgumentFactory(consultation=consultation, side=Side.AGAINST)
    html = client.get(reverse("consultation_detail", args=[consultation.slug])).content.decode()
    assert "No arguments for yet." in html and "No arguments against yet." not in html


def test_an_argument_page_shows_its_title_once(client, consultation):
    argument = consultation.arguments.get(claim="For claim 1")
    html = client.get(reverse("argument_detail", args=[consultation.slug, argument.pk])).content.decode()
    main = html.split("<main", 1)[1]
    assert main.count("For claim 1") == 1
    assert re.search(r'<h1 id="argument-\d+">For claim 1</h1>', main)
    assert f'aria-labelledby="argument-{argument.pk}"' in main
