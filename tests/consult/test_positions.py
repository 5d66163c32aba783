import pytest
from django.urls import reverse

from consult.models import Consultation, Position
from tests.consult.argument_personas import fast_passwords, log_in_as  # noqa: F401
from tests.factories import ConsultationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]


def position_url(consultation) -> str:
    return reverse("consultation_position", args=[consultation.slug])


def test_a_reader_records_and_then_changes_their_position(client, user, consultation):
    client.force_login(user)
    response = client.post(position_url(consultation), {"stance": "undecided"})
    assert response.status_code == 302
    assert response.url == consultation.get_absolute_url() + "#where-you-stand"
    response = client.post(position_url(consultation), {"stance": "against"}, follow=True)
    assert list(Position.objects.values_list("user", "stance")) == [(user.pk, "against")]
    body = response.content.decode()
    assert "Your position is recorded: Against." in body
    assert 'value="against" checked' in body and "Change my position" in body


def test_the_position_form_is_shown_only_to_logged_in_readers(client, user, consultation):
    body = client.get(consultation.get_absolute_url()).content.decode()
    assert position_url(consultation) not in body
    assert "Log in to endorse arguments or record where you stand" in body
    client.force_login(user)
    body = client.get(consultation.get_absolute_url()).content.decode()
    assert position_url(consultation) in body and "Record my position" in body


@pytest.mark.parametrize(
    ("persona", "status", "recorded"),
    [
        ("anonymous", 302, False),
        ("unverified", 403, False),
        ("verified", 302, True),
        ("member", 302, True),
        ("moderator", 302, True),
    ],
)
def test_who_may_record_a_position(client, consultation, persona, status, recorded):
    log_in_as(client, persona)
    response = client.post(position_url(consultation), {"stance": "for"})
    assert response.status_code == status
    assert Position.objects.exists() is recorded


def test_recording_a_position_is_post_only(client, user, consultation):
    client.force_login(user)
    assert client.get(position_url(consultation)).status_code == 405
    assert not Position.objects.exists()


@pytest.mark.parametrize("stance", ["", "neutral", "<script>alert(1)</script>", "for\x00", "x" * 10_000])
def test_bad_stances_are_refused_with_a_message(client, user, consultation, stance):
    client.force_login(user)
    response = client.post(position_url(consultation), {"stance": stance}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose for, against or undecided." in body
    assert "<script>alert(1)</script>" not in body
    assert not Position.objects.exists()


def test_positions_only_on_open_consultations(client, user):
    closed = ConsultationFactory(status=Consultation.Status.CLOSED)
    client.force_login(user)
    assert client.post(position_url(closed), {"stance": "for"}).status_code == 404
    assert not Position.objects.exists()


def test_recording_positions_is_rate_limited(client, user, consultation, settings):
    settings.FORM_RATE_LIMIT = "2/h"
    client.force_login(user)
    statuses = [
        client.post(position_url(consultation), {"stance": s}).status_code
        for s in ["for", "against", "undecided"]
    ]
    assert statuses == [302, 302, 429]
    assert Position.objects.get().stance == "against"
