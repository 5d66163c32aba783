"""Editorial content: consultations, arguments, statements and organisations, with their decisions."""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from consult import moderation, signatories
from consult.admin.decisions import DECISION_CHANGE_FORM, Decision, DecisionButtonsMixin
from consult.admin.history import EditorialHistoryAdmin, ModerationHistoryMixin
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
from consult.views.organisations import reason_step


class ConsultationSourceInline(admin.TabularInline):
    model = ConsultationSource
    # Each Welsh field beside the English it translates.
    fields = ["title", "title_cy", "url", "publisher", "publisher_cy", "published_on"]
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class TimelineEventInline(admin.TabularInline):
    model = TimelineEvent
    fields = ["date", "title", "title_cy"]
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
    fields = ["title", "title_cy", "url"]
    extra = 0
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Argument)
class ArgumentAdmin(DecisionButtonsMixin, BilingualAdmin, EditorialHistoryAdmin):
    list_display = ["claim", "side", "consultation", "status", "author", "organisation", "created_at"]
    list_filter = ["status", "side", "consultation"]
    search_fields = ["claim", "explanation", "author__email", "organisation__name"]
    list_select_related = ["consultation", "author", "organisation"]
    raw_id_fields = ["answers"]
    date_hierarchy = "created_at"
    inlines = [ArgumentSourceInline]
    # Publishing, rejecting and taking down are decisions (consult/moderation.py), and who wrote
    # it, in whose name, is the author's: only the actions change these.
    readonly_fields = ["status", "published_at", "decision_reason", "author", "organisation"]
    actions = ["approve_arguments", "reject_arguments", "take_down_arguments"]
    change_form_template = DECISION_CHANGE_FORM
    decisions = {
        "publish": Decision(_("Publish"), moderation.publish_argument),
        "reject": Decision(_("Reject"), moderation.reject_argument),
        "take-down": Decision(_("Take down"), moderation.take_down_argument),
    }

    @admin.action(description=_("Approve selected arguments"), permissions=["change"])
    def approve_arguments(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset,
            title=_("Approve arguments"),
            decide=lambda argument, reason: moderation.publish_argument(argument, request.user, reason),
            done=_("%(count)d arguments published; their authors are told by email."),
        )

    @admin.action(description=_("Reject selected arguments (with a reason)"), permissions=["change"])
    def reject_arguments(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset,
            title=_("Reject arguments"),
            decide=lambda argument, reason: moderation.reject_argument(argument, request.user, reason),
            done=_("%(count)d arguments rejected; their authors are emailed the reason."),
        )

    @admin.action(
        description=_("Take down selected published arguments (with a reason)"), permissions=["change"]
    )
    def take_down_arguments(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset,
            title=_("Take down arguments"),
            decide=lambda argument, reason: moderation.take_down_argument(argument, request.user, reason),
            done=_("%(count)d arguments taken down; their authors are emailed the reason."),
        )


@admin.register(ArgumentReport)
class ArgumentReportAdmin(DecisionButtonsMixin, ModerationHistoryMixin, admin.ModelAdmin):
    list_display = ["argument", "reason", "created_at", "resolution", "resolved_at"]
    list_filter = ["reason", "resolution", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["argument__claim", "note"]
    list_select_related = ["argument"]
    # What the reader reported is theirs, and its outcome is a decision: all read-only.
    readonly_fields = [
        "argument",
        "reporter",
        "reason",
        "note",
        "created_at",
        "resolution",
        "resolved_at",
        "decision",
    ]
    actions = ["uphold_reports", "dismiss_reports"]
    change_form_template = DECISION_CHANGE_FORM
    decisions = {
        "uphold": Decision(_("Uphold: take the argument down"), moderation.uphold_report),
        "dismiss": Decision(_("Dismiss"), moderation.dismiss_report),
    }

    def has_add_permission(self, request) -> bool:
        # A report is a reader's: nobody files one for them.
        return False

    @admin.action(description=_("Uphold selected reports: take the argument down"), permissions=["change"])
    def uphold_reports(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset.select_related("argument"),
            title=_("Uphold reports"),
            decide=lambda report, reason: moderation.uphold_report(report, request.user, reason),
            done=_("%(count)d reports upheld; the arguments are taken down and their authors told why."),
        )

    @admin.action(description=_("Dismiss selected reports"), permissions=["change"])
    def dismiss_reports(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset.select_related("argument"),
            title=_("Dismiss reports"),
            decide=lambda report, reason: moderation.dismiss_report(report, request.user, reason),
            done=_("%(count)d reports dismissed; the arguments stay as they are."),
        )


class MembershipInline(admin.TabularInline):
    """Who may act for the organisation: members add each other on the site, not staff here."""

    model = Membership
    extra = 0
    can_delete = False
    # Who administers it is the organisation's own choice, made by its administrators on the site.
    readonly_fields = ["user", "is_admin", "created_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Organisation)
class OrganisationAdmin(DecisionButtonsMixin, EditorialHistoryAdmin):
    list_display = ["name", "website", "status", "created_at", "verified_at"]
    list_filter = ["status"]
    search_fields = ["name", "website"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
    # Verifying and refusing move signatures and counts, and are recorded: only the actions
    # (consult/signatories.py) change these.
    readonly_fields = ["status", "verified_at", "created_by"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["verify_organisations", "refuse_organisations"]
    change_form_template = DECISION_CHANGE_FORM
    decisions = {
        "verify": Decision(_("Verify"), signatories.verify_organisation),
        "refuse": Decision(_("Refuse"), signatories.refuse_organisation),
    }

    @admin.action(description=_("Verify selected organisations"), permissions=["change"])
    def verify_organisations(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset,
            title=_("Verify organisations"),
            decide=lambda organisation, reason: signatories.verify_organisation(
                organisation, request.user, reason
            ),
            done=_("%(count)d organisations verified; their signatures count and their members are told."),
        )

    @admin.action(description=_("Refuse selected organisations"), permissions=["change"])
    def refuse_organisations(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset,
            title=_("Refuse organisations"),
            decide=lambda organisation, reason: signatories.refuse_organisation(
                organisation, request.user, reason
            ),
            done=_("%(count)d organisations refused; their signatures are held and their members told why."),
        )
