"""Update emails to signers: who gets them, the decisions that send them, and the fan-out.

Sending an update writes one outbox row per recipient (a unique constraint makes this
idempotent, `create_emails`) and queues batches of them for the one sender (consult/sending.py),
which gives every email the outbox's guarantee: nobody skipped, at most one duplicate per sender
process killed mid-send. An update to more than UPDATE_APPROVAL_THRESHOLD people needs a second
moderator's approval first. Every decision (approve, send, resume) is recorded with the change.
"""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from consult import emails, sending
from consult.models import ModerationDecision, OutboundEmail, Signature, Statement, Update

# Rows written per query when an update fans out, so memory stays flat at any size.
EMAIL_CHUNK = 5_000
# A sending update with no email tried for this long is stalled: the admin says so, and beat's
# `resume_stalled_updates` queues it again.
STALL_AFTER = timedelta(minutes=2)


class Refused(Exception):
    """A decision the rules do not allow; the message says why, to the moderator."""


def audience(statement: Statement) -> QuerySet[Signature]:
    """Confirmed, counted signers who asked for updates and have not unsubscribed since."""
    return statement.signatures.counted().filter(wants_updates=True)


def needs_approval(update: Update, recipients: int) -> bool:
    """Whether a second moderator must approve this update before it goes to `recipients`."""
    return update.kind == Update.Kind.MANUAL and recipients > settings.UPDATE_APPROVAL_THRESHOLD


def approve(update: Update, moderator, reason: str = "") -> None:
    """A second moderator's approval of a draft: never its author's own."""
    if update.created_by_id is not None and update.created_by_id == moderator.pk:
        raise Refused(_("You wrote this update: another moderator must approve it."))
    with transaction.atomic():
        if not update.approve(moderator):
            raise Refused(_("Only a draft that nobody has approved yet can be approved."))
        ModerationDecision.record(moderator, update, "approve update", reason.strip() or "Approved.")


def send(update: Update, moderator) -> int:
    """Send a draft to its audience, once, recording who sent it; returns how many it goes to."""
    with transaction.atomic():
        current = Update.objects.select_for_update().get(pk=update.pk)
        recipients = audience(current.statement).count()
        if current.status != Update.Status.DRAFT:
            raise Refused(_("This update has already been sent."))
        if needs_approval(current, recipients) and current.approved_at is None:
            raise Refused(
                _("It goes to more than %(threshold)s people: another moderator must approve it first.")
                % {"threshold": f"{settings.UPDATE_APPROVAL_THRESHOLD:,}"}
            )
        begin_sending(current, recipients)
        approval = f" (approved by {current.approved_by})" if current.approved_by_id else ""
        ModerationDecision.record(
            moderator, current, "send update", f"Sent to {recipients} signers{approval}"
        )
    update.refresh_from_db()
    return recipients


def begin_sending(update: Update, recipients: int | None = None) -> bool:
    """Move a draft or a held milestone to sending, once, and fan it out after the commit."""
    if recipients is None:
        recipients = audience(update.statement).count()
    with transaction.atomic():
        started = update.start_sending(recipients)
        if started:
            transaction.on_commit(lambda: sending.enqueue(fan_out_update, update.pk))
    return started


def create_emails(update: Update) -> None:
    """One pending outbox row per recipient, in chunks so memory stays flat at any size."""
    recipients = audience(update.statement).order_by("pk").values_list("pk", "language")
    last_id = 0
    while chunk := list(recipients.filter(pk__gt=last_id)[:EMAIL_CHUNK]):
        OutboundEmail.objects.bulk_create(
            [
                OutboundEmail(
                    kind=OutboundEmail.Kind.UPDATE, update=update, signature_id=pk, language=language
                )
                for pk, language in chunk
            ],
            ignore_conflicts=True,
        )
        last_id = chunk[-1][0]


def pending_batches(update_id: int):
    """(first id, last id) ranges of BATCH_SIZE pending emails of an update, walked by id."""
    pending = OutboundEmail.objects.pending().filter(update_id=update_id)
    ids = pending.order_by("pk").values_list("pk", flat=True)
    last_id = 0
    while batch := list(ids.filter(pk__gt=last_id)[: sending.BATCH_SIZE]):
        yield batch[0], batch[-1]
        last_id = batch[-1]


@shared_task
def fan_out_update(update_id: int) -> int:
    """Write the update's emails (those not written yet) and queue its pending ones in batches."""
    update = Update.objects.select_related("statement").get(pk=update_id)
    if update.status != Update.Status.SENDING:
        return 0
    create_emails(update)
    batches = 0
    for first_id, last_id in pending_batches(update_id):
        sending.enqueue(emails.send_outbound_batch, first_id, last_id)
        batches += 1
    if not batches:
        Update.objects.filter(pk=update_id).finish_sent()
    return batches


def last_activity(update: Update):
    """When an email of the update was last tried (or, before any was, when sending began)."""
    latest = update.emails.aggregate(latest=Max("last_attempt_at"))["latest"]
    return max(filter(None, [latest, update.sending_started_at]), default=None)


def is_stalled(update: Update) -> bool:
    """Sending, with emails that are due (not waiting for a retry), and none tried for STALL_AFTER."""
    if update.status != Update.Status.SENDING:
        return False
    activity = last_activity(update)
    if activity is not None and activity > timezone.now() - STALL_AFTER:
        return False
    due = update.emails.pending().filter(next_attempt_at__lte=timezone.now())
    return due.exists() or not update.emails.exists()


def resume(update: Update, moderator) -> int:
    """A moderator's "resume now": the update's waiting emails that no live sender holds are due
    at once (retries included), and its fan-out is queued again; recorded. Returns how many."""
    with transaction.atomic():
        current = Update.objects.select_for_update().get(pk=update.pk)
        if current.status != Update.Status.SENDING:
            raise Refused(_("Only an update that is being sent can be resumed."))
        now = timezone.now()
        waiting = current.emails.pending().exclude(claimed_until__gt=now)
        released = waiting.update(claimed_until=None, next_attempt_at=now)
        ModerationDecision.record(
            moderator, current, "resume update", f"Resumed with {released} emails waiting"
        )
        transaction.on_commit(lambda: sending.enqueue(fan_out_update, update.pk))
    return released


@shared_task
def resume_stalled_updates() -> int:
    """Queue again the fan-out of updates still sending with nothing tried lately (a broker
    outage, a dead worker). Their emails' retry times stand: only a moderator overrides those."""
    stalled = [update for update in Update.objects.filter(status=Update.Status.SENDING) if is_stalled(update)]
    for update in stalled:
        sending.enqueue(fan_out_update, update.pk)
    return len(stalled)
