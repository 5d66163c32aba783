"""The retention schedule, carried out by Celery beat and stated on the privacy page.

Counts, kinds and postcode areas outlive the people behind them: once a statement has been
closed for ANONYMISE_AFTER_CLOSE_DAYS, its signers' names, emails and full postcodes are erased
and each row keeps only what the published figures need.
"""

from dataclasses import dataclass
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from consult.models import Feedback, OutboundEmail, Signature, Statement
from consult.tasks import PENDING_SIGNATURE_LIFETIME

CHUNK = 2_000


def postcode_area(postcode: str) -> str:
    """'SW1A 1AA' -> 'SW1A': the outward code, which names a district, not a street."""
    return postcode.split(" ")[0]


@shared_task
def forget_ip_hashes() -> int:
    cutoff = timezone.now() - timedelta(days=settings.IP_HASH_RETENTION_DAYS)
    # Repeat emails keep the hash of the address that asked for them, for the mail caps.
    OutboundEmail.objects.filter(created_at__lt=cutoff).exclude(ip_hash="").update(ip_hash="")
    return Signature.objects.filter(created_at__lt=cutoff).exclude(ip_hash="").update(ip_hash="")


def statements_due_for_anonymising():
    cutoff = timezone.now() - timedelta(days=settings.ANONYMISE_AFTER_CLOSE_DAYS)
    return Statement.objects.filter(
        Q(status=Statement.Status.CLOSED, updated_at__lt=cutoff) | Q(closes_at__lt=cutoff)
    )


def anonymise(signatures) -> int:
    """Erase the personal data of these signatures (and of the emails to and about them),
    keeping state, kind and postcode area."""
    anonymised = 0
    remaining = signatures.exclude(email="").order_by("pk")
    while chunk := list(remaining[:CHUNK]):
        for signature in chunk:
            # An organisation's name is public; a person's is not.
            signature.name = signature.name if signature.kind == Signature.Kind.ORGANISATION else ""
            signature.email = ""
            # Still unique per statement, so the one-live-signature constraint holds.
            signature.email_normalised = f"anonymised:{signature.pk}"
            signature.postcode = postcode_area(signature.postcode)
            signature.public_role = ""
            signature.ip_hash = ""
        with transaction.atomic():
            Signature.objects.bulk_update(
                chunk, ["name", "email", "email_normalised", "postcode", "public_role", "ip_hash"]
            )
            # Emails not sent yet would go nowhere; those sent keep no address or text.
            OutboundEmail.objects.of_signatures([signature.pk for signature in chunk]).forget()
        anonymised += len(chunk)
    return anonymised


@shared_task
def anonymise_closed_statements() -> int:
    total = 0
    for statement in statements_due_for_anonymising():
        total += anonymise(statement.signatures.all())
    return total


@shared_task
def forget_old_feedback() -> int:
    cutoff = timezone.now() - timedelta(days=settings.FEEDBACK_RETENTION_DAYS)
    _total, by_model = Feedback.objects.filter(created_at__lt=cutoff).delete()
    return by_model.get(Feedback._meta.label, 0)


@dataclass(frozen=True)
class Retention:
    """One row of the schedule the privacy notice prints: what, how many days, counted from when."""

    data: Promise
    days: int
    after: Promise


def schedule() -> list[Retention]:
    """The schedule as the tasks above (and consult.tasks) carry it out, read from the same settings."""
    return [
        Retention(_("Unconfirmed signatures"), PENDING_SIGNATURE_LIFETIME.days, _("after signing")),
        Retention(
            _("The keyed hash of a signer's internet address"),
            settings.IP_HASH_RETENTION_DAYS,
            _("after signing"),
        ),
        Retention(
            _("Signers' names, email addresses and full postcodes"),
            settings.ANONYMISE_AFTER_CLOSE_DAYS,
            _("after the statement closes"),
        ),
        Retention(
            _("Feedback, and the email address given with it"),
            settings.FEEDBACK_RETENTION_DAYS,
            _("after it is sent"),
        ),
    ]
