from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consult.models.consultations import Consultation
from consult.models.languages import Bilingual
from consult.models.organisations import Organisation


class Side(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")


class Stance(models.TextChoices):
    FOR = "for", _("For")
    AGAINST = "against", _("Against")
    UNDECIDED = "undecided", _("Undecided")


class ArgumentQuerySet(models.QuerySet):
    def published(self) -> "ArgumentQuerySet":
        return self.filter(status=Argument.Status.PUBLISHED)

    def pending(self) -> "ArgumentQuerySet":
        return self.filter(status=Argument.Status.PENDING)

    def with_endorsements(self) -> "ArgumentQuerySet":
        """Annotate endorsement counts: all of them, and those from the other side or undecided.

        "Other side" is judged by the endorser's recorded position on the same consultation.
        """
        position = "endorsements__user__positions__"
        other_side = Q(**{position + "consultation": models.F("consultation")}) & (
            Q(**{position + "stance": Stance.UNDECIDED})
            | Q(side=Side.FOR, **{position + "stance": Stance.AGAINST})
            | Q(side=Side.AGAINST, **{position + "stance": Stance.FOR})
        )
        return self.annotate(
            endorsement_count=Count("endorsements", distinct=True),
            persuaded_count=Count("endorsements", filter=other_side, distinct=True),
        )


class Argument(Bilingual, models.Model):
    """A claim on one side of a consultation, with an explanation and at least one source."""

    bilingual_fields = ("claim", "explanation")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="arguments")
    side = models.CharField(_("side"), max_length=10, choices=Side)
    claim = models.CharField(_("claim"), max_length=140)
    explanation = models.TextField(_("explanation"), max_length=2000)
    claim_cy = models.CharField(_("claim (Welsh)"), max_length=140, blank=True)
    explanation_cy = models.TextField(_("explanation (Welsh)"), max_length=2000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="arguments"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="arguments",
        help_text=_("Set when a member submits the argument in the organisation's name."),
    )
    answers = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answered_by",
        help_text=_("A published argument on the other side that this one answers."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    # The language the author wrote in, for the email telling them the moderators' decision.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default="en")
    decision_reason = models.TextField(_("moderator's reason"), blank=True)
    created_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ArgumentQuerySet.as_manager()
    # Editorial edits keep their versions (shown under "History" in the admin).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "-created_at"]
        verbose_name = _("argument")
        verbose_name_plural = _("arguments")
        indexes = [
            # The consultation page lists published arguments of one consultation by side.
            models.Index(fields=["consultation", "status", "side"], name="argument_listing"),
            # The moderation queue: pending arguments, oldest first.
            models.Index(fields=["status", "created_at"], name="argument_queue"),
        ]

    def __str__(self) -> str:
        return self.claim

    def get_absolute_url(self) -> str:
        return reverse("argument_detail", args=[self.consultation.slug, self.pk])

    def clean(self) -> None:
        # The same rule as the database triggers (migration 0007), as errors a form can show.
        if self.answers_id is not None and self.answers.side == self.side:
            raise ValidationError({"answers": _("An argument can only answer one on the other side.")})
        if self.answers_id is not None and self.answers.consultation_id != self.consultation_id:
            raise ValidationError({"answers": _("An argument can only answer one in the same consultation.")})
        if self.pk and self.answered_by.filter(side=self.side).exists():
            raise ValidationError({"side": _("Arguments answering this one are on that side already.")})

    @property
    def made_by(self) -> str:
        """Who made it, as shown publicly: a verified organisation or the author's display name."""
        if self.organisation_id and self.organisation.is_verified:
            return self.organisation.name
        return self.author.public_name if self.author_id else _("A participant")

    def can_be_endorsed_by(self, user) -> bool:
        """Endorsements tell readers what others found strong; an author's own adds nothing."""
        return self.author_id != user.pk

    def endorse(self, user) -> bool:
        """Record that `user` finds this argument strong; idempotent. Returns whether it is new."""
        # get_or_create survives a double click: the unique constraint stops the second insert.
        return self.endorsements.get_or_create(user=user)[1]

    def withdraw_endorsement(self, user) -> bool:
        deleted, _by_model = self.endorsements.filter(user=user).delete()
        return bool(deleted)

    def publish(self) -> None:
        self.status = self.Status.PUBLISHED
        self.published_at = timezone.now()
        self.save(update_fields=["status", "published_at"])

    def reject(self, reason: str) -> None:
        self.status = self.Status.REJECTED
        self.decision_reason = reason
        self.save(update_fields=["status", "decision_reason"])


class ArgumentSource(Bilingual, models.Model):
    # The author names a source in the argument's language; editors add the Welsh with the claim's.
    bilingual_fields = ("title",)

    argument = models.ForeignKey(Argument, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=200)
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    url = models.URLField(_("address"), max_length=500)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title

    @property
    def domain(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(self.url).hostname or ""


class Endorsement(models.Model):
    """A person saying "this is a strong argument"."""

    argument = models.ForeignKey(Argument, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("endorsement")
        verbose_name_plural = _("endorsements")
        constraints = [
            # One endorsement per person per argument.
            models.UniqueConstraint(fields=["argument", "user"], name="one_endorsement_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user} endorses {self.argument}"


class Position(models.Model):
    """Where a person stands on a consultation; changeable."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="positions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="positions")
    stance = models.CharField(_("stance"), max_length=10, choices=Stance)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            # One current position per person per consultation.
            models.UniqueConstraint(fields=["consultation", "user"], name="one_position_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.stance}"

    @classmethod
    def record(cls, consultation: Consultation, user, stance: str) -> "Position":
        position, _created = cls.objects.update_or_create(
            consultation=consultation, user=user, defaults={"stance": stance}
        )
        return position


class ArgumentReport(models.Model):
    """A reader flagging an argument for moderators. Reports never hide anything by themselves."""

    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam")
        ABUSIVE = "abusive", _("Abusive")
        MISLEADING_SOURCE = "misleading_source", _("Misleading source")
        OTHER = "other", _("Other")

    class Resolution(models.TextChoices):
        OPEN = "", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    argument = models.ForeignKey(Argument, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    note = models.TextField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolution = models.CharField(
        _("resolution"), max_length=10, choices=Resolution, default=Resolution.OPEN, blank=True
    )
    # The decision that resolved it: on the argument (taken down, published) or on the report.
    decision = models.ForeignKey(
        "consult.ModerationDecision",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decision"),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            # A person reports an argument once; more reports from them add nothing.
            models.UniqueConstraint(fields=["argument", "reporter"], name="one_report_per_person"),
        ]
        indexes = [models.Index(fields=["resolved_at"], name="report_queue")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.argument}"
