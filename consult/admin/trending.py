"""The "what is trending" page: per statement, where the last hour's signatures come from, each
source linked to the signature list and to a clean-up preview filtered to it.

Moderators without the personal-data permission see hashes shortened and follow them only into
the clean-up preview, which resolves a shortened hash itself (CleanupCriteriaForm): the signature
list refuses them a lookup on `ip_hash`, and a whole hash in a link would show them one.
"""

from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from consult.admin.cleanups import CLEANUP_PERMISSION, shown_hash
from consult.admin_personal_data import may_see_personal_data
from consult.models import Signature, Statement
from consult.trending import FAST_SECONDS, Source, busiest_statements, trending, window_start


@dataclass(frozen=True)
class SourceRow:
    shown: str
    signatures: int
    fast: int
    list_url: str | None
    cleanup_url: str


def changelist_url(statement: Statement, since: datetime, **lookups: str | int) -> str:
    query: dict[str, str | int] = {
        "statement__id__exact": statement.pk,
        "created_at__gte": since.isoformat(),
        **lookups,
    }
    return f"{reverse('admin:consult_signature_changelist')}?{urlencode(query)}"


def cleanup_url(statement: Statement, since: datetime, **criteria: str) -> str:
    query: dict[str, str | int] = {"statement": statement.pk, "signed_from": since.isoformat(), **criteria}
    return f"{reverse('admin:consult_signature_cleanup')}?{urlencode(query)}"


def ip_hash_row(statement: Statement, since: datetime, source: Source, personal: bool) -> SourceRow:
    # Without the permission the link carries only the shortened hash the page shows.
    criterion = source.value if personal else source.value[:6]
    return SourceRow(
        shown=shown_hash(source.value, personal=False),
        signatures=source.signatures,
        fast=source.fast,
        list_url=changelist_url(statement, since, ip_hash=source.value) if personal else None,
        cleanup_url=cleanup_url(statement, since, ip_hash=criterion),
    )


def domain_row(statement: Statement, since: datetime, source: Source) -> SourceRow:
    return SourceRow(
        shown=source.value,
        signatures=source.signatures,
        fast=source.fast,
        list_url=changelist_url(statement, since, email_domain=source.value),
        cleanup_url=cleanup_url(statement, since, email_domain=source.value),
    )


def chosen_statement(request: HttpRequest) -> Statement | None:
    value = request.GET.get("statement", "")
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise Http404
    return get_object_or_404(Statement, pk=value)


def trending_view(modeladmin: "admin.ModelAdmin[Signature]", request: HttpRequest) -> HttpResponse:
    """GET: the busiest statements of the last hour; with ?statement=<id>, that statement's panel."""
    if not request.user.has_perm(CLEANUP_PERMISSION):
        raise PermissionDenied
    since = window_start()
    statement = chosen_statement(request)
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("What is trending"),
        "opts": Signature._meta,
        "since": since,
        "fast_seconds": FAST_SECONDS,
    }
    if statement is None:
        context["busiest"] = busiest_statements(since)
    else:
        found = trending(statement, since)
        personal = may_see_personal_data(request)
        context.update(
            statement=statement,
            trending=found,
            all_url=changelist_url(statement, since),
            fast_url=changelist_url(statement, since, dwell_seconds__lt=FAST_SECONDS),
            by_ip_hash=[ip_hash_row(statement, since, source, personal) for source in found.by_ip_hash],
            by_domain=[domain_row(statement, since, source) for source in found.by_domain],
        )
    return TemplateResponse(request, "admin/consult/signature/trending.html", context)


def trending_urls(modeladmin: "admin.ModelAdmin[Signature]") -> list[URLPattern]:
    def view(request: HttpRequest) -> HttpResponse:
        return trending_view(modeladmin, request)

    return [path("trending/", modeladmin.admin_site.admin_view(view), name="consult_signature_trending")]
