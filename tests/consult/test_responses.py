"""A recipient's response, or an event a statement led to, recorded by a moderator: on the record,
on the statement's page, the consultation's timeline, the API and the open data, and emailed once
to the signers who asked for updates."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from consult import responses
from consult.models import Argument, ModerationDecision, Statement, StatementResponse, TimelineEvent, Update
from consult.openapi import openapi_document
from tests.consult.moderators import persona
from tests.consult.test_api import detail, response_schema, validate
from tests.factories import ArgumentFactory, ConsultationFactory, SignatureFactory, StatementFactory
from tests.naughty import form_body, naughty_strings, unescaped_markup

pytestmark = pytest.mark.django_db

ADD = "admin:consult_statementresponse_add"


@pytest.fixture
def signed(statement):
    """Signed by two people who want updates (one in Welsh), one who does not, and one unconfirmed."""
    statement.title, statement.title_cy = "Ban live facial recognition", "Gwahardd adnabod wynebau"
    statement.recipient = "The Home Secretary"
    statement.save()
    SignatureFactory(statement=statement, email="en@example.org", wants_updates=True).confirm()
    SignatureFactory(statement=statement, email="cy@example.org", wants_updates=True, language="cy").confirm()
    SignatureFactory(statement=statement, email="quiet@example.org", wants_updates=False).confirm()
    SignatureFactory(statement=statement, email="pending@example.org", wants_updates=True)
    return statement


def record(statement, moderator, **fields) -> StatementResponse:
    values = {
        "kind": StatementResponse.Kind.RESPONSE,
        "date": datetime.date(2026, 11, 20),
        "summary": "The Home Office will review its guidance.",
        "text": "We thank the signers.\n\nA review will report in spring.",
        "source_url": "https://www.gov.uk/government/news/review",
        **fields,
    }
    return responses.record(statement, moderator, **values)


def form(statement, **changes) -> dict:
    return {
        "statement": statement.pk,
        "kind": "response",
        "date": "2026-11-20",
        "summary": "The Home Office will review its guidance.",
        "summary_cy": "",
        "text": "",
        "text_cy": "",
        "source_url": "https://www.gov.uk/review",
        **changes,
    }


def test_recording_writes_the_response_its_decision_and_one_update(
    signed, superuser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = record(signed, superuser)
    assert StatementResponse.objects.get() == response
    assert response.recorded_by == superuser
    decision = ModerationDecision.objects.get(
        content_type=ContentType.objects.get_for_model(StatementResponse), object_id=str(response.pk)
    )
    assert (decision.action, decision.moderator) == ("record statement response", superuser)
    notice = Update.objects.get()
    assert response.notice == notice
    assert (notice.kind, notice.created_by, notice.audience_size) == (Update.Kind.RESPONSE, superuser, 2)
    assert "The Home Office will review its guidance." in notice.body


def test_each_opted_in_signer_is_emailed_once_in_their_language_and_nobody_else(
    signed, superuser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record(signed, superuser)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == ["cy@example.org", "en@example.org"]
    assert len(mail.outbox) == 2
    english, welsh = by_recipient["en@example.org"], by_recipient["cy@example.org"]
    assert english.subject == "A response to “Ban live facial recognition”, which you signed"
    assert "The Home Secretary responded" in english.body
    assert "https://www.gov.uk/government/news/review" in english.body
    assert welsh.subject.startswith("Ymateb i “Gwahardd adnabod wynebau”")


def test_an_event_is_announced_as_news(signed, superuser, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        record(signed, superuser, kind=StatementResponse.Kind.EVENT, summary="Debated in the Senedd.")
    assert mail.outbox[0].subject.startswith("News of “Ban live facial recognition”")
    assert ModerationDecision.objects.get().action == "record statement event"


def test_a_statement_not_yet_published_takes_no_response(consultation, superuser):
    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    with pytest.raises(ValidationError):
        record(proposed, superuser)
    assert not StatementResponse.objects.exists()
    assert not Update.objects.exists()


@pytest.mark.parametrize(
    "source_url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://x.org/a",
    ],
)
def test_a_source_that_is_not_a_web_page_is_refused(signed, superuser, source_url):
    with pytest.raises(ValidationError):
        record(signed, superuser, source_url=source_url)
    assert not StatementResponse.objects.exists()
    assert not ModerationDecision.objects.exists()


def test_arguments_of_another_consultation_are_not_linked(signed, superuser):
    own = ArgumentFactory(consultation=signed.consultation, status=Argument.Status.PUBLISHED)
    other = ArgumentFactory(consultation=ConsultationFactory(), status=Argument.Status.PUBLISHED)
    response = record(signed, superuser, kind="event", arguments=[own, other])
    assert list(response.arguments.all()) == [own]


def test_a_response_is_published_on_the_page_timeline_api_and_open_data(client, signed, superuser):
    argument = ArgumentFactory(consultation=signed.consultation, status=Argument.Status.PUBLISHED)
    TimelineEvent.objects.create(
        consultation=signed.consultation, date="2026-12-01", title="Report published"
    )
    response = record(signed, superuser, arguments=[argument])
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "Responses and what happened next" in page
    assert "20 November 2026" in page and "The Home Office will review its guidance." in page
    assert "A review will report in spring." in page
    assert 'href="https://www.gov.uk/government/news/review"' in page
    assert argument.get_absolute_url() in page
    timeline = client.get(signed.consultation.get_absolute_url()).content.decode()
    # In date order with the consultation's own events, linking to the statement.
    assert timeline.index("The Home Office will review") < timeline.index("Report published")
    assert f'href="{signed.get_absolute_url()}#responses-heading"' in timeline
    body = client.get(detail(signed.slug)).json()
    validate(body, response_schema("/api/v1/statements/{slug}/"), openapi_document())
    assert body["responses"] == [response.document()]
    assert body["responses"][0]["arguments"] == [argument.pk]
    counts = client.get(reverse("open_data_counts", args=[signed.slug])).json()
    assert counts["responses"] == [response.document()]


def test_markup_in_a_response_is_shown_as_text(client, signed, superuser):
    record(signed, superuser, summary="<script>alert(1)</script>", text="<img src=x onerror=alert(1)>")
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# The admin: recording goes through responses.record; once recorded, it stays as it is.


def test_a_moderator_records_a_response_in_the_admin(client, signed, django_capture_on_commit_callbacks):
    moderator = persona("moderator")
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse(ADD), form(signed))
    assert answer.status_code == 302
    response = StatementResponse.objects.get()
    assert response.recorded_by == moderator
    assert ModerationDecision.objects.filter(action="record statement response").count() == 1
    assert Update.objects.get().kind == Update.Kind.RESPONSE
    assert len(mail.outbox) == 2


def test_a_recorded_response_cannot_be_changed_or_deleted_in_the_admin(client, signed, superuser):
    response = record(signed, superuser)
    client.force_login(superuser)
    url = reverse("admin:consult_statementresponse_change", args=[response.pk])
    page = client.get(url).content.decode()
    assert 'name="summary"' not in page
    client.post(url, form(signed, summary="Rewritten", source_url="https://example.org/other"))
    response.refresh_from_db()
    assert (response.summary, response.source_url) == (
        "The Home Office will review its guidance.",
        "https://www.gov.uk/government/news/review",
    )
    delete = client.post(
        reverse("admin:consult_statementresponse_delete", args=[response.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Update.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"source_url": "javascript:alert(document.cookie)"}, "source_url"),
        ({"source_url": "data:text/html,hi"}, "source_url"),
        ({"summary": "A" * 301}, "summary"),
        ({"text": "é" * 20_001}, "text"),
        ({"summary": ""}, "summary"),
        ({"date": "not a date"}, "date"),
        ({"kind": "debate<script>"}, "kind"),
    ],
)
def test_the_admin_refuses_bad_input_and_records_nothing(client, signed, superuser, changes, error):
    client.force_login(superuser)
    answer = client.post(reverse(ADD), form(signed, **changes))
    assert answer.status_code == 200
    assert error in answer.context["adminform"].form.errors
    assert not StatementResponse.objects.exists()
    assert not Update.objects.exists()


def test_the_admin_refuses_a_statement_not_published(client, consultation, superuser):
    proposed = StatementFactory(consultation=consultation, status=Statement.Status.PROPOSED)
    client.force_login(superuser)
    assert client.post(reverse(ADD), form(proposed)).status_code == 200
    assert not StatementResponse.objects.exists()


def test_the_admin_form_survives_naughty_strings(client, signed, superuser):
    client.force_login(superuser)
    fields = ["summary", "summary_cy", "text", "source_url"]
    failures = []
    for index, value in enumerate(naughty_strings()):
        field = fields[index % len(fields)]
        data = {key: str(value) for key, value in form(signed, **{field: value}).items()}
        answer = client.post(reverse(ADD), form_body(data), content_type="application/x-www-form-urlencoded")
        if answer.status_code >= 500:
            failures.append(f"{value[:40]!r} in {field}: {answer.status_code}")
        elif answer.status_code == 200 and unescaped_markup(answer.content.decode(), value):
            failures.append(f"{value[:40]!r} in {field}: unescaped")
    assert not failures, failures[:10]
    recorded = StatementResponse.objects.all()
    assert recorded.count() > len(naughty_strings()) / 3  # Most summaries and texts are taken as typed.
    assert not recorded.exclude(source_url="").exclude(source_url__startswith="https://").exists()
    page = client.get(signed.get_absolute_url()).content.decode()
    assert "<script>alert(" not in page


def test_the_welsh_pages_show_the_welsh_summary_and_mark_untranslated_text_as_english(
    client, signed, superuser
):
    record(signed, superuser, summary_cy="Bydd y Swyddfa Gartref yn adolygu ei chanllawiau.")
    statement_url, consultation_url = signed.get_absolute_url(), signed.consultation.get_absolute_url()
    page = client.get("/cy" + statement_url).content.decode()
    assert "Ymatebion a’r hyn a ddigwyddodd wedyn" in page
    assert "Bydd y Swyddfa Gartref yn adolygu ei chanllawiau." in page
    assert 'lang="en"><p>We thank the signers.</p>' in page  # No Welsh full text: the English, marked.
    timeline = client.get("/cy" + consultation_url).content.decode()
    assert "Bydd y Swyddfa Gartref yn adolygu ei chanllawiau." in timeline
