import pytest
from django.urls import reverse

from consult.models import ArgumentReport
from tests.consult.argument_personas import fast_passwords, log_in_as  # noqa: F401
from tests.factories import ArgumentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]


@pytest.fixture
def argument(consultation):
    return ArgumentFactory(consultation=consultation, author=UserFactory(verified=True))


def report_url(argument) -> str:
    return reverse("argument_report", args=[argument.consultation.slug, argument.pk])


def test_a_reader_reports_an_argument_which_stays_published(client, user, argument):
    client.force_login(user)
    assert client.get(report_url(argument)).status_code == 200
    response = client.post(
        report_url(argument), {"reason": "misleading_source", "note": "The link says otherwise."}
    )
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    report = ArgumentReport.objects.get()
    assert (report.argument, report.reporter, report.reason, report.note) == (
        argument,
        user,
        "misleading_source",
        "The link says otherwise.",
    )
    argument.refresh_from_db()
    assert argument.status == "published"
    assert client.get(argument.get_absolute_url()).status_code == 200


def test_many_reports_never_hide_an_argument(client, argument):
    for _ in range(5):
        client.force_login(UserFactory(verified=True))
        client.post(report_url(argument), {"reason": "spam"})
    assert ArgumentReport.objects.count() == 5
    client.logout()
    assert argument.claim in client.get(argument.consultation.get_absolute_url()).content.decode()


def test_a_person_reports_an_argument_once(client, user, argument):
    client.force_login(user)
    client.post(report_url(argument), {"reason": "spam"})
    response = client.post(report_url(argument), {"reason": "abusive"})
    assert "You have already reported this argument" in response.content.decode()
    assert list(ArgumentReport.objects.values_list("reason", flat=True)) == ["spam"]


@pytest.mark.parametrize(
    ("persona", "status", "reported"),
    [
        ("anonymous", 302, False),
        ("unverified", 403, False),
        ("verified", 200, True),
        ("author", 200, True),
        ("member", 200, True),
        ("moderator", 200, True),
    ],
)
def test_who_may_report(client, argument, persona, status, reported):
    log_in_as(client, persona, argument)
    response = client.post(report_url(argument), {"reason": "other"})
    assert response.status_code == status
    assert ArgumentReport.objects.exists() is reported


def test_reporting_accepts_only_get_and_post(client, user, argument):
    client.force_login(user)
    assert client.put(report_url(argument)).status_code == 405
    assert client.delete(report_url(argument)).status_code == 405


def test_only_published_arguments_can_be_reported(client, user):
    client.force_login(user)
    pending = ArgumentFactory(status="pending")
    assert client.get(report_url(pending)).status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reason": ""}, "reason"),
        ({"reason": "<script>alert(1)</script>"}, "reason"),
        ({"reason": "spam", "note": "n" * 1001}, "note"),
        ({"reason": "spam", "note": "nul\x00"}, "note"),
    ],
)
def test_bad_reports_get_clear_errors(client, user, argument, data, field):
    client.force_login(user)
    response = client.post(report_url(argument), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not ArgumentReport.objects.exists()


@pytest.mark.parametrize("note", ["<script>alert(1)</script>", "\u202eevil", "zero\u200bwidth", "Ελληνικά"])
def test_hostile_notes_are_stored_as_plain_text(client, user, argument, note):
    client.force_login(user)
    client.post(report_url(argument), {"reason": "other", "note": note})
    stored = ArgumentReport.objects.get().note
    invisible = "\u202e\u200b"
    assert stored == "".join(character for character in note if character not in invisible)


def test_reporting_is_rate_limited(client, argument, settings):
    settings.FORM_RATE_LIMIT = "1/h"
    client.force_login(UserFactory(verified=True))
    client.post(report_url(argument), {"reason": "spam"})
    client.force_login(UserFactory(verified=True))
    response = client.post(report_url(argument), {"reason": "spam"})
    assert response.status_code == 429
    assert ArgumentReport.objects.count() == 1
