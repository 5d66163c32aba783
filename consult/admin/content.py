"""Editorial content: consultations, arguments, statements and organisations, with their decisions."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from consult.admin.history import EditorialHistoryAdmin
from consult.admin.languages import BilingualAdmin
from consult.models import (
    Argument,
    ArgumentReport,
    ArgumentSource,
    Consultation,
    ConsultationSource,
    Membership,
    Organisation,
    TimelineEvent,
)
from consult.moderation import decide_argument
from consult.views.organisations import reason_step


class ConsultationSourceInline(admin.TabularInline):
    model = ConsultationSource
    extra = 0


class TimelineEventInline(admin.TabularInline):
    model = TimelineEvent
    extra = 0


@admin.register(Consultation)
class ConsultationAdmin(BilingualAdmin, EditorialHistoryAdmin):
    list_display = ["title", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "question"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [TimelineEventInline, ConsultationSourceInline]


class ArgumentSourceInline(admin.TabularInline):
    model = ArgumentSource
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Argument)
class ArgumentAdmin(BilingualAdmin, EditorialHistoryAdmin):
    list_display = ["claim", "side", "consultation", "status", "author", "organisation", "created_at"]
    list_filter = ["status", "side", "consultation"]
    search_fields = ["claim", "explanation", "author__email", "organisation__name"]
    list_select_related = ["consultation", "author", "organisation"]
    raw_id_fields = ["author", "answers"]
    date_hierarchy = "created_at"
    inlines = [ArgumentSourceInline]
    actions = ["approve_arguments", "reject_arguments"]

    @admin.action(description=_("Approve selected arguments"), permissions=["change"])
    def approve_arguments(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset,
            title=_("Approve arguments"),
            decide=lambda argument, reason: decide_argument(argument, request.user, True, reason),
            done=_("%(count)d arguments published; their authors are told by email."),
        )

    @admin.action(description=_("Reject selected arguments (with a reason)"), permissions=["change"])
    def reject_arguments(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset,
            title=_("Reject arguments"),
            decide=lambda argument, reason: decide_argument(argument, request.user, False, reason),
            done=_("%(count)d arguments rejected; their authors are emailed the reason."),
        )


@admin.register(ArgumentReport)
class ArgumentReportAdmin(admin.ModelAdmin):
    list_display = ["argument", "reason", "created_at", "resolved_at"]
    list_filter = ["reason", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["argument__claim", "note"]
    list_select_related = ["argument"]
    raw_id_fields = ["argument", "reporter"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(EditorialHistoryAdmin):
    list_display = ["name", "website", "status", "created_at", "verified_at"]
    list_filter = ["status"]
    search_fields = ["name", "website"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    # Verification releases held signatures and is recorded: only the actions change it.
    readonly_fields = ["status", "verified_at", "created_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["verify_organisations", "refuse_organisations"]

    @admin.action(description=_("Verify selected organisations"), permissions=["change"])
    def verify_organisations(self, request, queryset):
        def verify(organisation: Organisation, reason: str) -> bool:
            organisation.verify(request.user, reason)
            return True

        return reason_step(
            self,
            request,
            queryset,
            title=_("Verify organisations"),
            decide=verify,
            done=_("%(count)d organisations verified; their held signatures now count."),
        )

    @admin.action(description=_("Refuse selected organisations"), permissions=["change"])
    def refuse_organisations(self, request, queryset):
        def refuse(organisation: Organisation, reason: str) -> bool:
            organisation.refuse(request.user, reason)
            return True

        return reason_step(
            self,
            request,
            queryset,
            title=_("Refuse organisations"),
            decide=refuse,
            done=_("%(count)d organisations refused; their signatures stay held."),
        )
