from django.db import models
from django.utils.translation import gettext_lazy as _


class Feedback(models.Model):
    """What a reader told us through the phase banner's form, kept FEEDBACK_RETENTION_DAYS."""

    class Satisfaction(models.TextChoices):
        VERY_SATISFIED = "very_satisfied", _("Very satisfied")
        SATISFIED = "satisfied", _("Satisfied")
        NEUTRAL = "neutral", _("Neither satisfied nor dissatisfied")
        DISSATISFIED = "dissatisfied", _("Dissatisfied")
        VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")

    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    comments = models.TextField(_("comments"), max_length=2000)
    # Given only by those who want a reply; masked for moderators without the personal-data permission.
    email = models.EmailField(_("email"), blank=True)
    # The site path the reader came from (never another site's address).
    page = models.CharField(_("page"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")

    def __str__(self) -> str:
        return self.comments[:60]
