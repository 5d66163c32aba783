"""Celery tasks for signing. Thin: they take ids, re-read the rows, and are safe to run twice.

Emails have their own (consult/emails.py); these keep the counts and the signatures tidy."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from consult.models import Signature, SignatureCounter, Statement

PENDING_SIGNATURE_LIFETIME = timedelta(days=7)


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
