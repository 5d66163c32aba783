"""What the site has recorded: the moderation log and the outbox of every email, both read-only."""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from consult.admin.pagination import EstimatedCountPaginator
from consult.exports import mask_email
from consult.models import ModerationDecision, OutboundEmail


def object_link(site: admin.AdminSite, content_type: ContentType | None, object_id: str, text: str) -> str:
    """A link to the object's admin page; its name alone if it has none (gone, or not in the admin)."""
    model = content_type.model_class() if content_type is not None else None
    if model is None or not site.is_registered(model) or not object_id:
        return text or "–"
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[object_id])
    return format_html('<a href="{}">{}</a>', url, text)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "object_repr", "affected"]
    # What was decided, when, by whom and why, with a way to the object decided on.
    fields = ["created_at", "moderator", "action", "decided", "reason", "affected", "what_changed"]
    readonly_fields = fields
    list_filter = ["action", "content_type", "created_at"]
    search_fields = ["object_repr", "reason", "action", "moderator__email"]
    list_select_related = ["moderator"]
    # It grows with the decisions on signatures: no full count, no date drill-down (a scan).
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    @admin.display(description=_("decided on"))
    def decided(self, decision: ModerationDecision) -> str:
        text = f"{decision.content_type.name if decision.content_type else ''}: {decision.object_repr}"
        return object_link(self.admin_site, decision.content_type, decision.object_id, text)

    @admin.display(description=_("changed"))
    def what_changed(self, decision: ModerationDecision) -> str:
        """A decision that changes values (the signing rules): each field, from what to what."""
        rows = [(field, before or "–", after or "–") for field, (before, after) in decision.changes.items()]
        if not rows:
            return "–"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}: {} → {}</li>", rows))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    """The outbox, read-only: every email the site sends, where it stands, and why (last_error)."""

    list_display = ["created_at", "kind", "template", "state", "recipient", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    list_select_related = ["signature"]
    fields = [
        "kind",
        "template",
        "state",
        "recipient",
        "about_link",
        "update",
        "signature",
        "subject",
        "created_at",
        "attempts",
        "last_attempt_at",
        "next_attempt_at",
        "claimed_until",
        "last_error",
        "sent_at",
    ]
    readonly_fields = fields
    # Millions of rows: newest first by primary key, counted by estimate, sorted by nothing that
    # needs a sort of the whole table, and no date drill-down.
    ordering = ["-pk"]
    sortable_by = []
    show_full_result_count = False
    paginator = EstimatedCountPaginator

    @admin.display(description=_("to"))
    def recipient(self, outbound: OutboundEmail) -> str:
        return mask_email(outbound.address) if outbound.address else "–"

    @admin.display(description=_("about"))
    def about_link(self, outbound: OutboundEmail) -> str:
        if outbound.content_type is None:
            return "–"
        text = f"{outbound.content_type.name} {outbound.object_id}"
        return object_link(self.admin_site, outbound.content_type, outbound.object_id, text)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A deleted unsent row would be an email its reader never gets.
        return False
