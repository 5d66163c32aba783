from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consult.models.arguments import Side
from consult.models.consultations import Consultation
from consult.models.languages import Bilingual
from consult.models.moderation import ModerationDecision
from consult.models.organisations import Organisation
from consult.slugs import unique_slug

SLUG_LENGTH = 100


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
        """Statements anyone may read: open, closed or withdrawn, never proposed or rejected ones.

        A withdrawn statement stays readable, with its signatures and a notice saying why.
        """
        return self.filter(
            status__in=[Statement.Status.OPEN, Statement.Status.CLOSED, Statement.Status.WITHDRAWN]
        )

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

    bilingual_fields = ("title", "text", "recipient")

    class Kind(models.TextChoices):
        OPEN_LETTER = "open_letter", _("Open letter")
        PETITION = "petition", _("Petition")
        POSITION = "position", _("Position statement")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed, awaiting moderation")
        OPEN = "open", _("Open for signatures")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="statements")
    slug = models.SlugField(_("slug"), max_length=SLUG_LENGTH, unique=True)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"), help_text=_("Plain text; blank lines separate paragraphs."))
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    text_cy = models.TextField(_("text (Welsh)"), blank=True)
    recipient = models.CharField(
        _("addressed to"),
        max_length=200,
        blank=True,
        help_text=_("Who it asks to act, as readers see it: “the Home Secretary”, “Cardiff Council”."),
    )
    recipient_cy = models.CharField(_("addressed to (Welsh)"), max_length=200, blank=True)
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
    # The language the member proposed it in: the decision on it is emailed to them in it.
    proposer_language = models.CharField(
        _("proposer's language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    milestones = models.JSONField(_("milestones"), default=default_milestones)
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)
    decision_reason = models.TextField(_("moderator's reason"), blank=True)
    # When it was last corrected: the counts documents read corrections only of statements that have some.
    corrected_at = models.DateTimeField(_("last corrected"), null=True, blank=True, editable=False)
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
        return self.counters.model.counts_for(self.pk)

    def next_milestone(self, total: int) -> int | None:
        return next((milestone for milestone in sorted(self.milestones) if milestone > total), None)

    def has_signatures(self) -> bool:
        return self.signatures.filter(state="confirmed").exists()

    def published_corrections(self) -> list[dict]:
        """The corrections as the API and the open data publish them (no query if there are none)."""
        if self.corrected_at is None:
            return []
        return [correction.document() for correction in self.corrections.all()]

    def withdrawal(self, corrections=None) -> "StatementCorrection | None":
        """The correction that withdrew this statement (its date and reason), if it is withdrawn."""
        if self.status != self.Status.WITHDRAWN:
            return None
        corrections = self.corrections.all() if corrections is None else corrections
        withdrawals = [
            correction
            for correction in corrections
            if correction.field == "status" and correction.new_text == self.Status.WITHDRAWN
        ]
        return withdrawals[-1] if withdrawals else None

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
        Signature = self.signatures.model  # Its module imports this one: reached by the relation.
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

    def correct(self, field: str, new_value, reason: str, corrected_by) -> "StatementCorrection | None":
        """Change what signers saw, keeping the old value on the public record; None if unchanged.

        A Welsh title or text added where there was none is a translation, not a correction: it
        is set and nothing is recorded. A slug given up is kept so its old links keep working.
        Call it inside the transaction that records the decision (consult/statement_decisions.py).
        """
        old_value = getattr(self, field)
        if old_value == new_value:
            return None
        setattr(self, field, new_value)
        if field in TRANSLATED_FIELDS and not old_value:
            self.save(update_fields=[field, "updated_at"])
            return None
        self.corrected_at = timezone.now()
        self.save(update_fields=[field, "corrected_at", "updated_at"])
        if field == "slug":
            StatementSlug.keep(old_value, self)
        return self.corrections.create(
            field=field,
            language="cy" if field in TRANSLATED_FIELDS else "en",
            old_text=as_text(old_value),
            new_text=as_text(new_value),
            reason=reason,
            corrected_by=corrected_by,
        )


# What signers saw and signed (StatementCorrection.Field lists them with their labels).
PROTECTED_FIELDS = (
    "title",
    "text",
    "title_cy",
    "text_cy",
    "recipient",
    "recipient_cy",
    "slug",
    "closes_at",
    "status",
)
TRANSLATED_FIELDS = ("title_cy", "text_cy", "recipient_cy")


def as_text(value) -> str:
    """A corrected field's value as the record keeps it: dates in ISO 8601, nothing as ""."""
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class StatementCorrection(models.Model):
    """A recorded, public change to what people signed: the field, its old and new value, and why."""

    class Field(models.TextChoices):
        TITLE = "title", _("title")
        TEXT = "text", _("text")
        TITLE_CY = "title_cy", _("Welsh title")
        TEXT_CY = "text_cy", _("Welsh text")
        RECIPIENT = "recipient", _("who it is addressed to")
        RECIPIENT_CY = "recipient_cy", _("who it is addressed to (Welsh)")
        SLUG = "slug", _("web address")
        CLOSES_AT = "closes_at", _("closing date")
        STATUS = "status", _("status")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="corrections")
    field = models.CharField(_("what changed"), max_length=20, choices=Field, default=Field.TEXT)
    # Which version changed: people signed the English or the Welsh one.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    old_text = models.TextField(_("before"))
    new_text = models.TextField(_("after"))
    reason = models.TextField(_("reason"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    corrected_at = models.DateTimeField(_("corrected on"), auto_now_add=True)
    # The notice that told the signers who asked for updates (one for all fields changed at once).
    notice = models.ForeignKey(
        "consult.Update", on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )

    class Meta:
        ordering = ["corrected_at", "pk"]
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self) -> str:
        return f"{self.statement} corrected on {self.corrected_at:%d %B %Y}"

    @property
    def shown_before(self) -> str:
        return self.shown(self.old_text)

    @property
    def shown_after(self) -> str:
        return self.shown(self.new_text)

    def shown(self, value: str) -> str:
        """A value as people read it: a status by its name, a date as a date."""
        if self.field == self.Field.STATUS and value in Statement.Status.values:
            return str(Statement.Status(value).label)
        if self.field == self.Field.CLOSES_AT and value:
            return formats.date_format(timezone.localtime(datetime.fromisoformat(value)), "j F Y, H:i")
        return value

    def document(self) -> dict:
        """The correction as the API and the open data publish it."""
        return {
            "corrected_at": self.corrected_at.isoformat(),
            "field": self.field,
            "before": self.old_text,
            "after": self.new_text,
            "reason": self.reason,
        }


class StatementSlug(models.Model):
    """A web address a statement had before: its pages, API document and embeds redirect from it."""

    # One owner per former address: the statement that gave it up last.
    slug = models.SlugField(_("former slug"), max_length=SLUG_LENGTH, unique=True)
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="former_slugs")
    created_at = models.DateTimeField(_("given up"), auto_now_add=True)

    class Meta:
        verbose_name = _("former slug")
        verbose_name_plural = _("former slugs")

    def __str__(self) -> str:
        return self.slug

    @classmethod
    def keep(cls, slug: str, statement: Statement) -> None:
        cls.objects.update_or_create(slug=slug, defaults={"statement": statement})

    @classmethod
    def current(cls, slug: str) -> str | None:
        """The slug now in use by the statement that had `slug`; None if a statement has it now."""
        if len(slug) > SLUG_LENGTH or Statement.objects.filter(slug=slug).exists():
            return None
        former = cls.objects.filter(slug=slug).values_list("statement__slug", flat=True)
        return former.first()
