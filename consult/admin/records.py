"""What the site has recorded: the moderation log and the signing outbox, both read-only."""

from django.contrib import admin

from consult.admin.pagination import EstimatedCountPaginator
from consult.models import ModerationDecision, OutboundEmail


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "object_repr", "affected"]
    list_filter = ["action", "content_type", "created_at"]
    search_fields = ["object_repr", "reason", "action", "moderator__email"]
    list_select_related = ["moderator"]
    # It grows with the decisions on signatures: no full count, no date drill-down (a scan).
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The signing outbox, read-only: operators see what is unsent and why (last_error)."""

    list_display = ["created_at", "kind", "signature", "sent_at", "attempts"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    list_select_related = ["signature__statement"]
    readonly_fields = ["kind", "signature", "created_at", "sent_at", "attempts", "last_error"]
    # At least one row per signature: newest first by primary key, counted by estimate, sorted by
    # nothing that needs a sort of the whole table, and no date drill-down.
    ordering = ["-pk"]
    sortable_by = []
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A deleted unsent row would be an email the signer never gets.
        return False
