"""Signature history kept small for the pictures and open data: counts per hour and per postcode area.

A periodic task (consult.history.record_hours) fills the hours from the signatures; the areas are
counters moved with every signature's change of state (see SignatureArea). Either way a statement
page never scans a million signatures to draw its pictures.
"""

import random

from django.db import models
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from consult.models.statements import Statement


class SignatureHour(models.Model):
    """How many counted signatures of a statement were confirmed in one complete hour (UTC)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="signature_hours")
    hour = models.DateTimeField(_("hour"))
    count = models.PositiveIntegerField(_("signatures confirmed"), default=0)

    class Meta:
        ordering = ["statement", "hour"]
        verbose_name = _("signature hour")
        verbose_name_plural = _("signature hours")
        constraints = [
            models.UniqueConstraint(fields=["statement", "hour"], name="one_signature_hour_per_statement"),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.count} at {self.hour:%Y-%m-%d %H:00}"


class SignatureArea(models.Model):
    """Sharded counters of a statement's counted signatures that gave a postcode in one area ("CF", "B").

    Moved like the SignatureCounter, in the same transaction as the signature's change of state
    (`Signature._change`, `Signature.objects.change_all`), so "By nation" is exact the moment a
    confirmation commits. Signers cluster by area (a Welsh statement's signers in CF), so each
    area has a few shards chosen at random; a shard may go below zero, never their sum.
    `SignatureCounter.reconcile()` corrects any drift.
    """

    SHARDS = 4

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="signature_areas")
    area = models.CharField(_("postcode area"), max_length=2)
    shard = models.PositiveSmallIntegerField(default=0)
    count = models.BigIntegerField(_("signatures"), default=0)

    class Meta:
        ordering = ["statement", "area", "shard"]
        verbose_name = _("signatures by postcode area")
        verbose_name_plural = _("signatures by postcode area")
        constraints = [
            # One row per shard per area per statement, so adding never creates duplicates.
            models.UniqueConstraint(fields=["statement", "area", "shard"], name="one_signature_area_shard"),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.count} in {self.area} ({self.shard})"

    @classmethod
    def add(cls, statement_id: int, area: str, delta: int) -> None:
        rows = cls.objects.filter(statement_id=statement_id, area=area, shard=random.randrange(cls.SHARDS))
        if not rows.update(count=F("count") + delta):
            shards = [SignatureArea(statement_id=statement_id, area=area, shard=n) for n in range(cls.SHARDS)]
            SignatureArea.objects.bulk_create(shards, ignore_conflicts=True)
            rows.update(count=F("count") + delta)

    @classmethod
    def counts_for(cls, statement_id: int, shown: bool = True) -> dict[str, int]:
        """{area: counted signatures}, largest first (one query). Areas with none are left out,
        and so, unless `shown` is False, is an area whose shards drifted below zero."""
        rows = (
            cls.objects.filter(statement_id=statement_id)
            .values("area")
            .annotate(total=Sum("count"))
            .exclude(total=0)
            .order_by("-total", "area")
            .values_list("area", "total")
        )
        return {area: total for area, total in rows if total > 0 or not shown}
