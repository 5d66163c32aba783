from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consult.models.moderation import ModerationDecision
from consult.models.signatures import Signature, SignatureCounter
from consult.models.statements import Statement
from consult.models.updates import Update

# Rows updated per statement: keeps each UPDATE's list of ids short on any database.
CHUNK = 2_000
ELIGIBLE_STATES = [Signature.State.PENDING, Signature.State.CONFIRMED]


def _counted_kinds(rows: list[tuple]) -> Counter:
    """How many of these (pk, state, kind, hold, role_status) rows count, per counter kind
    (awaiting checks included)."""
    kinds = Counter()
    for _pk, state, kind, hold, role_status in rows:
        signature = Signature(state=state, kind=kind, hold=hold, role_status=role_status)
        if signature.counted_as:
            kinds[signature.counted_as] += 1
        if signature.awaits_checks:
            kinds[SignatureCounter.AWAITING] += 1
    return kinds


def _update_in_chunks(ids: list[int], **changes) -> None:
    for start in range(0, len(ids), CHUNK):
        Signature.objects.filter(pk__in=ids[start : start + CHUNK]).update(**changes)


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
            rows = list(
                matching.filter(statement=statement, state__in=ELIGIBLE_STATES)
                .select_for_update()
                .order_by("pk")
                .values_list("pk", "state", "kind", "hold", "role_status")
            )
            cleanup = cls.objects.create(
                moderator=moderator,
                statement=statement,
                criteria=criteria,
                reason=reason,
                affected=len(rows),
                pending_ids=[row[0] for row in rows if row[1] == Signature.State.PENDING],
            )
            _update_in_chunks(
                [row[0] for row in rows],
                state=Signature.State.INVALIDATED,
                invalidation_reason=reason,
                cleanup=cleanup,
            )
            for kind, leaving in _counted_kinds(rows).items():
                SignatureCounter.add(statement.pk, kind, -leaving)
            ModerationDecision.record(moderator, cleanup, "fraud clean-up", reason, affected=len(rows))
            Update.cancel_milestones_out_of_reach(statement, moderator, f"Fraud clean-up: {reason}")
        return cleanup

    def undo(self, moderator, reason: str) -> int:
        """Restore this clean-up's signatures that are still invalidated; returns how many."""
        with transaction.atomic():
            cleanup = FraudCleanup.objects.select_for_update().get(pk=self.pk)
            if cleanup.undone_at:
                raise ValidationError(_("This clean-up has already been undone."))
            rows = list(
                self.signatures.filter(state=Signature.State.INVALIDATED)
                .select_for_update()
                .order_by("pk")
                .values_list("pk", "state", "kind", "hold", "role_status")
            )
            pending = set(cleanup.pending_ids)
            restored = [
                (pk, Signature.State.PENDING if pk in pending else Signature.State.CONFIRMED, *rest)
                for pk, _state, *rest in rows
            ]
            for state in ELIGIBLE_STATES:
                ids = [row[0] for row in restored if row[1] == state]
                _update_in_chunks(ids, state=state, invalidation_reason="")
            for kind, returning in _counted_kinds(restored).items():
                SignatureCounter.add(self.statement_id, kind, returning)
            self.undone_at = timezone.now()
            self.undone_by = moderator
            self.save(update_fields=["undone_at", "undone_by"])
            ModerationDecision.record(moderator, self, "undo fraud clean-up", reason, affected=len(rows))
        return len(rows)
