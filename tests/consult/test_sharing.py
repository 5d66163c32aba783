"""How consultation, argument and statement pages look when shared, and their plain share links."""

import html
import re
import struct
from pathlib import Path
from urllib.parse import quote

import pytest
from django.contrib.staticfiles import finders

from consult import languages
from tests.factories import ArgumentFactory, StatementFactory

pytestmark = pytest.mark.django_db

META = re.compile(r'<meta (?:property|name)="([^"]+)" content="([^"]*)">')


def meta_of(body: str) -> dict[str, str]:
    return {name: html.unescape(content) for name, content in META.findall(body)}


@pytest.fixture
def shared_pages(statement) -> dict[str, tuple[str, str]]:
    """Each page's path and the title it is shared under."""
    argument = ArgumentFactory(consultation=statement.consultation)
    return {
        "consultation": (statement.consultation.get_absolute_url(), statement.consultation.title),
        "argument": (argument.get_absolute_url(), argument.claim),
        "statement": (statement.get_absolute_url(), statement.title),
    }


def test_each_page_has_a_card_with_an_image_served_by_the_site(client, settings, shared_pages):
    for name, (path, title) in shared_pages.items():
        meta = meta_of(client.get(path).content.decode())
        assert meta["og:title"] == title == meta["twitter:title"], name
        assert meta["og:url"] == settings.SITE_URL + path, name
        assert meta["og:image"].startswith(settings.SITE_URL + settings.STATIC_URL), name
        assert meta["og:image"].split("/")[-1].startswith("share"), name
        assert meta["twitter:card"] == "summary_large_image" and meta["og:locale"] == "en_GB", name
        assert meta["og:description"] and len(meta["og:description"]) <= 200, name


def test_the_share_image_is_a_png_of_the_size_the_card_says():
    path = finders.find("img/share.png")
    header = Path(path).read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1200, 630)


def test_welsh_pages_are_shared_in_welsh(client, settings, statement):
    statement.title_cy = "Oedi adnabod wynebau byw"
    statement.save()
    with languages.override("cy"):
        path = statement.get_absolute_url()
    meta = meta_of(client.get(path).content.decode())
    assert meta["og:title"] == "Oedi adnabod wynebau byw" and meta["og:locale"] == "cy_GB"
    assert path.startswith("/cy/") and meta["og:url"] == settings.SITE_URL + path


def test_share_links_are_plain_links_that_load_nothing(client, settings, shared_pages):
    for name, (path, _title) in shared_pages.items():
        body = client.get(path).content.decode()
        share = body[body.index('<nav class="share"') :]
        share = share[: share.index("</nav>")]
        page_url = quote(settings.SITE_URL + path, safe="")
        assert "mailto:?subject=" in share and page_url in share, name
        assert "<script" not in share and "<img" not in share and "<iframe" not in share, name
        assert not re.search(r'(src|srcset)="(https?:)?//', body), name


def test_hostile_titles_stay_text_in_cards_and_links(client, consultation):
    statement = StatementFactory(consultation=consultation, title='"><script>alert(1)</script> & more')
    body = client.get(statement.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in body
    assert meta_of(body)["og:title"] == '"><script>alert(1)</script> & more'
    assert "%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E%20%26%20more" in body
