"""Statements: what people sign, the decisions on proposals and the corrections of signed texts."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consult.admin.exports import export_urls
from consult.admin.history import EditorialHistoryAdmin
from consult.admin.languages import BilingualAdmin
from consult.models import ModerationDecision, Statement, StatementCorrection
from consult.views.organisations import reason_step


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
