import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils.formats import localize
from django.utils.timezone import template_localtime

from consult.exports import mask_email
from consult.models import Argument, ModerationDecision, Signature, SignatureToken, Statement
from tests.consult.moderators import persona
from tests.consult.test_proposals import change_form_data
from tests.factories import ArgumentFactory, OrganisationFactory, SignatureFactory

pytestmark = pytest.mark.django_db


def approve(client, argument, reason: str = "Sourced and civil") -> None:
    data = {
        "action": "approve_arguments",
        ACTION_CHECKBOX_NAME: [argument.pk],
        "apply": "1",
        "reason": reason,
    }
    client.post(reverse("admin:consult_argument_changelist"), data)


@pytest.fixture
def pending_argument(consultation):
    return ArgumentFactory(consultation=consultation, status=Argument.Status.PENDING, published_at=None)


def test_argument_page_shows_its_moderation_history(client, pending_argument):
    moderator = persona("moderator")
    client.force_login(moderator)
    approve(client, pending_argument, "Sourced <b>and</b> civil")
    page = client.get(reverse("admin:consult_argument_change", args=[pending_argument.pk])).content.decode()
    assert "Moderation history" in page
    assert "Sourced &lt;b&gt;and&lt;/b&gt; civil" in page
    # Without the personal-data permission, a moderator's address is masked like anyone's.
    assert mask_email(moderator.email) in page
    assert moderator.email not in page


@pytest.mark.parametrize(
    ("admin_name", "make"),
    [
        ("statement", lambda statement: statement),
        ("organisation", lambda statement: OrganisationFactory()),
        ("signature", lambda statement: SignatureFactory(statement=statement)),
    ],
)
def test_every_moderated_object_shows_its_decisions(client, statement, superuser, admin_name, make):
    target = make(statement)
    ModerationDecision.record(superuser, target, "test decision", "Because of the rules")
    client.force_login(persona("moderator"))
    page = client.get(reverse(f"admin:consult_{admin_name}_change", args=[target.pk])).content.decode()
    assert "Because of the rules" in page


def test_object_without_decisions_says_so(client, statement):
    client.force_login(persona("moderator"))
    page = client.get(reverse("admin:consult_statement_change", args=[statement.pk])).content.decode()
    assert "No moderation decisions yet." in page


def test_moderation_log_searches_reason_object_and_moderator(client, pending_argument, statement, superuser):
    moderator = persona("moderator")
    client.force_login(moderator)
    approve(client, pending_argument, "Sourced and civil")
    ModerationDecision.record(superuser, statement, "correct statement text", "Typo fixed")
    log = reverse("admin:consult_moderationdecision_changelist")

    def found(**query) -> list[str]:
        return [decision.reason for decision in client.get(log, query).context["cl"].result_list]

    assert found(q="civil") == ["Sourced and civil"]
    assert found(q=str(pending_argument.claim)) == ["Sourced and civil"]
    assert found(q=moderator.email) == []  # Searching by address needs the personal-data permission.
    assert found(action="correct statement text") == ["Typo fixed"]
    assert len(found(created_at__gte="2000-01-01 00:00:00+00:00")) == 2


def test_moderation_log_searches_by_moderator_address_with_the_permission(client, statement, superuser):
    ModerationDecision.record(superuser, statement, "correct statement text", "Typo fixed")
    client.force_login(persona("data_moderator"))
    response = client.get(reverse("admin:consult_moderationdecision_changelist"), {"q": superuser.email})
    assert [decision.reason for decision in response.context["cl"].result_list] == ["Typo fixed"]


def test_moderation_log_is_read_only_and_closed_to_staff_without_the_group(client, superuser, statement):
    decision = ModerationDecision.record(superuser, statement, "approve", "ok")
    client.force_login(persona("staff"))
    assert client.get(reverse("admin:consult_moderationdecision_changelist")).status_code == 403
    client.force_login(persona("moderator"))
    assert client.get(reverse("admin:consult_moderationdecision_changelist")).status_code == 200
    delete = reverse("admin:consult_moderationdecision_delete", args=[decision.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ModerationDecision.objects.filter(pk=decision.pk).exists()


def test_editing_a_statement_keeps_a_version_naming_the_moderator(client, statement):
    moderator = persona("moderator")
    client.force_login(moderator)
    old_title = statement.title
    url = reverse("admin:consult_statement_change", args=[statement.pk])
    response = client.post(url, change_form_data(statement, title="A clearer title"))
    assert response.status_code == 302
    latest = statement.history.first()
    assert latest.title == "A clearer title"
    assert latest.history_user == moderator
    assert latest.prev_record.title == old_title
    history = client.get(reverse("admin:consult_statement_history", args=[statement.pk]))
    assert history.status_code == 200
    assert mask_email(str(moderator)) in history.content.decode()


def test_versions_cannot_be_reverted_from_the_history(client, statement):
    moderator = persona("moderator")
    client.force_login(moderator)
    url = reverse("admin:consult_statement_change", args=[statement.pk])
    client.post(url, change_form_data(statement, title="A clearer title"))
    first = statement.history.last()
    revert = reverse("admin:consult_statement_simple_history", args=[statement.pk, first.history_id])
    assert client.get(revert).status_code == 200
    assert client.post(revert, change_form_data(statement)).status_code == 403
    assert Statement.objects.get(pk=statement.pk).title == "A clearer title"


def test_signatures_keep_no_history():
    assert not hasattr(Signature, "history")


def test_a_log_entry_shows_when_it_was_decided_and_links_to_what_was_decided(client, statement, superuser):
    decision = ModerationDecision.record(superuser, statement, "correct statement text", "Typo fixed")
    client.force_login(persona("moderator"))
    page = client.get(reverse("admin:consult_moderationdecision_change", args=[decision.pk])).content.decode()
    assert localize(template_localtime(decision.created_at)) in page
    assert f'<a href="{reverse("admin:consult_statement_change", args=[statement.pk])}">' in page
    assert "Typo fixed" in page and "correct statement text" in page


def test_a_log_entry_about_an_object_outside_the_admin_names_it_without_a_link(client, superuser, statement):
    SignatureToken.issue(SignatureFactory(statement=statement), SignatureToken.Purpose.MANAGE)
    token = SignatureToken.objects.get()
    decision = ModerationDecision.record(superuser, token, "test decision", "Because")
    client.force_login(persona("moderator"))
    page = client.get(reverse("admin:consult_moderationdecision_change", args=[decision.pk])).content.decode()
    assert decision.object_repr in page and "/signaturetoken/" not in page
