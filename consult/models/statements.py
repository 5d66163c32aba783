from dataclasses import dataclass

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consult.models.arguments import Side
from consult.models.consultations import Consultation
from consult.models.organisations import Organisation


def default_milestones() -> list[int]:
    return [1_000, 10_000, 100_000]


@dataclass(frozen=True)
class Counts:
    """Confirmed, valid signatures of one statement, by the kind they are counted as."""

    individuals: int = 0
    organisations: int = 0
    notable: int = 0

    @property
    def total(self) -> int:
        return self.individuals + self.organisations + self.notable


class StatementQuerySet(models.QuerySet):
    def public(self) -> "StatementQuerySet":
        """Statements anyone may read: open or closed, never proposed or rejected ones."""
        return self.filter(status__in=[Statement.Status.OPEN, Statement.Status.CLOSED])

    def open(self) -> "StatementQuerySet":
        """Statements taking signatures right now."""
        now = timezone.now()
        return self.filter(
            Q(opens_at__isnull=True) | Q(opens_at__lte=now),
            Q(closes_at__isnull=True) | Q(closes_at__gt=now),
            status=Statement.Status.OPEN,
        )

    def awaiting_approval(self) -> "StatementQuerySet":
        return self.filter(status=Statement.Status.PROPOSED)


class Statement(models.Model):
    """A text that people sign: an open letter, a petition or a position."""

    class Kind(models.TextChoices):
        OPEN_LETTER = "open_letter", _("Open letter")
        PETITION = "petition", _("Petition")
        POSITION = "position", _("Position statement")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, awaiting moderation")
        OPEN = "open", _("Open for signatures")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="statements")
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), help_text=_("Plain text; blank lines separate paragraphs."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.OPEN_LETTER)
    stance = models.CharField(_("stance"), max_length=10, choices=Side, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposed_statements",
        help_text=_("The organisation that proposed it, shown as its author and first signatory."),
    )
    milestones = models.JSONField(_("milestones"), default=default_milestones)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    decision_reason = models.TextField(_("moderator's reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        indexes = [models.Index(fields=["status", "closes_at"], name="statement_open")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("statement_detail", args=[self.slug])

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return (
            self.status == self.Status.OPEN
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or self.closes_at > now)
        )

    def counts(self) -> Counts:
        from consult.models.signatures import SignatureCounter

        return SignatureCounter.counts_for(self.pk)

    def next_milestone(self, total: int) -> int | None:
        return next((milestone for milestone in sorted(self.milestones) if milestone > total), None)

    def has_signatures(self) -> bool:
        return self.signatures.filter(state="confirmed").exists()

    def correct_text(self, new_text: str, reason: str, corrected_by) -> "StatementCorrection":
        """Change the text of a signed statement, keeping the old text on the public record."""
        with transaction.atomic():
            correction = self.corrections.create(
                old_text=self.text, new_text=new_text, reason=reason, corrected_by=corrected_by
            )
            self.text = new_text
            self.save(update_fields=["text", "updated_at"])
        return correction


class StatementCorrection(models.Model):
    """A recorded, public change to the text of a statement that people had already signed."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="corrections")
    old_text = models.TextField(_("text before"))
    new_text = models.TextField(_("text after"))
    reason = models.TextField(_("reason"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    corrected_at = models.DateTimeField(_("corrected on"), auto_now_add=True)

    class Meta:
        ordering = ["corrected_at"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.statement} corrected on {self.corrected_at:%d %B %Y}"
