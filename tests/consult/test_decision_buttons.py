"""Decisions as buttons on the change pages: each asks for a reason, then takes the same
recorded decision as the list action; a bad reason changes nothing."""

import pytest
from django.urls import reverse

from consult.models import Argument, ArgumentReport, ModerationDecision, Organisation, Signature
from tests.consult.moderators import persona
from tests.factories import ArgumentFactory, OrganisationFactory, SignatureFactory, UserFactory
from tests.naughty import naughty_strings

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator_client(client):
    client.force_login(persona("moderator"))
    return client


def decide_url(model: str, obj, decision: str) -> str:
    return reverse(f"admin:consult_{model}_decide", args=[obj.pk, decision])


def test_the_change_page_offers_the_decisions_as_buttons(moderator_client):
    argument = ArgumentFactory(status="pending", published_at=None)
    page = moderator_client.get(reverse("admin:consult_argument_change", args=[argument.pk])).content.decode()
    for decision in ("publish", "reject", "take-down"):
        assert decide_url("argument", argument, decision) in page


def test_a_button_asks_for_the_reason_then_decides_once(moderator_client, mailoutbox):
    argument = ArgumentFactory()
    url = decide_url("argument", argument, "take-down")
    assert 'name="reason"' in moderator_client.get(url).content.decode()
    response = moderator_client.post(url, {"reason": "Abusive."})
    assert response.status_code == 302
    assert response.url == reverse("admin:consult_argument_change", args=[argument.pk])
    assert Argument.objects.get(pk=argument.pk).status == "rejected"
    moderator_client.post(url, {"reason": "Again."})
    assert ModerationDecision.objects.get().action == "take down argument"


@pytest.mark.parametrize(
    ("model", "make", "decision", "check"),
    [
        (
            "argumentreport",
            lambda: ArgumentReport.objects.create(
                argument=ArgumentFactory(), reporter=UserFactory(), reason="spam"
            ),
            "uphold",
            lambda report: report.argument.status == "rejected" and report.resolution == "upheld",
        ),
        (
            "argumentreport",
            lambda: ArgumentReport.objects.create(
                argument=ArgumentFactory(), reporter=UserFactory(), reason="spam"
            ),
            "dismiss",
            lambda report: report.argument.status == "published" and report.resolution == "dismissed",
        ),
        (
            "organisation",
            lambda: OrganisationFactory(status=Organisation.Status.PENDING),
            "verify",
            lambda organisation: organisation.status == "verified",
        ),
        (
            "organisation",
            lambda: OrganisationFactory(),
            "refuse",
            lambda organisation: organisation.status == "refused",
        ),
        (
            "signature",
            lambda: SignatureFactory(kind="notable", public_role="Mayor", role_status="pending"),
            "verify-role",
            lambda signature: signature.role_status == "verified",
        ),
        (
            "signature",
            lambda: SignatureFactory(hold=Signature.Hold.SUSPECT),
            "release",
            lambda signature: signature.hold == "",
        ),
        (
            "signature",
            lambda: SignatureFactory(),
            "invalidate",
            lambda signature: signature.state == "invalidated",
        ),
    ],
)
def test_each_button_takes_its_recorded_decision(moderator_client, model, make, decision, check):
    obj = make()
    response = moderator_client.post(decide_url(model, obj, decision), {"reason": "Checked."})
    assert response.status_code == 302
    obj.refresh_from_db()
    assert check(obj)
    assert ModerationDecision.objects.count() == 1


def test_a_decision_that_does_not_apply_says_so_and_changes_nothing(moderator_client):
    argument = ArgumentFactory(status="pending", published_at=None)
    response = moderator_client.post(
        decide_url("argument", argument, "take-down"), {"reason": "No"}, follow=True
    )
    assert "nothing changed" in response.content.decode()
    assert Argument.objects.get(pk=argument.pk).status == "pending"
    assert not ModerationDecision.objects.exists()


@pytest.mark.parametrize("reason", ["", " \u200b", "r" * 2001])
def test_a_bad_reason_gets_an_error_and_changes_nothing(moderator_client, reason):
    argument = ArgumentFactory()
    response = moderator_client.post(decide_url("argument", argument, "take-down"), {"reason": reason})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert Argument.objects.get(pk=argument.pk).status == "published"


def test_hostile_reasons_are_recorded_as_text_and_shown_escaped(moderator_client):
    for reason in ["<script>alert(1)</script>", *naughty_strings()[:30]]:
        signature = SignatureFactory()
        moderator_client.post(decide_url("signature", signature, "invalidate"), {"reason": reason})
        page = moderator_client.get(reverse("admin:consult_signature_change", args=[signature.pk]))
        assert "<script>alert(1)</script>" not in page.content.decode()


def test_unknown_decisions_and_objects_are_not_found(moderator_client):
    argument = ArgumentFactory()
    assert moderator_client.get(decide_url("argument", argument, "delete")).status_code == 404
    assert (
        moderator_client.get(reverse("admin:consult_argument_decide", args=[999999, "publish"])).status_code
        == 404
    )


def test_staff_without_permission_cannot_decide(client):
    argument = ArgumentFactory(status="pending", published_at=None)
    client.force_login(persona("staff"))
    assert client.post(decide_url("argument", argument, "publish"), {"reason": "ok"}).status_code == 403
    assert Argument.objects.get(pk=argument.pk).status == "pending"


def test_deciding_needs_a_post(moderator_client):
    argument = ArgumentFactory(status="pending", published_at=None)
    moderator_client.get(decide_url("argument", argument, "publish"), {"reason": "ok"})
    assert Argument.objects.get(pk=argument.pk).status == "pending"
