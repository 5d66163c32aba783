"""Update emails to signers: who gets them, how they are rendered, and how they fan out.

Delivery guarantee. Sending an update first writes one UpdateDelivery row per recipient (a
unique constraint makes this idempotent), then sends batches of BATCH_SIZE. Each delivery row
stays locked while its email goes out and is marked sent in the same transaction, so a
retried, duplicated or requeued batch skips it. If a worker process dies after the SMTP server
accepted a message but before that transaction committed, the row is still pending and that one
message is sent again: at most one duplicate per worker process that dies mid-send, and nobody is
ever skipped, because `resume_stalled_updates` requeues whatever is still pending.
"""

import logging
import smtplib
from datetime import timedelta

import markdown
import nh3
from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from consult import languages
from consult.emails import is_permanent
from consult.models import Signature, SignatureToken, Statement, Update, UpdateDelivery

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
DELIVERY_CHUNK = 5_000
# A sending update with no delivery for this long is resumed by the periodic sweep.
STALL_AFTER = timedelta(minutes=2)
UNSUBSCRIBE_SALT = "consult.unsubscribe"
ALLOWED_TAGS = {
    "p",
    "br",
    "a",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "blockquote",
    "code",
    "pre",
    "hr",
}


def audience(statement: Statement) -> QuerySet[Signature]:
    """Confirmed, counted signers who asked for updates and have not unsubscribed since."""
    return statement.signatures.counted().filter(wants_updates=True)


def render_html(body: str) -> str:
    """Markdown to HTML, then sanitised: only harmless tags, only http(s) and mailto links."""
    html = markdown.markdown(body, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def rendered_bodies(update: Update) -> dict[str, str]:
    """The body as HTML in each language, rendered once per batch (Welsh falls back to English)."""
    return {code: render_html(update.localised("body", code)) for code, _name in settings.LANGUAGES}


def unsubscribe_token(signature: Signature) -> str:
    """A link that never expires: a signed signature id, nothing stored."""
    return signing.dumps(signature.pk, salt=UNSUBSCRIBE_SALT)


def signature_for_unsubscribe(token: str) -> Signature | None:
    try:
        signature_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return Signature.objects.select_related("statement").filter(pk=signature_id).first()


def build_message(
    update: Update, signature: Signature, bodies: dict[str, str], manage_token: str | None = None
) -> EmailMultiAlternatives:
    """The update in the signer's language; the unsubscribe link (also the one-click POST target)
    keeps its unprefixed address, the other links go to the pages in that language."""
    from consult.emails import absolute, signer_context

    with languages.override(settings.LANGUAGE_CODE):
        unsubscribe_url = absolute(reverse("unsubscribe", args=[unsubscribe_token(signature)]))
    language = languages.supported(signature.language)
    with languages.override(language):
        context = signer_context(signature, manage_token) | {"unsubscribe_url": unsubscribe_url}
        return compose(update, signature.email, context, bodies[language])


def build_test_message(update: Update, email: str) -> EmailMultiAlternatives:
    """The update as a signer would see it, for a moderator to check before sending."""
    from consult.emails import absolute

    statement_url = absolute(update.statement.get_absolute_url())
    context = {
        "statement": update.statement,
        "statement_url": statement_url,
        "unsubscribe_url": statement_url,
        "manage_url": statement_url,
    }
    message = compose(update, email, context, render_html(update.body))
    message.subject = gettext("[Test] %(subject)s") % {"subject": update.subject}
    return message


def compose(update: Update, email: str, context: dict, body_html: str) -> EmailMultiAlternatives:
    context = context | {"update": update, "body_html": body_html}
    text = render_to_string("emails/update_message.txt", context)
    html = render_to_string("emails/update_message.html", context)
    message = EmailMultiAlternatives(
        update.localised("subject"),
        text,
        settings.DEFAULT_FROM_EMAIL,
        [email],
        headers={
            # RFC 8058: mail clients offer a one-click unsubscribe that POSTs to this URL.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def begin_sending(update: Update) -> bool:
    """Move a draft to sending, once, and queue the fan-out after the commit."""
    with transaction.atomic():
        started = Update.objects.filter(pk=update.pk, status=Update.Status.DRAFT).update(
            status=Update.Status.SENDING,
            sending_started_at=timezone.now(),
            audience_size=audience(update.statement).count(),
        )
        if started:
            transaction.on_commit(lambda: queue(fan_out_update, update.pk))
    return bool(started)


def queue(task, *args) -> None:
    """Queue a task; with the broker down, leave the work to `resume_stalled_updates`."""
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not queue %s%s; the periodic sweep will resume it", task.name, args)


def create_deliveries(update: Update) -> None:
    """One pending delivery per recipient, in chunks so memory stays flat at any size."""
    recipients = audience(update.statement).order_by("pk").values_list("pk", flat=True)
    last_id = 0
    while chunk := list(recipients.filter(pk__gt=last_id)[:DELIVERY_CHUNK]):
        UpdateDelivery.objects.bulk_create(
            [UpdateDelivery(update=update, signature_id=signature_id) for signature_id in chunk],
            ignore_conflicts=True,
        )
        last_id = chunk[-1]


def pending_batches(update_id: int):
    """(first id, last id) ranges of BATCH_SIZE pending deliveries, walked by id."""
    pending = UpdateDelivery.objects.filter(update_id=update_id, status=UpdateDelivery.Status.PENDING)
    ids = pending.order_by("pk").values_list("pk", flat=True)
    last_id = 0
    while batch := list(ids.filter(pk__gt=last_id)[:BATCH_SIZE]):
        yield batch[0], batch[-1]
        last_id = batch[-1]


@shared_task
def fan_out_update(update_id: int) -> int:
    update = Update.objects.select_related("statement").get(pk=update_id)
    if update.status != Update.Status.SENDING:
        return 0
    create_deliveries(update)
    batches = 0
    for first_id, last_id in pending_batches(update_id):
        queue(send_update_batch, update_id, first_id, last_id)
        batches += 1
    if not batches:
        finish_if_done(update_id)
    return batches


class TemporaryFailure(Exception):
    """Some messages of a batch could not be sent for now; the batch is retried."""


@shared_task(
    autoretry_for=(TemporaryFailure, smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=600,  # Well below the broker's visibility timeout.
    retry_jitter=True,
    max_retries=8,
)
def send_update_batch(update_id: int, first_id: int, last_id: int) -> int:
    update = Update.objects.select_related("statement").get(pk=update_id)
    bodies = rendered_bodies(update)
    pending = UpdateDelivery.objects.filter(
        update_id=update_id, status=UpdateDelivery.Status.PENDING, pk__gte=first_id, pk__lte=last_id
    )
    sent, deferred = 0, 0
    deliveries = dict(pending.order_by("pk").values_list("pk", "signature_id"))
    # Every message carries a manage link: its tokens are stored in one query per batch.
    manage_tokens = SignatureToken.issue_many(list(deliveries.values()), SignatureToken.Purpose.MANAGE)
    # One SMTP connection for the whole batch.
    with get_connection() as connection:
        for delivery_id, signature_id in deliveries.items():
            outcome = deliver(update, delivery_id, bodies, connection, manage_tokens[signature_id])
            sent += outcome == UpdateDelivery.Status.SENT
            deferred += outcome == UpdateDelivery.Status.PENDING
    finish_if_done(update_id)
    if deferred:
        raise TemporaryFailure(f"{deferred} messages of update {update_id} deferred")
    return sent


def deliver(
    update: Update, delivery_id: int, bodies: dict[str, str], connection, manage_token: str | None = None
) -> str | None:
    """Send one delivery if it is still pending and nobody else holds it; return its new status."""
    with transaction.atomic():
        delivery = (
            UpdateDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("signature")
            .filter(pk=delivery_id, status=UpdateDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        signature = delivery.signature
        signature.statement = update.statement  # The update's own: no query per message.
        if signature.counted_as is None or not signature.wants_updates:
            delivery.status = UpdateDelivery.Status.SKIPPED
        else:
            try:
                connection.send_messages([build_message(update, signature, bodies, manage_token)])
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as error:
                # 5xx is permanent (no such mailbox): recorded, never retried. 4xx is retried.
                if is_permanent(error):
                    delivery.status = UpdateDelivery.Status.FAILED
                delivery.error = str(error)[:500]
            except (smtplib.SMTPException, OSError) as error:
                delivery.error = str(error)[:500]
            else:
                delivery.status = UpdateDelivery.Status.SENT
                delivery.sent_at = timezone.now()
        delivery.attempts += 1
        delivery.save(update_fields=["status", "error", "sent_at", "attempts"])
    return delivery.status


def finish_if_done(update_id: int) -> bool:
    if UpdateDelivery.objects.filter(update_id=update_id, status=UpdateDelivery.Status.PENDING).exists():
        return False
    return bool(
        Update.objects.filter(pk=update_id, status=Update.Status.SENDING).update(
            status=Update.Status.SENT, sent_at=timezone.now()
        )
    )


@shared_task
def resume_stalled_updates(stall_after_seconds: float | None = None) -> int:
    """Requeue updates still sending with nothing delivered lately (broker outage, dead worker)."""
    stall_after = STALL_AFTER if stall_after_seconds is None else timedelta(seconds=stall_after_seconds)
    cutoff = timezone.now() - stall_after
    resumed = 0
    for update in Update.objects.filter(status=Update.Status.SENDING, sending_started_at__lte=cutoff):
        latest = (
            update.deliveries.exclude(sent_at=None).order_by("-sent_at").values_list("sent_at", flat=True)
        )
        if (last_sent := latest.first()) is None or last_sent <= cutoff:
            queue(fan_out_update, update.pk)
            resumed += 1
    return resumed


def milestone_text(statement: Statement, milestone: int, language: str) -> dict[str, str]:
    """The subject and body of a milestone's automatic update, in `language`.

    The subject is cut to fit its column: a long title would otherwise make the update fail."""
    subject_length = Update._meta.get_field("subject").max_length
    with languages.override(language):
        return {
            "subject": (
                gettext("%(count)s people have signed “%(title)s”")
                % {"count": f"{milestone:,}", "title": statement.localised("title")}
            )[:subject_length],
            "body": gettext(
                "Thank you. The statement you signed has passed %(count)s signatures. "
                "Please share it with people who might sign too."
            )
            % {"count": f"{milestone:,}"},
        }


@shared_task
def check_milestones() -> int:
    """Create and send one automatic update for each milestone an open statement has passed.

    The unique constraint on (statement, milestone) makes this exactly once, however many
    copies of this task run at the same time.
    """
    created = 0
    for statement in Statement.objects.open():
        total = statement.counts().total
        for milestone in sorted(statement.milestones):
            if milestone > total or statement.updates.filter(milestone=milestone).exists():
                continue
            try:
                with transaction.atomic():
                    update = statement.updates.create(
                        kind=Update.Kind.MILESTONE,
                        milestone=milestone,
                        **milestone_text(statement, milestone, "en"),
                        **{
                            f"{field}_cy": text
                            for field, text in milestone_text(statement, milestone, "cy").items()
                        },
                    )
            except IntegrityError:
                continue  # Another copy of this task created it first.
            begin_sending(update)
            created += 1
    return created
