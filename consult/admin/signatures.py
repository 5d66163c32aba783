"""Signatures: personal data masked without permission; decisions go through the signature's methods."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from consult import signatories
from consult.addresses import normalise_email
from consult.admin.cleanups import cleanup_urls
from consult.admin.decisions import DECISION_CHANGE_FORM, Decision, DecisionButtonsMixin
from consult.admin.pagination import EstimatedCountPaginator
from consult.admin.trending import trending_urls
from consult.admin.versions import ModerationHistoryMixin
from consult.admin_personal_data import may_see_personal_data
from consult.exports import mask_email
from consult.models import Signature
from consult.views.organisations import reason_step

PERSONAL_FIELDS = ["email", "email_normalised", "email_domain", "postcode", "ip_hash"]


@admin.register(Signature)
class SignatureAdmin(DecisionButtonsMixin, ModerationHistoryMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "signer_email",
        "statement",
        "kind",
        "state",
        "hold",
        "role_status",
        "signed",
        # The role a notable signer claims, beside its verification: what moderators check.
        "public_role",
    ]
    list_filter = ["state", "kind", "hold", "role_status", "statement"]
    # An address is looked up exactly, through its index (see get_search_results).
    search_fields = ["name", "public_role"]
    list_select_related = ["statement"]
    # A million rows: newest first by primary key (an index), sorted by nothing that needs a
    # sort of the whole table, counted by estimate, and no date drill-down (a scan per load).
    ordering = ["-pk"]
    sortable_by = ["signed"]
    paginator = EstimatedCountPaginator
    # What people signed stays what they signed, their consent is theirs alone, and the counters
    # move only through the decisions (consult/signatories.py): no field here is editable.
    readonly_fields = [field.name for field in Signature._meta.concrete_fields if field.name != "id"]
    show_full_result_count = False
    actions = ["verify_public_roles", "refuse_public_roles", "release_signatures", "invalidate_signatures"]
    change_list_template = "admin/consult/signature/change_list.html"
    change_form_template = DECISION_CHANGE_FORM
    decisions = {
        "verify-role": Decision(_("Verify public role"), signatories.verify_public_role),
        "refuse-role": Decision(_("Refuse public role"), signatories.refuse_public_role),
        "release": Decision(_("Release"), signatories.release_signature),
        "invalidate": Decision(_("Invalidate"), signatories.invalidate_signature),
    }

    def get_urls(self):
        return [*cleanup_urls(self), *trending_urls(self), *super().get_urls()]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj: Signature | None = None) -> bool:
        # Deleting a row would leave the counters counting it; invalidation is the recorded way.
        return False

    @admin.display(description=_("email"))
    def signer_email(self, signature: Signature) -> str:
        return mask_email(signature.email)

    @admin.display(description=_("email"))
    def signer_email_unmasked(self, signature: Signature) -> str:
        return signature.email

    @admin.display(description=_("signed"), ordering="pk")
    def signed(self, signature: Signature):
        return signature.created_at

    def get_list_display(self, request) -> list:
        if not may_see_personal_data(request):
            return self.list_display
        return [("signer_email_unmasked" if f == "signer_email" else f) for f in self.list_display]

    def get_search_results(self, request, queryset, search_term: str):
        """An address finds its signer's signatures, for those who may see addresses.

        Without the permission an address finds nothing: it would tell them who signed.
        """
        if "@" not in search_term:
            return super().get_search_results(request, queryset, search_term)
        if not may_see_personal_data(request):
            return queryset.none(), False
        return queryset.filter(email_normalised=normalise_email(search_term)), False

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
            queryset,
            title=_("Verify public roles"),
            decide=signatories.verify_public_role,
            done=_("%(count)d public roles verified; they count as holders of public roles."),
        )

    @admin.action(description=_("Refuse public role"), permissions=["change"])
    def refuse_public_roles(self, request, queryset):
        return self._decide_each(
            request,
            queryset,
            title=_("Refuse public roles"),
            decide=signatories.refuse_public_role,
            done=_("%(count)d public roles refused; they count as individuals."),
        )

    @admin.action(description=_("Release held signatures"), permissions=["change"])
    def release_signatures(self, request, queryset):
        return self._decide_each(
            request,
            queryset,
            title=_("Release held signatures"),
            decide=signatories.release_signature,
            done=_("%(count)d signatures released."),
        )

    @admin.action(description=_("Invalidate selected signatures"), permissions=["change"])
    def invalidate_signatures(self, request, queryset):
        return self._decide_each(
            request,
            queryset,
            title=_("Invalidate signatures"),
            decide=signatories.invalidate_signature,
            done=_("%(count)d signatures invalidated."),
        )

    def _decide_each(
        self,
        request: HttpRequest,
        selected: QuerySet,
        *,
        title: Any,
        decide: Callable,
        done: Any,
    ) -> TemplateResponse | None:
        """Ask for a reason, then take the decision on each selected signature it applies to."""
        return reason_step(
            self,
            request,
            selected.select_related("statement"),
            title=title,
            decide=lambda signature, reason: decide(signature, request.user, reason),
            done=done,
        )
