from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from consult.admin_cleanups import cleanup_urls
from consult.admin_exports import export_urls
from consult.admin_moderation import EditorialHistoryAdmin, ModerationHistoryMixin
from consult.exports import mask_email
from consult.models import (
    Argument,
    ArgumentReport,
    ArgumentSource,
    Consultation,
    ConsultationSource,
    Membership,
    ModerationDecision,
    Organisation,
    OutboundEmail,
    Signature,
    Statement,
    StatementCorrection,
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
class ConsultationAdmin(EditorialHistoryAdmin):
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
class ArgumentAdmin(EditorialHistoryAdmin):
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

    def clean(self) -> dict:
        cleaned_data = super().clean()
        signed = self.instance.pk is not None and self.instance.has_signatures()
        if signed and "text" in self.changed_data and not cleaned_data.get("correction_reason", "").strip():
            self.add_error(
                "correction_reason",
                _("People have signed this text: give the reason for the correction, or keep the text."),
            )
        return cleaned_data


@admin.register(Statement)
class StatementAdmin(EditorialHistoryAdmin):
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
        if not (change and reason and "text" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        # Save the other fields with the stored text, then change the text as a correction.
        new_text = obj.text
        obj.text = Statement.objects.values_list("text", flat=True).get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        obj.correct_text(new_text, reason, request.user)
        ModerationDecision.record(request.user, obj, "correct statement text", reason)

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


PERSONAL_FIELDS = ["email", "email_normalised", "postcode", "ip_hash"]


def may_see_personal_data(request) -> bool:
    return request.user.has_perm("consult.view_signer_personal_data")


@admin.register(Signature)
class SignatureAdmin(ModerationHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "signer_email", "statement", "kind", "state", "hold", "role_status", "created_at"]
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
        "cleanup",
    ]
    # An exact count of a million rows on every page load would make the list slow.
    show_full_result_count = False
    actions = ["verify_public_roles", "refuse_public_roles", "release_signatures", "invalidate_signatures"]
    change_list_template = "admin/consult/signature/change_list.html"

    def get_urls(self):
        return [*cleanup_urls(self), *super().get_urls()]

    @admin.display(description=_("email"))
    def signer_email(self, signature: Signature) -> str:
        return mask_email(signature.email)

    @admin.display(description=_("email"))
    def signer_email_unmasked(self, signature: Signature) -> str:
        return signature.email

    def get_list_display(self, request) -> list:
        if not may_see_personal_data(request):
            return self.list_display
        return [("signer_email_unmasked" if f == "signer_email" else f) for f in self.list_display]

    def get_search_fields(self, request) -> list[str]:
        # Searching by address would tell a moderator without the permission who signed.
        fields = super().get_search_fields(request)
        return fields if may_see_personal_data(request) else [f for f in fields if f != "email_normalised"]

    def get_exclude(self, request, obj=None):
        return None if may_see_personal_data(request) else PERSONAL_FIELDS

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        fields = super().get_readonly_fields(request, obj)
        if may_see_personal_data(request):
            return fields
        return [*(field for field in fields if field not in PERSONAL_FIELDS), "signer_email"]

    @admin.action(description=_("Verify public role"), permissions=["change"])
    def verify_public_roles(self, request, queryset):
        return self._decide_each(
            request,
            queryset.filter(kind=Signature.Kind.NOTABLE).exclude(state=Signature.State.WITHDRAWN),
            title=_("Verify public roles"),
            action="verify public role",
            change=lambda signature, reason: signature.set_role_status(Signature.RoleStatus.VERIFIED),
            done=_("%(count)d public roles verified; they count as public office holders."),
            selected=queryset,
        )

    @admin.action(description=_("Refuse public role"), permissions=["change"])
    def refuse_public_roles(self, request, queryset):
        return self._decide_each(
            request,
            queryset.filter(kind=Signature.Kind.NOTABLE).exclude(state=Signature.State.WITHDRAWN),
            title=_("Refuse public roles"),
            action="refuse public role",
            change=lambda signature, reason: signature.set_role_status(Signature.RoleStatus.REFUSED),
            done=_("%(count)d public roles refused; they count as individuals."),
            selected=queryset,
        )

    @admin.action(description=_("Release held signatures"), permissions=["change"])
    def release_signatures(self, request, queryset):
        # Signatures held for an unverified organisation are released by verifying it instead.
        return self._decide_each(
            request,
            queryset.filter(hold=Signature.Hold.SUSPECT),
            title=_("Release held signatures"),
            action="release signature",
            change=lambda signature, reason: signature.release(),
            done=_("%(count)d signatures released."),
            selected=queryset,
        )

    @admin.action(description=_("Invalidate selected signatures"), permissions=["change"])
    def invalidate_signatures(self, request, queryset):
        # A withdrawn signature is left alone: invalidating it would make it live again.
        live = [Signature.State.PENDING, Signature.State.CONFIRMED]
        return self._decide_each(
            request,
            queryset.filter(state__in=live),
            title=_("Invalidate signatures"),
            action="invalidate signature",
            change=lambda signature, reason: signature.invalidate(reason),
            done=_("%(count)d signatures invalidated."),
            selected=queryset,
        )

    def _decide_each(self, request, eligible, *, title, action: str, change, done, selected):
        """Ask for a reason, then apply `change` to each eligible signature and record it."""
        eligible_ids = set(eligible.values_list("pk", flat=True))

        def decide(signature: Signature, reason: str) -> bool:
            if signature.pk not in eligible_ids or not change(signature, reason):
                return False
            ModerationDecision.record(request.user, signature, action, reason)
            return True

        return reason_step(self, request, selected, title=title, decide=decide, done=done)


@admin.register(ModerationDecision)
class ModerationDecisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "moderator", "action", "object_repr", "affected"]
    list_filter = ["action", "content_type", "created_at"]
    search_fields = ["object_repr", "reason", "action", "moderator__email"]
    list_select_related = ["moderator"]
    date_hierarchy = "created_at"

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
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# Update emails have an admin module of their own.
from consult import admin_updates  # noqa: E402, F401
