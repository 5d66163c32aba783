"""The outbox: emails to signers, written in the same transaction as the change that needs them.

A queued Celery task sends each row soon after the commit; if the broker was down and the task
never ran, the periodic sweep sends it later. So a saved signature never loses its email.
"""

import logging
from datetime import timedelta

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consult.models.signatures import Signature

logger = logging.getLogger(__name__)


class OutboundEmailQuerySet(models.QuerySet):
    def unsent(self) -> "OutboundEmailQuerySet":
        return self.filter(sent_at__isnull=True)

    def repeats(self) -> "OutboundEmailQuerySet":
        """Emails answering a repeat attempt to sign, which are capped per signature."""
        return self.filter(kind__in=[OutboundEmail.Kind.CONFIRM_AGAIN, OutboundEmail.Kind.ALREADY_SIGNED])


class OutboundEmail(models.Model):
    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirm your signature")
        CONFIRM_AGAIN = "confirm_again", _("Confirm your signature (sent again)")
        ALREADY_SIGNED = "already_signed", _("You have already signed")

    # A person who tries to sign again gets at most this many repeat emails per signature.
    MAX_REPEATS = 3
    # How long a worker may take to send a row it claimed before another may send it.
    CLAIM_FOR = timedelta(minutes=5)

    kind = models.CharField(max_length=20, choices=Kind)
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="outbound_emails")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    # The receiving server refused the address for good (a 5xx reply): never tried again.
    refused = models.BooleanField(default=False)

    objects = OutboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [
            # The sweep looks for unsent rows, oldest first.
            models.Index(
                fields=["created_at"], condition=models.Q(sent_at__isnull=True), name="outbox_unsent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to signature {self.signature_id}"

    @classmethod
    def deliver(cls, pk: int) -> bool:
        """Send one outbox row unless it is sent already or another worker is sending it.

        The row is claimed for CLAIM_FOR, and the email's tokens stored, in one transaction that
        commits before the email goes out: a link followed the moment the email arrives works, and
        the task and the sweep never both send it. A worker that dies holding a claim delays the
        email until the claim lapses, when the sweep sends it (at most one duplicate, if it died
        after sending). Returns whether an email was sent; a failure is recorded and re-raised.
        """
        from consult import emails

        now = timezone.now()
        with transaction.atomic():
            outbound = (
                # Only the outbox row: locking the joined signature and statement too would make
                # every delivery skip while anyone signs the same statement (a sign holds a key
                # share lock on it), so on a busy statement most emails waited for the sweep.
                cls.objects.select_for_update(skip_locked=True, of=("self",))
                .unsent()
                .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now), refused=False)
                .select_related("signature__statement")
                .filter(pk=pk)
                .first()
            )
            if outbound is None:
                return False
            message = emails.for_outbound(outbound)
            cls.objects.filter(pk=pk).update(claimed_until=now + cls.CLAIM_FOR)
        try:
            if message is not None:
                message.send()
        except Exception as error:
            cls.objects.filter(pk=pk).update(
                attempts=F("attempts") + 1,
                last_attempt_at=timezone.now(),
                last_error=repr(error)[:1000],
                refused=emails.is_permanent(error),
                claimed_until=None,
            )
            raise
        sent_at = timezone.now()
        cls.objects.filter(pk=pk).update(
            sent_at=sent_at, last_attempt_at=sent_at, attempts=F("attempts") + 1, claimed_until=None
        )
        return True
