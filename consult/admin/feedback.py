"""Readers' feedback, for moderators to read: nothing here can be added or edited."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from consult.admin_personal_data import may_see_personal_data
from consult.exports import mask_email
from consult.models import Feedback

if TYPE_CHECKING:
    FeedbackModelAdmin = admin.ModelAdmin[Feedback]
else:  # Django's ModelAdmin takes no type argument at run time.
    FeedbackModelAdmin = admin.ModelAdmin


@admin.register(Feedback)
class FeedbackAdmin(FeedbackModelAdmin):
    list_display = ["created_at", "satisfaction", "comments_start", "reply_to", "page", "language"]
    list_filter = ["satisfaction", "language"]
    search_fields = ["comments"]
    date_hierarchy = "created_at"
    fields = ["created_at", "satisfaction", "comments", "reply_to", "page", "language"]
    readonly_fields = ["created_at", "satisfaction", "comments", "reply_to", "page", "language"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Feedback | None = None) -> bool:
        return False

    @admin.display(description=_("comments"))
    def comments_start(self, feedback: Feedback) -> str:
        return feedback.comments[:120]

    @admin.display(description=_("email"))
    def reply_to(self, feedback: Feedback) -> str:
        return mask_email(feedback.email) if feedback.email else "–"

    @admin.display(description=_("email"))
    def reply_to_unmasked(self, feedback: Feedback) -> str:
        return feedback.email or "–"

    def unmasked(self, request: HttpRequest, names: Sequence[Any]) -> list[Any]:
        """The field names, with the address shown whole to those who may see personal data."""
        if not may_see_personal_data(request):
            return list(names)
        return [("reply_to_unmasked" if name == "reply_to" else name) for name in names]

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        return self.unmasked(request, self.list_display)

    def get_fields(self, request: HttpRequest, obj: Feedback | None = None) -> list[Any]:
        return self.unmasked(request, self.fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Feedback | None = None) -> list[Any]:
        return self.get_fields(request, obj)
