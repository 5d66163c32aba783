from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consult.models.arguments import Side
from consult.models.consultations import Consultation
from consult.models.languages import Bilingual
from consult.models.moderation import ModerationDecision
from consult.models.organisations import Organisation
from consult.slugs import unique_slug


def default_milestones() -> list[int]:
    return [1_000, 10_000, 100_000]


@dataclass(frozen=True)
class Counts:
    """Confirmed, valid signatures of one statement, by the kind they are counted as."""

    individuals: int = 0
    organisations: int = 0
    notable: int = 0
    # Confirmed but held until checks pass: shown beside the count, never part of it (nor of
    # what makes two counts equal).
    awaiting_checks: int = field(default=0, compare=False)

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


class Statement(Bilingual, models.Model):
    """A text that people sign: an open letter, a petition or a position."""

    bilingual_fields = ("title", "text")

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
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    text_cy = models.TextField(_("text (Welsh)"), blank=True)
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
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The member who proposed it; the organisation's first signature uses their email."),
    )
    milestones = models.JSONField(_("milestones"), default=default_milestones)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    decision_reason = models.TextField(_("moderator's reason"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = StatementQuerySet.as_manager()
    # Editorial edits keep their versions (shown under "History" in the admin).
    history = HistoricalRecords()

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

    @classmethod
    def propose(cls, *, organisation: Organisation, proposer, **fields) -> "Statement":
        """A statement proposed by a member of an organisation, awaiting a moderator's approval."""
        for _attempt in range(3):
            slug = unique_slug(cls, fields["title"], fallback="statement")
            try:
                with transaction.atomic():
                    return cls.objects.create(
                        slug=slug,
                        status=cls.Status.PROPOSED,
                        proposed_by=organisation,
                        proposer=proposer,
                        **fields,
                    )
            except IntegrityError:  # Another proposal took the same slug a moment before.
                continue
        raise IntegrityError("No free slug for this statement after 3 attempts.")

    def approve(self, moderator, reason: str) -> None:
        """Open a proposed statement for signing, its organisation signing first.

        The organisation's signature is made for the member who proposed it (or, if they have
        gone, its longest-standing member) and confirmed through `confirm()`, so it is counted.
        """
        from consult.models.signatures import Signature  # It imports this module.

        if self.status != self.Status.PROPOSED:
            raise ValidationError(_("Only a proposed statement can be approved."))
        organisation = self.proposed_by
        if organisation is not None and not organisation.is_verified:
            raise ValidationError(_("Its organisation is not verified."))
        signer = self._first_signatory_member()
        if organisation is not None and signer is None:
            raise ValidationError(_("Its organisation has no member to sign for it."))
        try:
            with transaction.atomic():
                self.status = self.Status.OPEN
                self.decision_reason = reason
                self.save(update_fields=["status", "decision_reason", "updated_at"])
                if organisation is not None:
                    signature = Signature.objects.create(
                        statement=self,
                        kind=Signature.Kind.ORGANISATION,
                        organisation=organisation,
                        name=organisation.name[: Signature._meta.get_field("name").max_length],
                        email=signer.email,
                        email_normalised=organisation.signature_key,
                        user=signer,
                    )
                    signature.confirm()
                ModerationDecision.record(moderator, self, "approve statement", reason)
        except IntegrityError as error:  # The organisation already has a live signature on it.
            self.refresh_from_db(fields=["status", "decision_reason"])
            raise ValidationError(_("Its organisation has already signed it.")) from error

    def reject(self, moderator, reason: str) -> None:
        if self.status != self.Status.PROPOSED:
            raise ValidationError(_("Only a proposed statement can be rejected."))
        with transaction.atomic():
            self.status = self.Status.REJECTED
            self.decision_reason = reason
            self.save(update_fields=["status", "decision_reason", "updated_at"])
            ModerationDecision.record(moderator, self, "reject statement", reason)

    def _first_signatory_member(self):
        if self.proposed_by is None:
            return None
        memberships = self.proposed_by.memberships.select_related("user").order_by("created_at", "pk")
        proposer = memberships.filter(user_id=self.proposer_id).first() if self.proposer_id else None
        first = proposer or memberships.first()
        return first.user if first else None

    def correct_text(
        self, new_text: str, reason: str, corrected_by, language: str = "en"
    ) -> "StatementCorrection":
        """Change the text (English, or Welsh with `language="cy"`) of a signed statement,
        keeping the old text on the public record."""
        field = "text" if language == "en" else f"text_{language}"
        with transaction.atomic():
            correction = self.corrections.create(
                language=language,
                old_text=getattr(self, field),
                new_text=new_text,
                reason=reason,
                corrected_by=corrected_by,
            )
            setattr(self, field, new_text)
            self.save(update_fields=[field, "updated_at"])
        return correction


class StatementCorrection(models.Model):
    """A recorded, public change to the text of a statement that people had already signed."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="corrections")
    # Which version of the text changed: people signed the English or the Welsh one.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
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
