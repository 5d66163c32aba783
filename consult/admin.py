from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from consult.models import (
    Argument,
    ArgumentReport,
    ArgumentSource,
    Consultation,
    ConsultationSource,
    Membership,
    ModerationDecision,
    Organisation,
    Signature,
    Statement,
    StatementCorrection,
    TimelineEvent,
)


class ConsultationSourceInline(admin.TabularInline):
    model = ConsultationSource
    extra = 0


class TimelineEventInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "question"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [TimelineEventInline, ConsultationSourceInline]


class ArgumentSourceInline(admin.TabularInline):
    model = ArgumentSource
    extra = 0


@admin.register(Argument)
class ArgumentAdmin(admin.ModelAdmin):
    list_display = ["claim", "side", "consultation", "status", "author", "organisation", "created_at"]
    list_filter = ["status", "side", "consultation"]
    search_fields = ["claim", "explanation", "author__email", "organisation__name"]
    list_select_related = ["consultation", "author", "organisation"]
    raw_id_fields = ["author", "answers"]
    date_hierarchy = "created_at"
    inlines = [ArgumentSourceInline]


@admin.register(ArgumentReport)
class ArgumentReportAdmin(admin.ModelAdmin):
    list_display = ["argument", "reason", "created_at", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["argument__claim", "note"]
    list_select_related = ["argument"]
    raw_id_fields = ["argument", "reporter"]


class StatementCorrectionInline(admin.TabularInline):
    model = StatementCorrection
    extra = 0
    can_delete = False
    readonly_fields = ["old_text", "new_text", "reason", "corrected_by", "corrected_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "status", "consultation", "proposed_by", "opens_at", "closes_at"]
    list_filter = ["status", "kind", "consultation"]
    search_fields = ["title", "text", "slug"]
    list_select_related = ["consultation", "proposed_by"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["proposed_by"]
    inlines = [StatementCorrectionInline]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "website", "status", "created_at", "verified_at"]
    list_filter = ["status"]
    search_fields = ["name", "website"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ["name", "statement", "kind", "state", "hold", "role_status", "created_at"]
    list_filter = ["state", "kind", "hold", "role_status", "statement"]
    search_fields = ["name", "email_normalised", "public_role"]
    list_select_related = ["statement"]
    raw_id_fields = ["user", "organisation"]
    date_hierarchy = "created_at"
    # The counters move only through the signature's own methods, never by editing fields.
    readonly_fields = [
        "statement",
        "state",
        "hold",
        "role_status",
        "email_normalised",
        "ip_hash",
        "created_at",
    ]
    # An exact count of a million rows on every page load would make the list slow.
    show_full_result_count = False


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "object_repr", "affected"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "reason", "moderator__email"]
    list_select_related = ["moderator"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


admin.site.site_header = _("Consult moderation")
admin.site.site_title = _("Consult moderation")
admin.site.index_title = _("Back office")
