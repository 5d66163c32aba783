import pytest
from django.urls import reverse

from consult.models import Consultation, Endorsement, Position
from tests.consult.argument_personas import PERSONAS, fast_passwords, log_in_as  # noqa: F401
from tests.factories import ArgumentFactory, ConsultationFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_passwords")]

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def argument(consultation):
    return ArgumentFactory(consultation=consultation, side="for", author=UserFactory(verified=True))


def endorse_url(argument) -> str:
    return reverse("argument_endorse", args=[argument.consultation.slug, argument.pk])


def test_endorsing_without_javascript_redirects_back_to_where_the_reader_was(client, user, argument):
    client.force_login(user)
    back = argument.consultation.get_absolute_url() + "?order=newest#argument-1"
    response = client.post(endorse_url(argument), {"endorse": "yes", "next": back})
    assert response.status_code == 302 and response.url == back
    assert Endorsement.objects.filter(argument=argument, user=user).count() == 1
    page = client.get(argument.get_absolute_url()).content.decode()
    assert "1 endorsement" in page
    assert "Take back my endorsement" in page


def test_endorsing_twice_keeps_one_endorsement_and_taking_back_removes_it(client, user, argument):
    client.force_login(user)
    for _ in range(2):
        client.post(endorse_url(argument), {"endorse": "yes"})
    assert Endorsement.objects.count() == 1
    for _ in range(2):
        response = client.post(endorse_url(argument), {"endorse": "no"})
        assert response.status_code == 302 and response.url == argument.get_absolute_url()
    assert Endorsement.objects.count() == 0


def test_endorsing_with_javascript_answers_json_with_the_new_counts(client, user, argument, consultation):
    Position.objects.create(consultation=consultation, user=user, stance="against")
    other = UserFactory()
    Endorsement.objects.create(argument=argument, user=other)
    client.force_login(user)
    response = client.post(endorse_url(argument), {"endorse": "yes"}, **JSON)
    assert response.status_code == 200
    assert response.json() == {
        "endorsed": True,
        "endorsement_count": 2,
        "persuaded_count": 1,
        "label": "2 endorsements, 1 from the other side or undecided",
    }
    response = client.post(endorse_url(argument), {"endorse": "no"}, **JSON)
    assert response.json()["endorsed"] is False
    assert response.json()["label"] == "1 endorsement"


def test_authors_cannot_endorse_their_own_argument(client, argument):
    client.force_login(argument.author)
    response = client.post(endorse_url(argument), {"endorse": "yes"})
    assert response.status_code == 403
    assert "You cannot endorse your own argument." in response.content.decode()
    response = client.post(endorse_url(argument), {"endorse": "yes"}, **JSON)
    assert response.status_code == 403 and response.json()["error"] == "You cannot endorse your own argument."
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status", "endorsed"),
    [
        ("anonymous", 302, False),
        ("unverified", 403, False),
        ("verified", 302, True),
        ("author", 403, False),
        ("member", 302, True),
        ("moderator", 302, True),
    ],
)
def test_who_may_endorse(client, argument, persona, status, endorsed):
    assert set(PERSONAS) >= {persona}
    user = log_in_as(client, persona, argument)
    response = client.post(endorse_url(argument), {"endorse": "yes"})
    assert response.status_code == status
    assert Endorsement.objects.exists() is endorsed
    if persona == "anonymous":
        assert response.url.startswith(reverse("account_login"))
    if endorsed:
        assert Endorsement.objects.get().user == user


def test_json_clients_get_json_errors_when_not_allowed(client, unverified_user, argument):
    response = client.post(endorse_url(argument), {"endorse": "yes"}, **JSON)
    assert response.status_code == 401 and "error" in response.json()
    client.force_login(unverified_user)
    response = client.post(endorse_url(argument), {"endorse": "yes"}, **JSON)
    assert response.status_code == 403 and "Verify" in response.json()["error"]


def test_endorsing_is_post_only(client, user, argument):
    client.force_login(user)
    assert client.get(endorse_url(argument)).status_code == 405
    assert client.put(endorse_url(argument)).status_code == 405
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize("value", ["", "maybe", "<script>", "yes\x00", "1" * 10_000])
def test_bad_input_is_a_clear_400(client, user, argument, value):
    client.force_login(user)
    response = client.post(endorse_url(argument), {"endorse": value})
    assert response.status_code == 400
    assert "<script>" not in response.content.decode()
    assert not Endorsement.objects.exists()


def test_only_published_arguments_of_open_consultations_can_be_endorsed(client, user):
    client.force_login(user)
    pending = ArgumentFactory(status="pending")
    closed = ArgumentFactory(consultation=ConsultationFactory(status=Consultation.Status.CLOSED))
    elsewhere = ArgumentFactory()
    wrong_consultation = reverse("argument_endorse", args=[ConsultationFactory().slug, elsewhere.pk])
    for url in [endorse_url(pending), endorse_url(closed), wrong_consultation]:
        assert client.post(url, {"endorse": "yes"}).status_code == 404
    assert not Endorsement.objects.exists()


def test_a_foreign_next_address_is_ignored(client, user, argument):
    client.force_login(user)
    for back in ["https://evil.example.com/", "//evil.example.com/", "javascript:alert(1)"]:
        response = client.post(endorse_url(argument), {"endorse": "yes", "next": back})
        assert response.url == argument.get_absolute_url()


def test_endorsing_is_rate_limited(client, user, argument, settings):
    settings.FORM_RATE_LIMIT = "3/h"
    client.force_login(user)
    choices = ["yes", "no", "yes", "yes"]
    statuses = [client.post(endorse_url(argument), {"endorse": choice}).status_code for choice in choices]
    assert statuses == [302, 302, 302, 429]
    response = client.post(endorse_url(argument), {"endorse": "no"}, **JSON)
    assert response.status_code == 429 and "too often" in response.json()["error"]
    assert Endorsement.objects.count() == 1


def test_the_endorse_script_is_a_static_file_loaded_with_the_csp_nonce(client, user, argument):
    client.force_login(user)
    response = client.get(argument.get_absolute_url())
    body = response.content.decode()
    nonce = response.context["request"].csp_nonce
    assert f'src="/static/js/endorse.js" defer nonce="{nonce}"' in body
    assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in body
    # The form carries what the script needs: the CSRF token and the count's element.
    assert 'name="csrfmiddlewaretoken"' in body
    assert f'data-count="endorsements-{argument.pk}"' in body and f'id="endorsements-{argument.pk}"' in body
