"""The phase banner's feedback form: stored as sent, refused when hostile, limited per client."""

import pytest
from django.test import Client
from django.urls import reverse

from consult.models import Feedback
from consult.retention import forget_old_feedback
from tests.consult.moderators import persona
from tests.consult.test_naughty_input import FORM, HEADER_INJECTIONS, Probe
from tests.naughty import as_received, form_body, naughty_strings

pytestmark = pytest.mark.django_db


@pytest.fixture
def unlimited(settings):
    settings.FEEDBACK_RATE_LIMIT = "1000000/h"


def send(client: Client, **fields: str):
    return client.post(reverse("feedback"), {"comments": "The count was hard to find.", **fields})


def test_feedback_is_stored_and_thanked(client, unlimited):
    response = send(client, satisfaction="satisfied", email="Jo@Example.org", page="/statements/x/")
    assert response.status_code == 302 and response["Location"] == reverse("feedback_sent")
    feedback = Feedback.objects.get()
    assert (feedback.comments, feedback.satisfaction) == ("The count was hard to find.", "satisfied")
    assert (feedback.email, feedback.page, feedback.language) == ("Jo@Example.org", "/statements/x/", "en")


def test_feedback_needs_comments_and_says_so(client, unlimited):
    response = client.post(reverse("feedback"), {"comments": " \u200b ", "satisfaction": "satisfied"})
    assert response.status_code == 400
    assert "Tell us how we could improve the site." in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    "address", ["not an email", "x@", "jo@localhost", "jo@[192.0.2.1]", "jo@example", *HEADER_INJECTIONS]
)
def test_a_malformed_reply_address_is_refused(client, unlimited, address):
    response = send(client, email=address)
    assert response.status_code == 400 and b"error-message" in response.content
    assert not Feedback.objects.exists()


def test_oversized_comments_are_refused_not_cut(client, unlimited):
    response = send(client, comments="A" * 2001)
    assert response.status_code == 400 and b"2000" in response.content.replace(b",", b"")
    assert not Feedback.objects.exists()


def test_an_unknown_satisfaction_is_refused(client, unlimited):
    assert send(client, satisfaction="ecstatic").status_code == 400


@pytest.mark.parametrize(
    "page, stored",
    [
        ("https://evil.example/", ""),
        ("//evil.example/path", ""),
        ("/\\evil.example", ""),
        ("javascript:alert(1)", ""),
        ("/statements/x/?email=jo@example.org", "/statements/x/"),
        ("/signatures/abc.DEF-token/", "/signatures/[token]/"),
        ("/cy/unsubscribe/abc.DEF-token/", "/cy/unsubscribe/[token]/"),
        ("/" + "a" * 300, ""),
        ("/a\nb", ""),
    ],
)
def test_only_a_local_page_is_kept_and_never_a_signers_token(client, unlimited, page, stored):
    assert send(client, page=page).status_code == 302
    assert Feedback.objects.get().page == stored


def test_every_naughty_string_is_stored_intact_or_refused_and_never_shown_live(unlimited):
    probe = Probe(Client(raise_request_exception=False))
    url = reverse("feedback")
    for value in naughty_strings():
        before = Feedback.objects.count()
        fields = {"comments": value, "email": "", "page": value}
        response = probe.post(url, value, fields)
        if Feedback.objects.count() > before:
            probe.stored_intact(value, Feedback.objects.latest("pk").comments, "comments")
        else:
            probe.refused(value, response, "feedback")
    probe.assert_clean()


def test_naughty_strings_are_escaped_in_the_admin(unlimited):
    for value in ["<script>window.naughty=1</script>", '"><img src=x onerror=alert(1)>', "\u202eabc"]:
        Feedback.objects.create(comments=value, email="jo@example.org", page="/")
    client = Client()
    client.force_login(persona("moderator"))
    html = client.get(reverse("admin:consult_feedback_changelist")).content.decode()
    assert "<script>window.naughty" not in html and "<img src=x" not in html
    assert "&lt;script&gt;window.naughty=1&lt;/script&gt;" in html


def test_feedback_is_limited_per_client_address(settings):
    settings.FEEDBACK_RATE_LIMIT = "2/h"
    first, second = Client(REMOTE_ADDR="192.0.2.1"), Client(REMOTE_ADDR="192.0.2.2")
    answers = [send(first, comments=f"Note {number}").status_code for number in range(3)]
    assert answers == [302, 302, 429]
    refused = send(first, comments="Kept on the page")
    assert "Kept on the page" in refused.content.decode() and "Please wait" in refused.content.decode()
    assert send(second).status_code == 302
    assert Feedback.objects.count() == 3


def test_reading_the_form_costs_nothing_against_the_limit(client, settings):
    settings.FEEDBACK_RATE_LIMIT = "1/h"
    for _ in range(3):
        assert client.get(reverse("feedback")).status_code == 200
    assert send(client).status_code == 302


def test_the_form_refuses_other_methods(client):
    assert client.put(reverse("feedback")).status_code == 405


def test_a_moderator_reads_feedback_with_the_address_masked(unlimited):
    Feedback.objects.create(comments="Make the count bigger", email="jo.bloggs@example.org")
    client = Client()
    client.force_login(persona("moderator"))
    listing = client.get(reverse("admin:consult_feedback_changelist")).content.decode()
    assert "Make the count bigger" in listing
    assert "j***@example.org" in listing and "jo.bloggs@example.org" not in listing


def test_a_moderator_with_personal_data_access_sees_the_address(unlimited):
    feedback = Feedback.objects.create(comments="Make the count bigger", email="jo.bloggs@example.org")
    client = Client()
    client.force_login(persona("data_moderator"))
    detail = client.get(reverse("admin:consult_feedback_change", args=[feedback.pk])).content.decode()
    assert "jo.bloggs@example.org" in detail


def test_nobody_edits_or_adds_feedback_in_the_admin(unlimited):
    feedback = Feedback.objects.create(comments="Original words")
    client = Client()
    client.force_login(persona("superuser"))
    url = reverse("admin:consult_feedback_change", args=[feedback.pk])
    client.post(url, {"comments": "Changed words"})
    feedback.refresh_from_db()
    assert feedback.comments == "Original words"
    assert client.get(reverse("admin:consult_feedback_add")).status_code == 403


def test_readers_and_plain_staff_cannot_read_feedback():
    for name in ["user", "staff"]:
        client = Client()
        client.force_login(persona(name))
        response = client.get(reverse("admin:consult_feedback_changelist"))
        assert response.status_code in (302, 403)


def test_old_feedback_is_deleted_and_recent_feedback_kept(settings):
    settings.FEEDBACK_RETENTION_DAYS = 30
    old, _recent = Feedback.objects.create(comments="old"), Feedback.objects.create(comments="recent")
    Feedback.objects.filter(pk=old.pk).update(created_at=old.created_at.replace(year=old.created_at.year - 1))
    assert forget_old_feedback() == 1
    assert forget_old_feedback() == 0
    assert list(Feedback.objects.values_list("comments", flat=True)) == ["recent"]


def test_welsh_feedback_records_its_language(unlimited):
    client = Client()
    body = form_body({"comments": as_received("Diolch – gwych")})
    response = client.post("/cy" + reverse("feedback"), body, content_type=FORM)
    assert response.status_code == 302
    assert Feedback.objects.get().language == "cy"
