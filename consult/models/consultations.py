from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from consult.models.languages import Bilingual


class ConsultationQuerySet(models.QuerySet):
    def public(self) -> "ConsultationQuerySet":
        """Consultations anyone may read: open or closed, never drafts."""
        return self.exclude(status=Consultation.Status.DRAFT)

    def open(self) -> "ConsultationQuerySet":
        return self.filter(status=Consultation.Status.OPEN)


class Consultation(Bilingual, models.Model):
    """One public question, with its background, timeline and sources."""

    bilingual_fields = ("title", "question", "summary", "background")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    question = models.CharField(
        _("question"), max_length=300, help_text=_("The question people are weighing.")
    )
    summary = models.TextField(_("summary"), max_length=600)
    background = models.TextField(
        _("background"), help_text=_("Plain text; blank lines separate paragraphs.")
    )
    title_cy = models.CharField(_("title (Welsh)"), max_length=200, blank=True)
    question_cy = models.CharField(_("question (Welsh)"), max_length=300, blank=True)
    summary_cy = models.TextField(_("summary (Welsh)"), max_length=600, blank=True)
    background_cy = models.TextField(_("background (Welsh)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ConsultationQuerySet.as_manager()
    # Editorial edits keep their versions (shown under "History" in the admin).
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("consultation_detail", args=[self.slug])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class ConsultationSource(Bilingual, models.Model):
    """A document on the public record that the consultation's background relies on."""

    # The document itself stays in its own language; its title and publisher are named in Welsh.
    bilingual_fields = ("title", "publisher")

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("title"), max_length=300)
    title_cy = models.CharField(_("title (Welsh)"), max_length=300, blank=True)
    url = models.URLField(_("address"), max_length=500)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    publisher_cy = models.CharField(_("publisher (Welsh)"), max_length=200, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        ordering = ["published_on", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.title


class TimelineEvent(Bilingual, models.Model):
    bilingual_fields = ("title",)

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="timeline")
    date = models.DateField(_("date"))
    title = models.CharField(_("what happened"), max_length=300)
    title_cy = models.CharField(_("what happened (Welsh)"), max_length=300, blank=True)

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.date}: {self.title}"
