"""Timeline events and sources in Welsh beside the English, with a marked English fallback."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from consult.models import ArgumentSource, Consultation, ConsultationSource, TimelineEvent
from tests.factories import ArgumentFactory

pytestmark = pytest.mark.django_db


def welsh(path: str) -> str:
    return "/cy" + path


def page(client, consultation, language: str = "en") -> str:
    path = reverse("consultation_detail", args=[consultation.slug])
    return client.get(welsh(path) if language == "cy" else path).content.decode()


@pytest.fixture
def written(consultation):
    consultation.timeline.create(
        date=datetime.date(2020, 8, 11),
        title="The Court of Appeal rules.",
        title_cy="Y Llys Apêl yn dyfarnu.",
    )
    consultation.timeline.create(date=datetime.date(2021, 1, 1), title="Only in English.")
    consultation.sources.create(
        title="The judgment",
        title_cy="Y dyfarniad",
        url="https://example.org/judgment",
        publisher="Court of Appeal",
        publisher_cy="Y Llys Apêl",
    )
    consultation.sources.create(title="A report", url="https://example.org/report", publisher="Ada Institute")
    argument = ArgumentFactory(consultation=consultation, source=None)
    ArgumentSource.objects.create(
        argument=argument, title="The study", title_cy="Yr astudiaeth", url="https://example.org/study"
    )
    return consultation


def test_a_welsh_reader_gets_the_welsh_and_english_marked_where_none_is_written(client, written):
    body = page(client, written, "cy")

    assert "<span>Y Llys Apêl yn dyfarnu.</span>" in body
    assert '<span lang="en">Only in English.</span>' in body
    assert (
        '<a href="https://example.org/judgment" rel="noopener">Y dyfarniad</a>, <span>Y Llys Apêl</span>'
        in body
    )
    assert '<a href="https://example.org/report" rel="noopener" lang="en">A report</a>' in body
    assert '<span lang="en">Ada Institute</span>' in body
    assert 'target="_blank">Yr astudiaeth</a>' in body
    assert "The Court of Appeal rules." not in body and "The judgment" not in body


def test_an_english_reader_never_sees_the_welsh(client, written):
    body = page(client, written)

    assert "<span>The Court of Appeal rules.</span>" in body and ">The judgment</a>" in body
    assert ">The study</a>" in body
    assert "Y Llys" not in body and "Yr astudiaeth" not in body
    assert 'lang="en"' not in body.split("<main", 1)[1]


def test_hostile_welsh_text_is_escaped(client, consultation):
    consultation.timeline.create(
        date=datetime.date(2022, 2, 2), title="Plain", title_cy='<script>alert(1)</script>"‮\u200b' + "ŵ" * 250
    )

    body = page(client, consultation, "cy")

    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;" in body


def test_the_admin_shows_each_welsh_field_beside_its_english():
    from consult.admin.content import ArgumentSourceInline, ConsultationSourceInline, TimelineEventInline

    assert TimelineEventInline.fields == ["date", "title", "title_cy"]
    assert ConsultationSourceInline.fields[:2] == ["title", "title_cy"]
    assert ConsultationSourceInline.fields[3:5] == ["publisher", "publisher_cy"]
    assert ArgumentSourceInline.fields[:2] == ["title", "title_cy"]


def test_the_demo_has_welsh_for_every_event_and_source_and_reloads_to_the_same():
    call_command("load_demo")
    consultation = Consultation.objects.get(slug="police-facial-recognition")
    rows = (
        list(TimelineEvent.objects.values_list("pk", "title", "title_cy")),
        list(ConsultationSource.objects.values_list("pk", "title_cy", "publisher_cy")),
        list(ArgumentSource.objects.values_list("pk", "title_cy")),
    )

    call_command("load_demo")

    assert consultation.timeline.count() == 5
    assert all(title_cy for _pk, _title, title_cy in rows[0])
    assert all(title_cy and publisher_cy for _pk, title_cy, publisher_cy in rows[1])
    assert all(title_cy for _pk, title_cy in rows[2])
    assert (
        list(TimelineEvent.objects.values_list("pk", "title", "title_cy")),
        list(ConsultationSource.objects.values_list("pk", "title_cy", "publisher_cy")),
        list(ArgumentSource.objects.values_list("pk", "title_cy")),
    ) == rows
