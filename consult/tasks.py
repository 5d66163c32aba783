"""Celery tasks for signing. Thin: they take ids, re-read the rows, and are safe to run twice."""

import logging
from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.db.models import Q
from django.utils import timezone

from consult.models import OutboundEmail, Signature, SignatureCounter, SignatureToken, Statement

logger = logging.getLogger(__name__)

# Rows younger than this are left to the task queued at commit; the sweep takes the rest.
SWEEP_AFTER = timedelta(minutes=1)
# A row whose last attempt failed is tried again this long after it, for as long as its link
# lives: an SMTP server down for hours delays confirmation emails but loses none.
RETRY_AFTER = timedelta(minutes=10)
PENDING_SIGNATURE_LIFETIME = timedelta(days=7)


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=600,  # Well below the broker's visibility timeout (an hour).
    retry_jitter=True,
    max_retries=5,
)
def send_outbound_email(outbound_id: int) -> bool:
    return OutboundEmail.deliver(outbound_id)


def queue_delivery(outbound_id: int) -> None:
    """Queue the sending of an outbox row; with the broker down, leave it to the sweep.

    Called after the commit, inside the signer's request: it must never fail that request.
    """
    try:
        send_outbound_email.delay(outbound_id)
    except Exception:
        logger.exception("Could not queue outbound email %s; the sweep will send it", outbound_id)


@shared_task
def send_unsent_emails() -> int:
    """Send outbox rows that no queued task has sent (the broker was down, a worker died)."""
    now = timezone.now()
    unsent = OutboundEmail.objects.unsent().filter(
        Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - RETRY_AFTER),
        created_at__lte=now - SWEEP_AFTER,
        created_at__gt=now - SignatureToken.CONFIRM_LIFETIME,
        refused=False,
    )
    sent = 0
    for outbound_id in unsent.values_list("pk", flat=True)[:500]:
        try:
            sent += OutboundEmail.deliver(outbound_id)
        except Exception:
            logger.exception("Sweep could not send outbound email %s", outbound_id)
    return sent


@shared_task
def reconcile_counts() -> int:
    """Recount every open statement's signatures; `reconcile` logs and corrects any drift."""
    drift = 0
    for statement_id in Statement.objects.open().values_list("pk", flat=True):
        drift += abs(SignatureCounter.reconcile(statement_id))
    return drift


@shared_task
def delete_stale_pending_signatures() -> int:
    """Unconfirmed signatures are personal data nobody vouched for: keep them a week at most."""
    cutoff = timezone.now() - PENDING_SIGNATURE_LIFETIME
    stale = Signature.objects.filter(state=Signature.State.PENDING, created_at__lt=cutoff)
    _total, by_model = stale.delete()
    return by_model.get(Signature._meta.label, 0)
