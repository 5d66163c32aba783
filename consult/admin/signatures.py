"""Signatures: personal data masked without permission; decisions go through the signature's methods."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from consult import signing
from consult.addresses import normalise_email
from consult.admin.cleanups import cleanup_urls
from consult.admin.history import ModerationHistoryMixin
from consult.admin.pagination import EstimatedCountPaginator
from consult.exports import mask_email
from consult.models import (
    ModerationDecision,
    Signature,
)
from consult.views.organisations import reason_step

PERSONAL_FIELDS = ["email", "email_normalised", "email_domain", "postcode", "ip_hash"]
# Holds a moderator lifts with "Release"; an organisation's lifts when it is verified.
RELEASABLE = [Signature.Hold.SUSPECT, Signature.Hold.RATE, Signature.Hold.BLOCKED, Signature.Hold.MAIL_CAP]


def may_see_personal_data(request) -> bool:
    return request.user.has_perm("consult.view_signer_personal_data")


@admin.register(Signature)
class SignatureAdmin(ModerationHistoryMixin, admin.ModelAdmin):
    list_display = ["name", "signer_email", "statement", "kind", "state", "hold", "role_status", "signed"]
    list_filter = ["state", "kind", "hold", "role_status", "statement"]
    # An address is looked up exactly, through its index (see get_search_results).
    search_fields = ["name", "public_role"]
    list_select_related = ["statement"]
    raw_id_fields = ["user", "organisation"]
    # A million rows: newest first by primary key (an index), sorted by nothing that needs a
    # sort of the whole table, counted by estimate, and no date drill-down (a scan per load).
    ordering = ["-pk"]
    sortable_by = ["signed"]
    paginator = EstimatedCountPaginator
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
        # What the signing rules read and decided (consult/abuse.py).
        "address_range",
        "email_domain",
        "dwell_seconds",
        "checked_at",
    ]
    show_full_result_count = False
    actions = ["verify_public_roles", "refuse_public_roles", "release_signatures", "invalidate_signatures"]
    change_list_template = "admin/consult/signature/change_list.html"

    def get_urls(self):
        return [*cleanup_urls(self), *super().get_urls()]

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
            queryset.filter(hold__in=RELEASABLE),
            title=_("Release held signatures"),
            action="release signature",
            # A signature whose email the rules kept back gets it now.
            change=lambda signature, reason: signing.release(signature),
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
