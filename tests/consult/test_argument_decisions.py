"""Deciding arguments and reports: take-down, uphold, dismiss, each one recorded decision that
also resolves the argument's open reports, and all or nothing."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from consult import moderation
from consult.models import Argument, ArgumentReport, ModerationDecision, OutboundEmail
from tests.consult.moderators import persona
from tests.factories import ArgumentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(db):
    return persona("moderator")


@pytest.fixture
def published(consultation):
    return ArgumentFactory(consultation=consultation, author=UserFactory(verified=True))


def report(argument, reason: str = "abusive") -> ArgumentReport:
    return ArgumentReport.objects.create(argument=argument, reporter=UserFactory(), reason=reason)


def act(client, model: str, action: str, objects, reason: str | None = None):
    data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]}
    if reason is not None:
        data |= {"apply": "1", "reason": reason}
    return client.post(reverse(f"admin:consult_{model}_changelist"), data)


def test_taking_down_a_published_argument_tells_the_author_it_was_taken_down(
    published, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assert moderation.take_down_argument(published, moderator, "Abusive <b>language</b>.")
    published.refresh_from_db()
    assert (published.status, published.decision_reason) == ("rejected", "Abusive <b>language</b>.")
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.target, decision.moderator) == (
        "take down argument",
        published,
        moderator,
    )
    [email] = mailoutbox
    assert email.subject == "Your argument was taken down"
    assert "taken down" in email.body and "decided not to publish" not in email.body
    assert "Abusive <b>language</b>." in email.body
    assert "Abusive &lt;b&gt;language&lt;/b&gt;." in email.alternatives[0][0]


def test_a_welsh_author_reads_the_take_down_in_welsh(
    consultation, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    argument = ArgumentFactory(consultation=consultation, language="cy")
    with django_capture_on_commit_callbacks(execute=True):
        moderation.take_down_argument(argument, moderator, "Sarhaus.")
    [email] = mailoutbox
    assert email.subject == "Mae eich dadl wedi'i thynnu i lawr"
    assert "Sarhaus." in email.body


def test_take_down_needs_a_reason_and_applies_to_published_arguments_only(published, moderator):
    with pytest.raises(moderation.DecisionError):
        moderation.take_down_argument(published, moderator, " \n")
    pending = ArgumentFactory(status="pending", published_at=None)
    assert moderation.take_down_argument(pending, moderator, "No") is False
    assert Argument.objects.get(pk=pending.pk).status == "pending"
    assert not ModerationDecision.objects.exists()


def test_the_reject_action_no_longer_touches_published_arguments(client, published, moderator):
    client.force_login(moderator)
    act(client, "argument", "reject_arguments", [published], "Wrong path")
    assert Argument.objects.get(pk=published.pk).status == "published"
    act(client, "argument", "take_down_arguments", [published], "Abusive.")
    assert Argument.objects.get(pk=published.pk).status == "rejected"
    assert list(ModerationDecision.objects.values_list("action", flat=True)) == ["take down argument"]


def test_deciding_an_argument_resolves_its_open_reports_with_a_link_to_the_decision(
    client, published, moderator
):
    reports = [report(published), report(published, "spam")]
    client.force_login(moderator)
    act(client, "argument", "take_down_arguments", [published], "Abusive.")
    decision = ModerationDecision.objects.get()
    for each in reports:
        each.refresh_from_db()
        assert (each.resolution, each.decision) == ("upheld", decision)
        assert each.resolved_at is not None


def test_publishing_an_argument_dismisses_its_open_reports(moderator):
    argument = ArgumentFactory(status="pending", published_at=None)
    open_report = report(argument)
    moderation.publish_argument(argument, moderator)
    open_report.refresh_from_db()
    assert open_report.resolution == "dismissed"
    assert open_report.decision == ModerationDecision.objects.get(action="approve argument")


def test_upholding_a_report_takes_the_argument_down_in_one_decision(
    client, published, moderator, django_capture_on_commit_callbacks, mailoutbox
):
    first, second = report(published), report(published)
    client.force_login(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = act(client, "argumentreport", "uphold_reports", [first], "It insults a named person.")
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.status == "rejected"
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.target) == ("take down argument", published)
    assert set(ArgumentReport.objects.values_list("resolution", "decision")) == {("upheld", decision.pk)}
    assert second.pk in ArgumentReport.objects.filter(decision=decision).values_list("pk", flat=True)
    [email] = mailoutbox
    assert email.subject == "Your argument was taken down"


def test_upholding_a_report_on_an_argument_already_down_records_the_report_alone(moderator):
    argument = ArgumentFactory(status="rejected")
    late = report(argument)
    assert moderation.uphold_report(late, moderator, "Right, and already done.")
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.target) == ("uphold report", late)
    late.refresh_from_db()
    assert (late.resolution, late.decision) == ("upheld", decision)
    assert OutboundEmail.objects.count() == 0


def test_dismissing_a_report_keeps_the_argument_and_the_other_reports(client, published, moderator):
    dismissed, other = report(published), report(published)
    client.force_login(moderator)
    act(client, "argumentreport", "dismiss_reports", [dismissed], "Sources check out.")
    dismissed.refresh_from_db()
    other.refresh_from_db()
    assert Argument.objects.get(pk=published.pk).status == "published"
    decision = ModerationDecision.objects.get()
    assert (decision.action, decision.target, decision.reason) == (
        "dismiss report",
        dismissed,
        "Sources check out.",
    )
    assert (dismissed.resolution, dismissed.decision) == ("dismissed", decision)
    assert other.resolved_at is None and other.resolution == ""


def test_a_resolved_report_is_not_decided_twice(published, moderator):
    first = report(published)
    moderation.dismiss_report(first, moderator, "Fine.")
    assert moderation.uphold_report(first, moderator, "Changed my mind") is False
    assert moderation.dismiss_report(first, moderator, "Again") is False
    assert ModerationDecision.objects.count() == 1
    assert Argument.objects.get(pk=published.pk).status == "published"


@pytest.mark.parametrize(
    "decide",
    [
        lambda argument, report, who: moderation.take_down_argument(argument, who, "Abusive."),
        lambda argument, report, who: moderation.uphold_report(report, who, "Abusive."),
        lambda argument, report, who: moderation.dismiss_report(report, who, "Fine."),
    ],
    ids=["take down", "uphold", "dismiss"],
)
def test_a_decision_whose_record_fails_changes_nothing(published, decide):
    open_report = report(published)
    # An account that was never saved: writing the record fails, after the change was applied.
    ghost = UserFactory.build()
    with pytest.raises(ValueError):
        decide(published, open_report, ghost)
    assert Argument.objects.get(pk=published.pk).status == "published"
    assert ArgumentReport.objects.get(pk=open_report.pk).resolved_at is None
    assert not ModerationDecision.objects.exists() and not OutboundEmail.objects.exists()


@pytest.mark.parametrize("reason", ["r" * 2001, " \u200b ", ""])
def test_oversized_or_empty_reasons_get_an_error_and_change_nothing(client, published, moderator, reason):
    target = report(published)
    client.force_login(moderator)
    response = act(client, "argumentreport", "uphold_reports", [target], reason)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert Argument.objects.get(pk=published.pk).status == "published"
    assert not ModerationDecision.objects.exists()


@pytest.mark.parametrize("reason", ["<script>alert(1)</script>", "Ελληνικά ✓ 🙂", "a\r\nb"])
def test_hostile_reasons_are_stored_as_given_and_shown_escaped(client, published, moderator, reason):
    target = report(published)
    client.force_login(moderator)
    act(client, "argumentreport", "dismiss_reports", [target], reason)
    decision = ModerationDecision.objects.get()
    assert decision.reason == reason.strip().replace("\r\n", "\n")
    page = client.get(reverse("admin:consult_argumentreport_change", args=[target.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page


def test_the_reporters_words_and_the_outcome_are_read_only(client, published, moderator):
    target = report(published)
    client.force_login(moderator)
    url = reverse("admin:consult_argumentreport_change", args=[target.pk])
    page = client.get(url).content.decode()
    for field in ["reason", "note", "resolved_at", "resolution", "decision", "reporter"]:
        assert f'name="{field}"' not in page
    client.post(
        url, {"reason": "spam", "note": "Forged", "resolved_at_0": "2026-01-01", "resolution": "dismissed"}
    )
    target.refresh_from_db()
    assert (target.reason, target.note, target.resolved_at, target.resolution) == ("abusive", "", None, "")
    assert client.get(reverse("admin:consult_argumentreport_add")).status_code == 403


def test_decisions_appear_on_the_reports_page(client, published, moderator):
    target = report(published)
    moderation.dismiss_report(target, moderator, "Looked into it")
    client.force_login(moderator)
    page = client.get(reverse("admin:consult_argumentreport_change", args=[target.pk])).content.decode()
    assert "Looked into it" in page
    assert ContentType.objects.get_for_model(ArgumentReport)
