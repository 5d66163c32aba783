"""Editorial content: consultations, arguments, statements and organisations, with their decisions."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from consult import moderation, signatories
from consult.admin.decisions import DECISION_CHANGE_FORM, Decision, DecisionButtonsMixin
from consult.admin.exports import export_urls
from consult.admin.history import EditorialHistoryAdmin, ModerationHistoryMixin
from consult.admin.languages import BilingualAdmin
from consult.models import (
    Argument,
    ArgumentReport,
    ArgumentSource,
    Consultation,
    ConsultationSource,
    Membership,
    ModerationDecision,
    Organisation,
    Statement,
    StatementCorrection,
    TimelineEvent,
)
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


class StatementCorrectionInline(admin.TabularInline):
    model = StatementCorrection
    extra = 0
    can_delete = False
    readonly_fields = ["old_text", "new_text", "reason", "corrected_by", "corrected_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class StatementAdminForm(forms.ModelForm):
    """Once someone has signed, the text changes only as a recorded, public correction.

    The admin builds the form's Meta (model and fields) itself.
    """

    correction_reason = forms.CharField(
        label=_("Reason for correcting the text"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required to change the text of a statement people have signed. The old text is kept "
            "and the statement page says it was corrected, on which date and why."
        ),
    )

    def corrected_texts(self) -> dict[str, str]:
        """The versions of a signed text this form changes: language -> field.

        A Welsh version added to a statement already signed in English is a translation, not a
        correction: only a Welsh text that was there before is protected.
        """
        if self.instance.pk is None or not self.instance.has_signatures():
            return {}
        changed = {"en": "text", "cy": "text_cy"}
        return {
            language: field
            for language, field in changed.items()
            if field in self.changed_data and (field == "text" or self.initial.get(field))
        }

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if self.corrected_texts() and not cleaned_data.get("correction_reason", "").strip():
            self.add_error(
                "correction_reason",
                _("People have signed this text: give the reason for the correction, or keep the text."),
            )
        return cleaned_data


@admin.register(Statement)
class StatementAdmin(BilingualAdmin, EditorialHistoryAdmin):
    form = StatementAdminForm
    list_display = ["title", "kind", "status", "consultation", "proposed_by", "opens_at", "closes_at"]
    list_filter = ["status", "kind", "consultation"]
    search_fields = ["title", "text", "slug"]
    list_select_related = ["consultation", "proposed_by"]
    prepopulated_fields = {"slug": ["title"]}
    raw_id_fields = ["proposed_by", "proposer"]
    inlines = [StatementCorrectionInline]
    actions = ["approve_statements", "reject_statements"]
    change_form_template = "admin/consult/statement/change_form.html"

    def get_urls(self):
        return [*export_urls(self), *super().get_urls()]

    def save_model(self, request, obj: Statement, form: StatementAdminForm, change: bool) -> None:
        reason = form.cleaned_data.get("correction_reason", "").strip()
        corrected = form.corrected_texts() if change and reason else {}
        if not corrected:
            super().save_model(request, obj, form, change)
            return
        # Save the other fields with the stored texts, then change each text as a correction.
        new_texts = {language: getattr(obj, field) for language, field in corrected.items()}
        stored = Statement.objects.values(*corrected.values()).get(pk=obj.pk)
        for field in corrected.values():
            setattr(obj, field, stored[field])
        super().save_model(request, obj, form, change)
        for language, new_text in new_texts.items():
            obj.correct_text(new_text, reason, request.user, language)
            action = "correct statement text" if language == "en" else "correct Welsh statement text"
            ModerationDecision.record(request.user, obj, action, reason)

    @admin.action(description=_("Approve proposed statements"), permissions=["change"])
    def approve_statements(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset.select_related("proposed_by"),
            title=_("Approve proposed statements"),
            decide=lambda statement, reason: self._decide(statement.approve, request.user, reason),
            done=_("%(count)d statements approved and open for signatures."),
        )

    @admin.action(description=_("Reject proposed statements"), permissions=["change"])
    def reject_statements(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset,
            title=_("Reject proposed statements"),
            decide=lambda statement, reason: self._decide(statement.reject, request.user, reason),
            done=_("%(count)d statements rejected."),
        )

    @staticmethod
    def _decide(decision, moderator, reason: str) -> bool:
        """Apply a decision; one that does not apply (not proposed, unverified author) is skipped."""
        try:
            decision(moderator, reason)
        except ValidationError:
            return False
        return True


class MembershipInline(admin.TabularInline):
    """Who may act for the organisation: members add each other on the site, not staff here."""

    model = Membership
    extra = 0
    can_delete = False
    readonly_fields = ["user", "created_at"]

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
