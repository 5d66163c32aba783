"""Signature history kept small for the pictures and open data: counts per hour and per postcode area.

A periodic task (consult.history.record_hours) fills these from the signatures, so a statement
page never scans a million signatures to draw its chart.
"""

from django.db import models
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
    """How many counted signatures of a statement gave a postcode in one postcode area ("CF", "B")."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="signature_areas")
    area = models.CharField(_("postcode area"), max_length=2)
    count = models.PositiveIntegerField(_("signatures"), default=0)

    class Meta:
        ordering = ["statement", "area"]
        verbose_name = _("signatures by postcode area")
        verbose_name_plural = _("signatures by postcode area")
        constraints = [
            models.UniqueConstraint(fields=["statement", "area"], name="one_signature_area_per_statement"),
        ]

    def __str__(self) -> str:
        return f"{self.statement}: {self.count} in {self.area}"
