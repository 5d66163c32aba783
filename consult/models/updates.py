from django.conf import settings
from django.db import models
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from consult.models.languages import Bilingual
from consult.models.signatures import Signature
from consult.models.statements import Statement


class Update(Bilingual, models.Model):
    """A message about a statement, emailed to its confirmed signers who asked for updates.

    Written by a moderator (or created automatically when a milestone is passed) and sent once:
    `status` moves from draft to sending to sent by conditional updates, never backwards.
    """

    bilingual_fields = ("subject", "body")

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Written by a moderator")
        MILESTONE = "milestone", _("Milestone reached")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="updates")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.MANUAL)
    milestone = models.PositiveIntegerField(_("milestone"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=150)
    body = models.TextField(
        _("message"),
        max_length=20_000,
        help_text=_("Markdown: **bold**, _italic_, [links](https://…), lists."),
    )
    subject_cy = models.CharField(_("subject (Welsh)"), max_length=150, blank=True)
    body_cy = models.TextField(
        _("message (Welsh)"),
        max_length=20_000,
        blank=True,
        help_text=_("Sent to signers who signed in Welsh; left blank, they get the English."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    audience_size = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        constraints = [
            # One automatic email per milestone per statement, however many confirmations race.
            models.UniqueConstraint(
                fields=["statement", "milestone"],
                condition=Q(kind="milestone"),
                name="one_update_per_milestone",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def progress(self) -> dict[str, int]:
        totals = self.deliveries.aggregate(
            sent=Count("pk", filter=Q(status=UpdateDelivery.Status.SENT)),
            failed=Count("pk", filter=Q(status=UpdateDelivery.Status.FAILED)),
            skipped=Count("pk", filter=Q(status=UpdateDelivery.Status.SKIPPED)),
            total=Count("pk"),
        )
        done = totals["sent"] + totals["failed"] + totals["skipped"]
        return {**totals, "pending": totals["total"] - done}


class UpdateDelivery(models.Model):
    """One update to one signer. Its uniqueness is what makes every recipient get it exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Skipped: the signer withdrew or unsubscribed meanwhile")
        FAILED = "failed", _("Failed permanently")

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="deliveries")
    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="update_deliveries")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("update delivery")
        verbose_name_plural = _("update deliveries")
        constraints = [
            # One delivery per update per signer: a retried or repeated task cannot email twice.
            models.UniqueConstraint(fields=["update", "signature"], name="one_delivery_per_signer"),
        ]
        indexes = [
            # Batches walk an update's pending deliveries in id order.
            models.Index(fields=["update", "status", "id"], name="delivery_batches"),
        ]

    def __str__(self) -> str:
        return f"{self.update_id} to {self.signature_id}: {self.status}"
