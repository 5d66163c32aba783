from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consult.models.languages import Bilingual
from consult.models.moderation import ModerationDecision
from consult.models.statements import Statement


class UpdateQuerySet(models.QuerySet):
    def finish_sent(self) -> int:
        """Mark as sent every sending update of these with no email left waiting."""
        sending = self.filter(status=Update.Status.SENDING)
        done = sending.exclude(emails__state="pending")
        return done.update(status=Update.Status.SENT, sent_at=timezone.now())

    def held_milestones(self) -> "UpdateQuerySet":
        return self.filter(kind=Update.Kind.MILESTONE, status=Update.Status.HELD)


class Update(Bilingual, models.Model):
    """A message about a statement, emailed to its confirmed signers who asked for updates.

    Written by a moderator, or created automatically when a milestone is passed, and sent once.
    `status` moves forward only, by conditional updates: a draft (or a milestone held for its
    grace period) goes to sending, then sent; a held milestone may instead be cancelled.
    """

    bilingual_fields = ("subject", "body")

    class Kind(models.TextChoices):
        MANUAL = "manual", _("Written by a moderator")
        MILESTONE = "milestone", _("Milestone reached")
        CORRECTION = "correction", _("Correction of a signed statement")
        RESPONSE = "response", _("Response or event recorded")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        HELD = "held", _("Held for a moderator")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

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
    # A second moderator's approval, needed above UPDATE_APPROVAL_THRESHOLD recipients.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # A milestone is held until then (its grace period), unless a moderator sends or cancels it.
    held_until = models.DateTimeField(_("held until"), null=True, blank=True)
    sending_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    audience_size = models.PositiveIntegerField(_("recipients"), default=0)

    objects = UpdateQuerySet.as_manager()

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

    @property
    def is_editable(self) -> bool:
        """Only an unapproved draft: what a moderator approved, or what went out, stays as it was."""
        return self.status == self.Status.DRAFT and self.approved_at is None

    def progress(self) -> dict[str, int]:
        return self.emails.progress()

    def start_sending(self, audience_size: int) -> bool:
        """Move a draft or a held milestone to sending, once; returns whether this call did."""
        started = Update.objects.filter(pk=self.pk, status__in=[self.Status.DRAFT, self.Status.HELD]).update(
            status=self.Status.SENDING, sending_started_at=timezone.now(), audience_size=audience_size
        )
        if started:
            self.status, self.audience_size = self.Status.SENDING, audience_size
        return bool(started)

    def approve(self, moderator) -> bool:
        approved = Update.objects.filter(pk=self.pk, status=self.Status.DRAFT, approved_at=None).update(
            approved_by=moderator, approved_at=timezone.now()
        )
        if approved:
            self.approved_by = moderator
        return bool(approved)

    def cancel(self) -> bool:
        """Cancel a held milestone, for good: it is never sent, whatever the count does later."""
        cancelled = Update.objects.filter(pk=self.pk, status=self.Status.HELD).update(
            status=self.Status.CANCELLED
        )
        if cancelled:
            self.status = self.Status.CANCELLED
        return bool(cancelled)

    @classmethod
    def cancel_milestones_out_of_reach(cls, statement: Statement, moderator, reason: str) -> int:
        """Cancel the statement's held milestones above its count (after a fraud clean-up)."""
        total = statement.counts().total
        cancelled = 0
        with transaction.atomic():
            held = cls.objects.held_milestones().filter(statement=statement, milestone__gt=total)
            for update in held.select_for_update():
                if update.cancel():
                    ModerationDecision.record(moderator, update, "cancel milestone", reason)
                    cancelled += 1
        return cancelled
