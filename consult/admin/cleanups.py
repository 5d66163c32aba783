"""Fraud clean-up in the admin: select signatures, see how many match, invalidate them as one
recorded action, and undo it once. Counts move in the same transaction (FraudCleanup)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Value
from django.db.models.functions import StrIndex, Substr
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from consult.admin.versions import ModerationHistoryMixin
from consult.admin_personal_data import may_see_personal_data
from consult.exports import mask_email
from consult.forms.moderation import CleanupCriteriaForm, ReasonForm
from consult.models import FraudCleanup, Signature
from consult.models.cleanups import ELIGIBLE_STATES
from consult.models.signatures import SignatureQuerySet

CLEANUP_PERMISSION = "consult.change_signature"
# Rows shown in a clean-up's preview, and sources in each of its breakdowns.
SAMPLE = 20
BREAKDOWN = 10


def cleanup_signatures(modeladmin: admin.ModelAdmin, request: HttpRequest) -> HttpResponse:
    """GET with criteria: preview how many match. POST with criteria and a reason: invalidate them."""
    if not request.user.has_perm(CLEANUP_PERMISSION):
        raise PermissionDenied
    posted = request.method == "POST"
    data = request.POST if posted else (request.GET if "statement" in request.GET else None)
    criteria_form = CleanupCriteriaForm(data)
    reason_form = ReasonForm(request.POST if posted else None)
    preview = None
    if criteria_form.is_valid():
        matching = criteria_form.matching()
        if posted and reason_form.is_valid():
            cleanup = FraudCleanup.perform(
                request.user,
                criteria_form.cleaned_data["statement"],
                matching,
                criteria_form.criteria(),
                reason_form.cleaned_data["reason"],
            )
            modeladmin.message_user(
                request,
                _("%(count)d signatures invalidated; the counts are corrected.")
                % {"count": cleanup.affected},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:consult_fraudcleanup_change", args=[cleanup.pk]))
        preview = cleanup_preview(matching.filter(state__in=ELIGIBLE_STATES), may_see_personal_data(request))
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Fraud clean-up"),
        "criteria_form": criteria_form,
        "reason_form": reason_form if posted else ReasonForm(),
        "preview": preview,
        "opts": Signature._meta,
    }
    return TemplateResponse(request, "admin/consult/signature/cleanup.html", context)


def cleanup_preview(live: SignatureQuerySet, personal: bool) -> dict:
    """What a clean-up would invalidate: how many, a sample, and where they come from.

    The breakdowns by IP address hash and email domain show whether the matches are one source
    or many. Without the personal-data permission addresses are masked and hashes shortened.
    """
    sample = list(
        live.order_by("-pk").values("name", "email", "ip_hash", "created_at", "state", "hold")[:SAMPLE]
    )
    for row in sample:
        row["email"] = row["email"] if personal else mask_email(row["email"])
        row["ip_hash"] = shown_hash(row["ip_hash"], personal)
    by_ip = live.values("ip_hash").annotate(signatures=Count("pk")).order_by("-signatures", "ip_hash")
    domain = Substr("email_normalised", StrIndex("email_normalised", Value("@")) + 1)
    by_domain = (
        live.filter(email_normalised__contains="@")
        .annotate(domain=domain)
        .values("domain")
        .annotate(signatures=Count("pk"))
        .order_by("-signatures", "domain")
    )
    return {
        "live": live.count(),
        "counted": live.counted().count(),
        "sample": sample,
        "by_ip_hash": [
            {"ip_hash": shown_hash(row["ip_hash"], personal), "signatures": row["signatures"]}
            for row in by_ip[:BREAKDOWN]
        ],
        "by_domain": list(by_domain[:BREAKDOWN]),
    }


def shown_hash(ip_hash: str, personal: bool) -> str:
    if not ip_hash:
        return "–"
    return ip_hash if personal else f"{ip_hash[:6]}…"


def cleanup_urls(modeladmin: admin.ModelAdmin) -> list[URLPattern]:
    def view(request: HttpRequest) -> HttpResponse:
        return cleanup_signatures(modeladmin, request)

    return [path("cleanup/", modeladmin.admin_site.admin_view(view), name="consult_signature_cleanup")]


@admin.register(FraudCleanup)
class FraudCleanupAdmin(ModerationHistoryMixin, admin.ModelAdmin):
    list_display = ["created_at", "moderator", "statement", "affected", "undone_at"]
    list_filter = [("undone_at", admin.EmptyFieldListFilter)]
    search_fields = ["reason", "statement__title", "moderator__email"]
    list_select_related = ["moderator", "statement"]
    fields = [
        "statement",
        "moderator",
        "created_at",
        "criteria",
        "reason",
        "affected",
        "undone_at",
        "undone_by",
    ]
    readonly_fields = fields
    date_hierarchy = "created_at"
    change_form_template = "admin/consult/fraudcleanup/change_form.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: FraudCleanup | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: FraudCleanup | None = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        undo = path(
            "<int:pk>/undo/", self.admin_site.admin_view(self.undo_view), name="consult_fraudcleanup_undo"
        )
        return [undo, *super().get_urls()]

    def undo_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """GET: ask why. POST with a reason: restore the signatures and their counts, once."""
        if not request.user.has_perm(CLEANUP_PERMISSION):
            raise PermissionDenied
        cleanup = get_object_or_404(FraudCleanup.objects.select_related("statement"), pk=pk)
        change_url = reverse("admin:consult_fraudcleanup_change", args=[cleanup.pk])
        form = ReasonForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                restored = cleanup.undo(request.user, form.cleaned_data["reason"])
            except ValidationError as error:
                self.message_user(request, error.messages[0], messages.WARNING)
            else:
                self.message_user(
                    request, _("%(count)d signatures restored.") % {"count": restored}, messages.SUCCESS
                )
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Undo fraud clean-up"),
            "cleanup": cleanup,
            "form": form,
            "opts": FraudCleanup._meta,
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/consult/fraudcleanup/undo.html", context)
