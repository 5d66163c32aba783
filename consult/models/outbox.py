"""The outbox: emails to signers, written in the same transaction as the change that needs them.

A queued Celery task sends each row soon after the commit; if the broker was down and the task
never ran, the periodic sweep sends it later. So a saved signature never loses its email.
"""

import logging

from django.db import models, transaction
from django.db.models import F
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

    kind = models.CharField(max_length=20, choices=Kind)
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="outbound_emails")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
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
        """Send one outbox row unless it is sent already or another worker holds it.

        The row stays locked while the email goes out, so the task and the sweep never both
        send it. Returns whether an email was sent; a failure is recorded and re-raised.
        """
        from consult import emails

        with transaction.atomic():
            outbound = (
                # Only the outbox row: locking the joined signature and statement too would make
                # every delivery skip while anyone signs the same statement (a sign holds a key
                # share lock on it), so on a busy statement most emails waited for the sweep.
                cls.objects.select_for_update(skip_locked=True, of=("self",))
                .unsent()
                .filter(refused=False)
                .select_related("signature__statement")
                .filter(pk=pk)
                .first()
            )
            if outbound is None:
                return False
            try:
                emails.send_for_outbound(outbound)
            except Exception as error:  # Recorded below, outside the lock, then raised for a retry.
                failure = error
            else:
                now = timezone.now()
                cls.objects.filter(pk=pk).update(sent_at=now, last_attempt_at=now, attempts=F("attempts") + 1)
                return True
        cls.objects.filter(pk=pk).update(
            attempts=F("attempts") + 1,
            last_attempt_at=timezone.now(),
            last_error=repr(failure)[:1000],
            refused=emails.is_permanent(failure),
        )
        raise failure
