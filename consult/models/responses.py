"""What a statement leads to: what each milestone means, and the responses and events recorded on it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from consult.models.arguments import Argument
from consult.models.languages import Bilingual
from consult.models.statements import Statement
from consult.models.updates import Update


class MilestoneMeaning(Bilingual, models.Model):
    """What happens when a statement reaches a number of signatures ("the recipient is asked to respond")."""

    bilingual_fields = ("meaning",)

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="milestone_meanings")
    signatures = models.PositiveIntegerField(_("signatures"))
    meaning = models.CharField(_("what it leads to"), max_length=300)
    meaning_cy = models.CharField(_("what it leads to (Welsh)"), max_length=300, blank=True)

    class Meta:
        ordering = ["signatures"]
        verbose_name = _("milestone meaning")
        verbose_name_plural = _("milestone meanings")
        constraints = [
            # One meaning per milestone: the page and the API show it beside that count.
            models.UniqueConstraint(fields=["statement", "signatures"], name="one_meaning_per_milestone"),
        ]

    def __str__(self) -> str:
        return f"{self.signatures:,}: {self.meaning}"

    def document(self) -> dict[str, object]:
        return {"signatures": self.signatures, "meaning": self.meaning, "meaning_cy": self.meaning_cy}


class StatementResponse(Bilingual, models.Model):
    """A recipient's response to a statement, or an event it led to, recorded by a moderator.

    Recorded once, through consult.responses.record, which tells the signers who asked for
    updates; after that it is on the public record and never edited.
    """

    bilingual_fields = ("summary", "text")

    class Kind(models.TextChoices):
        RESPONSE = "response", _("Response from the recipient")
        EVENT = "event", _("Event (a debate, a ruling, a change of policy)")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.RESPONSE)
    date = models.DateField(_("date"), help_text=_("When the response was given or the event happened."))
    summary = models.CharField(_("summary"), max_length=300)
    summary_cy = models.CharField(_("summary (Welsh)"), max_length=300, blank=True)
    text = models.TextField(
        _("full text"),
        max_length=20_000,
        blank=True,
        help_text=_("Plain text; blank lines separate paragraphs."),
    )
    text_cy = models.TextField(_("full text (Welsh)"), max_length=20_000, blank=True)
    source_url = models.URLField(
        _("source"), max_length=500, blank=True, help_text=_("Where it is published, for readers to check.")
    )
    arguments = models.ManyToManyField(
        Argument,
        blank=True,
        related_name="statement_responses",
        verbose_name=_("arguments it bears on"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # The email that told the signers who asked for updates.
    notice = models.ForeignKey(Update, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("response or event")
        verbose_name_plural = _("responses and events")

    def __str__(self) -> str:
        return f"{self.date}: {self.summary}"

    def document(self) -> dict[str, object]:
        """The response as the API and the open data publish it."""
        return {
            "kind": self.kind,
            "date": self.date.isoformat(),
            "summary": self.summary,
            "summary_cy": self.summary_cy,
            "text": self.text,
            "text_cy": self.text_cy,
            "source_url": self.source_url,
            "arguments": [argument.pk for argument in self.arguments.all()],
            "recorded_at": self.recorded_at.isoformat(),
        }
