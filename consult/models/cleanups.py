from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consult.models.moderation import ModerationDecision
from consult.models.signatures import Signature
from consult.models.statements import Statement
from consult.models.updates import Update

ELIGIBLE_STATES = {Signature.State.PENDING, Signature.State.CONFIRMED}


class FraudCleanup(models.Model):
    """One bulk invalidation of signatures found by a moderator's criteria, which can be undone once.

    Signatures invalidated by it point back to it; `pending_ids` remembers which of them were
    still pending (the rest were confirmed), so undoing restores each to its previous state.
    """

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="fraud_cleanups"
    )
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="fraud_cleanups")
    criteria = models.JSONField(_("criteria"), default=dict)
    reason = models.TextField(_("reason"))
    affected = models.PositiveIntegerField(_("signatures invalidated"), default=0)
    pending_ids = models.JSONField(default=list)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fraud_cleanups_undone",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("fraud clean-up")
        verbose_name_plural = _("fraud clean-ups")

    def __str__(self) -> str:
        return f"Clean-up of {self.affected} signatures on {self.statement}"

    @classmethod
    def perform(
        cls, moderator, statement: Statement, matching, criteria: dict, reason: str
    ) -> "FraudCleanup":
        """Invalidate the live signatures of `matching` (a Signature queryset) as one recorded action.

        The rows are locked first, so a signature confirmed or withdrawn meanwhile is either
        seen in its new state or waits: the counters lose exactly what stops counting.
        """
        with transaction.atomic():
            cleanup = cls.objects.create(
                moderator=moderator, statement=statement, criteria=criteria, reason=reason
            )
            previous = matching.filter(statement=statement).change_all(
                ELIGIBLE_STATES,
                state=Signature.State.INVALIDATED,
                invalidation_reason=reason,
                cleanup=cleanup,
            )
            cleanup.affected = len(previous)
            cleanup.pending_ids = [pk for pk, state in previous.items() if state == Signature.State.PENDING]
            cleanup.save(update_fields=["affected", "pending_ids"])
            ModerationDecision.record(moderator, cleanup, "fraud clean-up", reason, affected=len(previous))
            Update.cancel_milestones_out_of_reach(statement, moderator, f"Fraud clean-up: {reason}")
        return cleanup

    def undo(self, moderator, reason: str) -> int:
        """Restore this clean-up's signatures that are still invalidated; returns how many."""
        with transaction.atomic():
            cleanup = FraudCleanup.objects.select_for_update().get(pk=self.pk)
            if cleanup.undone_at:
                raise ValidationError(_("This clean-up has already been undone."))
            invalidated = self.signatures.all()
            pending = cleanup.pending_ids
            restored = invalidated.filter(pk__in=pending).change_all(
                {Signature.State.INVALIDATED}, state=Signature.State.PENDING, invalidation_reason=""
            )
            restored |= invalidated.exclude(pk__in=pending).change_all(
                {Signature.State.INVALIDATED}, state=Signature.State.CONFIRMED, invalidation_reason=""
            )
            self.undone_at = timezone.now()
            self.undone_by = moderator
            self.save(update_fields=["undone_at", "undone_by"])
            ModerationDecision.record(moderator, self, "undo fraud clean-up", reason, affected=len(restored))
        return len(restored)
