"""The CSV export of a statement's signatures: for holders of the export permission, on the record."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _

from consult.exports import signature_rows
from consult.forms.moderation import ReasonForm
from consult.models import ModerationDecision, Statement

EXPORT_PERMISSION = "consult.export_signer_personal_data"


def export_signatures(modeladmin: admin.ModelAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    """GET: ask why. POST with a reason: record the export, then stream the CSV."""
    if not request.user.has_perm(EXPORT_PERMISSION):
        raise PermissionDenied
    statement = get_object_or_404(Statement, pk=pk)
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        ModerationDecision.record(
            request.user,
            statement,
            "export signatures",
            form.cleaned_data["reason"],
            affected=statement.signatures.count(),
        )
        # Rows are read in chunks and written as they come: a million signatures, constant memory.
        response = StreamingHttpResponse(signature_rows(statement), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="signatures-{statement.pk}.csv"'
        return response
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Export signatures"),
        "statement": statement,
        "form": form,
        "opts": Statement._meta,
        "change_url": reverse("admin:consult_statement_change", args=[statement.pk]),
    }
    return TemplateResponse(request, "admin/consult/statement/export.html", context)


def export_urls(modeladmin: admin.ModelAdmin) -> list[URLPattern]:
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        return export_signatures(modeladmin, request, pk)

    return [
        path(
            "<int:pk>/export-signatures/",
            modeladmin.admin_site.admin_view(view),
            name="consult_statement_export_signatures",
        )
    ]
