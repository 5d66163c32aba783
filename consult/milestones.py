"""Milestone emails ("1,000 people have signed"), held for a moderator before they go.

When an open statement's count passes one of its milestones, beat's `check_milestones` writes an
automatic update and holds it for MILESTONE_GRACE_MINUTES. Meanwhile moderators see it in the
admin and may send it at once or cancel it, each a recorded decision; a fraud clean-up that takes
the count back below it cancels it (`Update.cancel_milestones_out_of_reach`). When its grace
period is over the count is reconciled from the signature rows, and the email goes out only if
that count still reaches the milestone (otherwise it waits for the count). The member who
proposed the statement is told when it goes. A cancelled milestone is never sent.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from consult import languages, notifications
from consult.models import ModerationDecision, SignatureCounter, Statement, Update
from consult.updates import Refused, begin_sending


def milestone_text(statement: Statement, milestone: int, language: str) -> dict[str, str]:
    """The subject and body of a milestone's automatic update, in `language`.

    The subject is cut to fit its column: a long title would otherwise make the update fail."""
    subject_length = Update._meta.get_field("subject").max_length
    with languages.override(language):
        return {
            "subject": (
                _("%(count)s people have signed “%(title)s”")
                % {"count": f"{milestone:,}", "title": statement.localised("title")}
            )[:subject_length],
            "body": _(
                "Thank you. The statement you signed has passed %(count)s signatures. "
                "Please share it with people who might sign too."
            )
            % {"count": f"{milestone:,}"},
        }


def hold(statement: Statement, milestone: int) -> bool:
    """Write the milestone's update, held for its grace period; False if it exists already."""
    welsh = {f"{field}_cy": text for field, text in milestone_text(statement, milestone, "cy").items()}
    try:
        with transaction.atomic():
            statement.updates.create(
                kind=Update.Kind.MILESTONE,
                milestone=milestone,
                status=Update.Status.HELD,
                held_until=timezone.now() + timedelta(minutes=settings.MILESTONE_GRACE_MINUTES),
                **milestone_text(statement, milestone, "en"),
                **welsh,
            )
    except IntegrityError:  # Another copy of the task wrote it first (or it was cancelled).
        return False
    return True


def hold_reached_milestones() -> int:
    """Hold an update for each milestone an open statement has passed and has none for yet."""
    statements = list(Statement.objects.open())
    counts = SignatureCounter.counts_for_many([statement.pk for statement in statements])
    existing = set(
        Update.objects.filter(kind=Update.Kind.MILESTONE, statement__in=statements).values_list(
            "statement_id", "milestone"
        )
    )
    held = 0
    for statement in statements:
        for milestone in sorted(statement.milestones):
            if milestone <= counts[statement.pk].total and (statement.pk, milestone) not in existing:
                held += hold(statement, milestone)
    return held


def release(update: Update, moderator=None, reason: str = "") -> bool:
    """Send a held milestone if the reconciled count reaches it, telling the proposer; a
    moderator's "send now" is recorded. Returns whether it began sending."""
    SignatureCounter.reconcile(update.statement_id)  # Its own transaction: counter locks first.
    with transaction.atomic():
        current = Update.objects.select_for_update().select_related("statement").get(pk=update.pk)
        if current.status != Update.Status.HELD or current.statement.counts().total < current.milestone:
            return False
        begin_sending(current)
        notifications.send_milestone_notice(current)
        if moderator is not None:
            ModerationDecision.record(moderator, current, "send milestone now", reason)
    update.refresh_from_db()
    return True


@shared_task
def check_milestones() -> int:
    """Hold newly reached milestones; send those whose grace period is over. Returns how many
    began sending. Safe to run twice at once: a milestone is written once, and sent once."""
    hold_reached_milestones()
    due = Update.objects.held_milestones().filter(held_until__lte=timezone.now())
    return sum(release(update) for update in due)


def send_now(update: Update, moderator, reason: str) -> None:
    """A moderator sends a held milestone before its grace period is over."""
    if not reason.strip():
        raise Refused(_("Give a reason: it goes on the record."))
    if update.status != Update.Status.HELD:
        raise Refused(_("Only a held milestone can be sent now."))
    if not release(update, moderator, reason.strip()):
        raise Refused(_("The count, recounted just now, is below this milestone: it stays held."))


def cancel(update: Update, moderator, reason: str) -> None:
    """A moderator cancels a held milestone, for good."""
    if not reason.strip():
        raise Refused(_("Give a reason: it goes on the record."))
    with transaction.atomic():
        current = Update.objects.select_for_update().get(pk=update.pk)
        if current.kind != Update.Kind.MILESTONE or not current.cancel():
            raise Refused(_("Only a held milestone can be cancelled."))
        ModerationDecision.record(moderator, current, "cancel milestone", reason.strip())
    update.refresh_from_db()
