"""Moderators' decisions on arguments and on the reports about them.

Each decision is one function that applies the change, writes its ModerationDecision and queues
the emails it owes, in one transaction: a failure anywhere leaves everything as it was. Deciding
an argument, by whichever path, resolves its open reports with a link to that decision.
"""

from collections.abc import Collection

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consult.models import Argument, ArgumentReport, ModerationDecision
from consult.notifications import send_argument_decision

PUBLISH = "approve argument"
REJECT = "reject argument"
TAKE_DOWN = "take down argument"
UPHOLD_REPORT = "uphold report"
DISMISS_REPORT = "dismiss report"
# What each decision on an argument does with its open reports.
REPORT_OUTCOME = {
    PUBLISH: ArgumentReport.Resolution.DISMISSED,
    REJECT: ArgumentReport.Resolution.UPHELD,
    TAKE_DOWN: ArgumentReport.Resolution.UPHELD,
}


class DecisionError(ValueError):
    """A decision that cannot be taken as asked; its message tells the moderator why."""


def required_reason(reason: str, message: str) -> str:
    """The reason a moderator gave, trimmed; refused with `message` (who reads it, and where)
    when there is none. Every decision that needs a reason asks for it here."""
    reason = reason.strip()
    if not reason:
        raise DecisionError(message)
    return reason


def decide_argument(argument: Argument, moderator, approve: bool, reason: str = "") -> bool:
    """Publish or refuse an argument, record who decided and why, and email the author.

    Refusing a pending argument rejects it; refusing a published one takes it down. Deciding
    again the same way changes nothing and sends nothing, so a double click in the admin emails
    the author once. Returns whether anything changed.
    """
    if approve:
        return publish_argument(argument, moderator, reason)
    reason = required_reason(reason, _("Give a reason for rejecting the argument: the author will read it."))
    if argument.status == Argument.Status.PUBLISHED:
        return take_down_argument(argument, moderator, reason)
    return reject_argument(argument, moderator, reason)


def publish_argument(argument: Argument, moderator, reason: str = "") -> bool:
    """A pending (or earlier rejected) argument goes public; its open reports are dismissed."""
    statuses = {Argument.Status.PENDING, Argument.Status.REJECTED}
    return _decide(argument, moderator, PUBLISH, statuses, reason.strip() or _("Approved.")) is not None


def reject_argument(argument: Argument, moderator, reason: str) -> bool:
    """A pending argument is not published; the author is emailed the reason."""
    reason = required_reason(reason, _("Give a reason for rejecting the argument: the author will read it."))
    return _decide(argument, moderator, REJECT, {Argument.Status.PENDING}, reason) is not None


def take_down_argument(argument: Argument, moderator, reason: str) -> bool:
    """A published argument is withdrawn from the site; the author is told it was taken down, and why."""
    reason = required_reason(
        reason, _("Give a reason for taking the argument down: the author will read it.")
    )
    return _decide(argument, moderator, TAKE_DOWN, {Argument.Status.PUBLISHED}, reason) is not None


def _decide(
    argument: Argument, moderator, action: str, from_statuses: Collection[str], reason: str
) -> ModerationDecision | None:
    with transaction.atomic():
        current = Argument.objects.select_for_update().get(pk=argument.pk)
        if current.status not in from_statuses:
            return None
        if action == PUBLISH:
            current.publish()
        else:
            current.reject(reason)
        decision: ModerationDecision = ModerationDecision.record(moderator, current, action, reason)
        resolve_open_reports(current, decision, REPORT_OUTCOME[action])
        # Queued with the decision: it goes out once the decision is committed, and not otherwise.
        send_argument_decision(current, taken_down=action == TAKE_DOWN)
    argument.refresh_from_db()
    return decision


def resolve_open_reports(argument: Argument, decision: ModerationDecision, resolution: str) -> int:
    """Close the argument's open reports as decided by `decision`; returns how many."""
    return argument.reports.filter(resolved_at=None).update(
        resolved_at=timezone.now(), resolution=resolution, decision=decision
    )


def uphold_report(report: ArgumentReport, moderator, reason: str) -> bool:
    """The report is right: the argument is taken down (or, still pending, rejected).

    That one decision on the argument is the record, and resolves every open report about it.
    An argument refused already leaves only this report to close, on a record of its own.
    """
    reason = required_reason(reason, _("Give a reason for upholding the report: the author will read it."))
    with transaction.atomic():
        current = ArgumentReport.objects.select_for_update().get(pk=report.pk)
        if current.resolved_at is not None:
            return False
        argument = current.argument
        if argument.status == Argument.Status.PUBLISHED:
            decided = take_down_argument(argument, moderator, reason)
        elif argument.status == Argument.Status.PENDING:
            decided = reject_argument(argument, moderator, reason)
        else:
            decided = False
        if not decided:
            _close(current, moderator, UPHOLD_REPORT, ArgumentReport.Resolution.UPHELD, reason)
    report.refresh_from_db()
    return True


def dismiss_report(report: ArgumentReport, moderator, reason: str) -> bool:
    """The report is unfounded: the argument stays as it is, and the report is closed."""
    reason = required_reason(reason, _("Give a reason for dismissing the report."))
    with transaction.atomic():
        current = ArgumentReport.objects.select_for_update().get(pk=report.pk)
        if current.resolved_at is not None:
            return False
        _close(current, moderator, DISMISS_REPORT, ArgumentReport.Resolution.DISMISSED, reason)
    report.refresh_from_db()
    return True


def _close(report: ArgumentReport, moderator, action: str, resolution: str, reason: str) -> None:
    decision = ModerationDecision.record(moderator, report, action, reason)
    report.resolved_at, report.resolution, report.decision = timezone.now(), resolution, decision
    report.save(update_fields=["resolved_at", "resolution", "decision"])
