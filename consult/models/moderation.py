from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationDecision(models.Model):
    """Who decided what about which object, when, and why. Nothing is moderated without one."""

    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderation_decisions"
    )
    action = models.CharField(_("action"), max_length=40)
    reason = models.TextField(_("reason"))
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.CharField(max_length=40)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("object"), max_length=200)
    affected = models.PositiveIntegerField(_("rows affected"), default=1)
    # For a decision that changes values (the signing rules): {field: [before, after]}.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("moderation decision")
        verbose_name_plural = _("moderation log")
        indexes = [models.Index(fields=["content_type", "object_id"], name="decision_target")]

    def __str__(self) -> str:
        return f"{self.action}: {self.object_repr}"

    @classmethod
    def record(
        cls,
        moderator,
        target: models.Model,
        action: str,
        reason: str,
        affected: int = 1,
        changes: dict[str, list[str]] | None = None,
    ):
        return cls.objects.create(
            moderator=moderator,
            action=action,
            reason=reason,
            content_type=ContentType.objects.get_for_model(target),
            object_id=str(target.pk),
            object_repr=str(target)[:200],
            affected=affected,
            changes=changes or {},
        )
