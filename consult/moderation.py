"""Moderators' decisions on arguments: the status change, its record and the author's email together."""

from django.db import transaction
from django.utils.translation import gettext as _

from consult.models import Argument, ModerationDecision
from consult.notifications import send_argument_decision


class DecisionError(ValueError):
    pass


def decide_argument(argument: Argument, moderator, approve: bool, reason: str = "") -> bool:
    """Publish or reject a pending argument, record who decided and why, and email the author.

    A rejection needs a reason: the author reads it. Deciding again the same way changes nothing
    and sends nothing, so a double click in the admin emails the author once. Returns whether
    anything changed.
    """
    reason = reason.strip()
    if not approve and not reason:
        raise DecisionError(_("Give a reason for rejecting the argument: the author will read it."))
    with transaction.atomic():
        current = Argument.objects.select_for_update().get(pk=argument.pk)
        wanted = Argument.Status.PUBLISHED if approve else Argument.Status.REJECTED
        if current.status == wanted:
            return False
        if approve:
            current.publish()
        else:
            current.reject(reason)
        ModerationDecision.record(
            moderator,
            current,
            "approve argument" if approve else "reject argument",
            reason or _("Approved."),
        )
        # Queued with the decision: it goes out once the decision is committed, and not otherwise.
        send_argument_decision(current)
    argument.refresh_from_db()
    return True
