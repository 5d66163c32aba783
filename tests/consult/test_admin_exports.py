import csv
import io

import pytest
from django.urls import reverse

from consult.models import ModerationDecision
from tests.consult.moderators import persona
from tests.factories import SignatureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signatures(statement):
    return [
        SignatureFactory(statement=statement, name='=HYPERLINK("http://evil.example")', postcode="SW1A 1AA"),
        SignatureFactory(statement=statement, name="Jo Bloggs", email="jo@example.org"),
    ]


def export_url(statement) -> str:
    return reverse("admin:consult_statement_export_signatures", args=[statement.pk])


def download(client, statement, reason: str = "Sending the list to the minister"):
    return client.post(export_url(statement), {"reason": reason})


def rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")  # The byte-order mark Excel needs to read UTF-8.
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("superuser", 200),
        ("data_moderator", 200),
        ("moderator", 403),
        ("staff", 403),
        ("user", 302),
        ("anonymous", 302),
    ],
)
def test_only_holders_of_the_export_permission_can_export(client, statement, signatures, name, status):
    user = persona(name)
    if user:
        client.force_login(user)
    assert client.get(export_url(statement)).status_code == status
    response = download(client, statement)
    assert response.status_code == status
    if status == 302:
        assert reverse("admin:login") in response["Location"]
    exported = ModerationDecision.objects.filter(action="export signatures")
    assert exported.exists() is (status == 200)


def test_export_streams_a_csv_attachment_of_every_signature(client, statement, signatures):
    client.force_login(persona("data_moderator"))
    response = download(client, statement)
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"] == f'attachment; filename="signatures-{statement.pk}.csv"'
    table = rows(response)
    assert table[0][:3] == ["signed", "confirmed", "state"]
    assert sorted(row[5] for row in table[1:]) == sorted(signature.email for signature in signatures)


def test_export_neutralises_spreadsheet_formulas(client, statement, signatures):
    client.force_login(persona("data_moderator"))
    names = [row[4] for row in rows(download(client, statement))[1:]]
    assert '\'=HYPERLINK("http://evil.example")' in names
    assert "Jo Bloggs" in names


def test_export_is_recorded_with_who_and_why_before_streaming(client, statement, signatures):
    moderator = persona("data_moderator")
    client.force_login(moderator)
    response = download(client, statement)
    decision = ModerationDecision.objects.get(action="export signatures")
    assert decision.moderator == moderator
    assert decision.reason == "Sending the list to the minister"
    assert decision.target == statement
    assert decision.affected == 2
    rows(response)
    assert ModerationDecision.objects.filter(action="export signatures").count() == 1


@pytest.mark.parametrize("reason", ["", "   ", "\x00", "x" * 2001])
def test_export_without_a_proper_reason_shows_the_form_again(client, statement, signatures, reason):
    client.force_login(persona("data_moderator"))
    response = download(client, statement, reason)
    assert response.status_code == 200
    assert not response.streaming
    assert "error-summary" in response.content.decode()
    assert not ModerationDecision.objects.exists()


def test_export_of_a_missing_statement_is_404(client, statement):
    client.force_login(persona("data_moderator"))
    assert client.get(reverse("admin:consult_statement_export_signatures", args=[999999])).status_code == 404


def test_statement_page_links_to_the_export_only_for_holders_of_the_permission(client, statement):
    change = reverse("admin:consult_statement_change", args=[statement.pk])
    client.force_login(persona("moderator"))
    assert export_url(statement) not in client.get(change).content.decode()
    client.force_login(persona("data_moderator"))
    assert export_url(statement) in client.get(change).content.decode()
