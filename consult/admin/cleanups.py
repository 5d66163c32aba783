"""Fraud clean-up in the admin: select signatures, see how many match, invalidate them as one
recorded action, and undo it once. Counts move in the same transaction (FraudCleanup)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from consult.admin.history import ModerationHistoryMixin
from consult.forms.moderation import CleanupCriteriaForm, ReasonForm
from consult.models import FraudCleanup, Signature
from consult.models.cleanups import ELIGIBLE_STATES

CLEANUP_PERMISSION = "consult.change_signature"


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
        live = matching.filter(state__in=ELIGIBLE_STATES)
        preview = {"live": live.count(), "counted": live.counted().count()}
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Fraud clean-up"),
        "criteria_form": criteria_form,
        "reason_form": reason_form if posted else ReasonForm(),
        "preview": preview,
        "opts": Signature._meta,
    }
    return TemplateResponse(request, "admin/consult/signature/cleanup.html", context)


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
