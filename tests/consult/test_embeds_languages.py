"""The embeds in Welsh (`?lang=cy`, data-lang="cy", a Welsh page's address for oEmbed), the
previews of each variant, the badge's text alternative and the framable "not found" page."""

import json
import xml.etree.ElementTree as ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from consult import languages
from tests.consult.test_embeds import HOSTILE, badge, confirmed, csp_directives, parse, widget
from tests.factories import SignatureFactory

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def welsh_statement(statement):
    statement.title_cy = "Oedi adnabod wynebau byw"
    statement.save(update_fields=["title_cy"])
    return statement


# The widget


def test_welsh_widget_is_in_welsh_with_links_to_the_welsh_pages(client, welsh_statement, settings):
    confirmed(welsh_statement, 2)
    response = client.get(widget(welsh_statement.slug), {"lang": "cy"})
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="cy">' in content
    assert "Oedi adnabod wynebau byw" in content
    assert "<strong>2</strong> llofnod" in content
    links = {tag["href"] for tag in parse(response.content)["a"]}
    assert f"{settings.SITE_URL}/cy/statements/{welsh_statement.slug}/" in links
    assert f"{settings.SITE_URL}/cy/statements/{welsh_statement.slug}/sign/" in links
    assert not response.cookies


def test_welsh_widget_marks_an_english_title_fallback(client, statement):
    content = client.get(widget(statement.slug), {"lang": "cy"}).content.decode()
    assert '<h1 class="widget__title" lang="en"><a' in content
    assert statement.title in content


def test_english_widget_is_unchanged_by_the_welsh_one(client, welsh_statement, settings):
    client.get(widget(welsh_statement.slug), {"lang": "cy"})
    content = client.get(widget(welsh_statement.slug)).content.decode()
    assert '<html lang="en-gb">' in content
    assert welsh_statement.title in content and "Oedi" not in content
    assert f'href="{settings.SITE_URL}/statements/{welsh_statement.slug}/"' in content


@pytest.mark.parametrize("value", [*HOSTILE, "CY", "cy-GB", "en", "de", ""])
def test_any_lang_but_cy_gives_the_english_widget_unreflected(client, welsh_statement, value):
    english = client.get(widget(welsh_statement.slug)).content
    response = client.get(widget(welsh_statement.slug), {"lang": value})
    assert response.status_code == 200
    assert response.content == english


def test_widget_titles_wrap_to_two_lines_before_cutting():
    with open(finders.find("css/embed.css")) as stylesheet:
        css = stylesheet.read()
    title_rule = css.split(".widget__title {", 1)[1].split("}", 1)[0]
    assert "line-clamp: 2" in title_rule
    assert "nowrap" not in title_rule


# The badge


def test_welsh_badge_says_llofnod(client, statement):
    confirmed(statement, 3)
    root = ElementTree.fromstring(client.get(badge(statement.slug), {"lang": "cy"}).content)
    assert root.get("aria-label") == "3 llofnod"
    assert [text.text for text in root.iter(f"{SVG}text")] == ["llofnod", "3"]


@pytest.mark.parametrize("value", [*HOSTILE, "CY", "en"])
def test_badge_with_any_other_lang_is_the_english_badge(client, statement, value):
    english = client.get(badge(statement.slug)).content
    assert client.get(badge(statement.slug), {"lang": value}).content == english


# embed.js


def test_embed_script_writes_the_catalogues_welsh_words_for_data_lang_cy():
    with open(finders.find("js/embed.js")) as script:
        source = script.read()
    assert 'getAttribute("data-lang") === "cy"' in source
    with translation.override("cy"):
        one = translation.ngettext("signature", "signatures", 1)
        many = [translation.ngettext("signature", "signatures", number) for number in (2, 3, 8, 11, 100)]
    assert set(many) == {one}, "Welsh now has several forms: teach embed.js the plural rule"
    assert f'welsh ? ["{one}", "{one}"]' in source
    assert '"/cy" + page.pathname' in source


# oEmbed


def oembed(client, url: str, **query):
    return client.get("/oembed", {"url": url, "format": "json", **query})


def test_oembed_of_a_welsh_page_gives_the_welsh_widget(client, welsh_statement, settings):
    url = f"{settings.SITE_URL}/cy/statements/{welsh_statement.slug}/"
    response = oembed(client, url)
    assert response.status_code == 200
    data = response.json()
    assert data["title"] == "Oedi adnabod wynebau byw"
    assert f"/embed/statements/{welsh_statement.slug}/?lang=cy" in data["html"]
    assert 'title="Llofnodion: Oedi adnabod wynebau byw"' in data["html"]


def test_oembed_lang_parameter_asks_for_welsh_from_an_english_address(client, welsh_statement, settings):
    url = f"{settings.SITE_URL}/statements/{welsh_statement.slug}/"
    data = oembed(client, url, lang="cy", maxheight="96").json()
    assert f"/embed/statements/{welsh_statement.slug}/?size=compact&amp;lang=cy" in data["html"]


@pytest.mark.parametrize("value", [*HOSTILE, "CY"])
def test_oembed_of_an_english_page_is_unchanged_by_other_lang_values(
    client, welsh_statement, settings, value
):
    url = f"{settings.SITE_URL}/statements/{welsh_statement.slug}/"
    english = oembed(client, url).json()
    assert oembed(client, url, lang=value).json() == english
    assert "lang=" not in english["html"] and english["title"] == welsh_statement.title


# The "Embed this statement" page


def test_embed_page_previews_light_dark_compact_and_welsh(client, statement):
    tags = parse(client.get(reverse("statement_embed", args=[statement.slug])).content)
    sources = [frame["src"] for frame in tags["iframe"]]
    base = f"/embed/statements/{statement.slug}/"
    assert sources == [base, base + "?theme=dark", base + "?size=compact", base + "?lang=cy"]
    assert len({frame["title"] for frame in tags["iframe"]}) == 4


def test_english_embed_page_points_welsh_sites_to_the_welsh_snippets(client, statement):
    content = client.get(reverse("statement_embed", args=[statement.slug])).content.decode()
    assert f'<a href="/cy/statements/{statement.slug}/embed/" hreflang="cy">' in content


def test_welsh_embed_page_snippets_and_previews_ask_for_welsh(client, welsh_statement, settings):
    with languages.override("cy"):
        url = reverse("statement_embed", args=[welsh_statement.slug])
    response = client.get(url)
    content = response.content.decode()
    slug = welsh_statement.slug
    sources = [frame["src"] for frame in parse(response.content)["iframe"]]
    assert all(source.endswith("lang=cy") for source in sources) and len(sources) == 3
    assert f"{settings.SITE_URL}/embed/statements/{slug}/?lang=cy" in content
    assert f"{settings.SITE_URL}/embed/statements/{slug}/?size=compact&amp;amp;lang=cy" in content
    assert f'data-statement="{slug}" data-lang="cy"' in content
    assert f"{settings.SITE_URL}/embed/statements/{slug}/badge.svg?lang=cy" in content
    assert f"%2Fcy%2Fstatements%2F{slug}%2F" in content  # The oEmbed example names the Welsh page.


def test_embed_page_badge_preview_alt_text_carries_the_count(client, statement):
    confirmed(statement, 2)
    images = parse(client.get(reverse("statement_embed", args=[statement.slug])).content)["img"]
    badge_image = next(image for image in images if "badge.svg" in image["src"])
    assert badge_image["alt"] == "2 signatures"


# An unknown statement in an iframe


@pytest.mark.parametrize("query", [{}, {"lang": "cy"}, {"theme": "dark", "size": "compact"}])
def test_unknown_statement_widget_is_a_framable_not_found_page(client, db, query):
    response = client.get(widget("no-such-statement"), query)
    assert response.status_code == 404
    assert "X-Frame-Options" not in response
    assert csp_directives(response)["frame-ancestors"] == "frame-ancestors *"
    assert "script-src 'none'" in response["Content-Security-Policy"]
    content = response.content.decode()
    expected = "Datganiad heb ei ganfod" if query.get("lang") == "cy" else "Statement not found"
    assert expected in content
    assert not response.cookies


def test_unpublished_statement_widget_is_the_framable_not_found_page(client, consultation):
    from consult.models import Statement
    from tests.factories import StatementFactory

    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    response = client.get(widget(proposed.slug))
    assert response.status_code == 404
    assert proposed.title not in response.content.decode()
    assert csp_directives(response)["frame-ancestors"] == "frame-ancestors *"


def test_site_404_page_still_refuses_framing(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["X-Frame-Options"] == "DENY"


def test_welsh_and_english_documents_are_cached_apart(client, welsh_statement):
    SignatureFactory(statement=welsh_statement).confirm()
    english = client.get(widget(welsh_statement.slug)).content.decode()
    welsh = client.get(widget(welsh_statement.slug), {"lang": "cy"}).content.decode()
    assert "Oedi" in welsh and "Oedi" not in english
    api = client.get(f"/api/v1/statements/{welsh_statement.slug}/").json()
    assert api["title"] == welsh_statement.title and "title_language" not in api
    assert json.dumps(api).count("/cy/") == 0
