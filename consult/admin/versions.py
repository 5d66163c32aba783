"""What every moderated object's admin page shows of the record: its decisions and its versions."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from consult.models import ModerationDecision

# A long-argued object keeps every decision in the log; its page shows the latest ones.
HISTORY_SHOWN = 50


class ModerationHistoryMixin:
    """Adds a read-only "Moderation history" to the change page: the decisions about the object."""

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        return fields if obj is None else [*fields, "moderation_history"]

    @admin.display(description=_("Moderation history"))
    def moderation_history(self, obj: models.Model) -> str:
        decisions = ModerationDecision.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        ).select_related("moderator")
        rendered = render_to_string(
            "admin/consult/moderation_history.html", {"decisions": decisions[:HISTORY_SHOWN]}
        )
        # The admin turns newlines of a read-only field into <br>: the (escaped) table has none.
        return mark_safe("".join(rendered.splitlines()))  # noqa: S308


class EditorialHistoryAdmin(ModerationHistoryMixin, SimpleHistoryAdmin):
    """Editorial content: decisions on the page, and every version under "History".

    Versions are for reading: reverting one would bypass the recorded corrections and decisions.
    """

    def revert_disabled(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return True

    def history_form_view(self, request: HttpRequest, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
