"""Statements: what people sign, the decisions on proposals and the corrections of signed texts."""

from collections.abc import Callable

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from consult import statement_decisions
from consult.admin.exports import export_urls
from consult.admin.languages import BilingualAdmin
from consult.admin.versions import EditorialHistoryAdmin
from consult.models import MilestoneMeaning, Statement, StatementCorrection
from consult.models.statements import TRANSLATED_FIELDS
from consult.moderation import DecisionError
from consult.views.organisations import reason_step


class StatementCorrectionInline(admin.TabularInline):
    model = StatementCorrection
    extra = 0
    can_delete = False
    fields = readonly_fields = ["field", "old_text", "new_text", "reason", "corrected_by", "corrected_at"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class MilestoneMeaningInline(admin.TabularInline):
    model = MilestoneMeaning
    extra = 0


class StatementAdminForm(forms.ModelForm):
    """Once someone has signed, what they saw changes only as a recorded, public correction.

    The admin builds the form's Meta (model and fields) itself.
    """

    correction_reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required to change the title, text, recipient, web address or closing date of a statement "
            "people have signed. The old version is kept, the statement page lists the change with its "
            "date and this reason, and signers who asked for updates are told."
        ),
    )

    def corrected_fields(self) -> list[str]:
        """The fields signers saw that this form changes on a signed statement.

        A Welsh version added to a statement already signed in English is a translation, not a
        correction: only a Welsh title or text that was there before is protected.
        """
        if self.instance.pk is None or not self.instance.has_signatures():
            return []
        return [
            field
            for field in statement_decisions.CORRECTABLE_FIELDS
            if field in self.changed_data and (field not in TRANSLATED_FIELDS or self.initial.get(field))
        ]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if self.corrected_fields() and not cleaned_data.get("correction_reason", "").strip():
            self.add_error(
                "correction_reason",
                _(
                    "People have signed this statement: give the reason for the correction, "
                    "or undo the change."
                ),
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
    inlines = [MilestoneMeaningInline, StatementCorrectionInline]
    actions = ["approve_statements", "reject_statements", "close_statements", "withdraw_statements"]
    change_form_template = "admin/consult/statement/change_form.html"

    def get_urls(self):
        return [*export_urls(self), *super().get_urls()]

    def get_readonly_fields(self, request: HttpRequest, obj: Statement | None = None) -> list[str]:
        # The decisions own these. An editor sets a new statement's status when adding it; after
        # that it moves only by the actions (approve, reject, close, withdraw), each recorded,
        # and who proposed it is a fact, not an edit.
        fields = [*super().get_readonly_fields(request, obj), "decision_reason", "proposer_language"]
        if obj is not None:
            fields += ["status", "proposed_by", "proposer"]
        return fields

    def has_delete_permission(self, request: HttpRequest, obj: Statement | None = None) -> bool:
        """A signed statement is never removed: it can be closed or withdrawn, with a reason."""
        if obj is not None and obj.has_signatures():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # It would remove signed statements with the rest.
        return actions

    def save_model(self, request, obj: Statement, form: StatementAdminForm, change: bool) -> None:
        corrected = form.corrected_fields() if change else []
        if not corrected:
            super().save_model(request, obj, form, change)
            return
        # Save the other fields with the stored values, then change each signed one as a correction.
        new_values = {field: getattr(obj, field) for field in corrected}
        stored = Statement.objects.values(*corrected).get(pk=obj.pk)
        for field in corrected:
            setattr(obj, field, stored[field])
        super().save_model(request, obj, form, change)
        statement_decisions.correct(obj, new_values, form.cleaned_data["correction_reason"], request.user)

    @admin.action(description=_("Approve proposed statements"), permissions=["change"])
    def approve_statements(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset.select_related("proposed_by", "proposer"),
            title=_("Approve proposed statements"),
            decide=self.decider(statement_decisions.approve, request.user),
            done=_(
                "%(count)d statements approved and open for signatures; their proposers are told by email."
            ),
        )

    @admin.action(description=_("Reject proposed statements"), permissions=["change"])
    def reject_statements(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset.select_related("proposer"),
            title=_("Reject proposed statements"),
            decide=self.decider(statement_decisions.reject, request.user),
            done=_("%(count)d statements rejected; their proposers are emailed the reason."),
        )

    @admin.action(description=_("Close selected statements early (with a reason)"), permissions=["change"])
    def close_statements(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset,
            title=_("Close statements early"),
            decide=self.decider(statement_decisions.close, request.user),
            done=_("%(count)d statements closed; their signatures stay and the pages say why."),
        )

    @admin.action(description=_("Withdraw selected statements (with a reason)"), permissions=["change"])
    def withdraw_statements(self, request, queryset):
        return reason_step(
            self,
            request,
            queryset,
            title=_("Withdraw statements"),
            decide=self.decider(statement_decisions.withdraw, request.user),
            done=_("%(count)d statements withdrawn; their pages stay, with a notice saying why."),
        )

    @staticmethod
    def decider(decision: Callable, moderator) -> Callable[[Statement, str], bool]:
        """Apply a decision; one that does not apply (wrong status, unverified author) is skipped."""

        def decide(statement: Statement, reason: str) -> bool:
            try:
                decision(statement, moderator, reason)
            except (ValidationError, DecisionError):
                return False
            return True

        return decide
