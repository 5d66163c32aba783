"""The public, read-only JSON API: statements and their counts, with its OpenAPI description.

These views never touch the session, the user or the CSRF token, so they set no cookie and
add no `Vary: Cookie`: one cached response serves every reader.
"""

import json

from django.core.paginator import InvalidPage, Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from consult.embeds import statement_document, statement_documents
from consult.links import absolute
from consult.models import Statement
from consult.openapi import openapi_document
from consult.outcomes import outcome_documents
from consult.views.former_slugs import follow_former_slug
from consult.views.headers import open_cors, public_cache

PAGE_SIZE = 20
API_METHODS = ["GET", "HEAD", "OPTIONS"]


def not_found(detail: str) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=404)


def page_number(raw: str) -> int:
    """A page number from plain ASCII digits only (int() would also take "١" or " 1_0 "); else 0."""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else 0


def page_url(number: int) -> str:
    return absolute(reverse("api_statement_list")) + f"?page={number}"


@require_http_methods(API_METHODS)
@open_cors
@public_cache()
def statement_list(request: HttpRequest) -> HttpResponse:
    statements = Statement.objects.open().order_by("-created_at", "-pk")
    paginator = Paginator(statements, PAGE_SIZE)
    try:
        page = paginator.page(page_number(request.GET.get("page", "1")))
    except InvalidPage:
        return not_found(_("No such page."))
    return JsonResponse(
        {
            "count": paginator.count,
            "next": page_url(page.next_page_number()) if page.has_next() else None,
            "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
            "results": with_outcomes(statement_documents(page.object_list)),
        }
    )


@require_http_methods(API_METHODS)
@open_cors
@public_cache()
@follow_former_slug
def statement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    document = statement_document(slug)
    if document is None:
        return not_found(_("No public statement has this slug."))
    return JsonResponse(with_outcomes([document])[0])


def with_outcomes(documents: list[dict[str, object]]) -> list[dict[str, object]]:
    """The counts documents with what each statement leads to (consult/outcomes.py) beside them."""
    outcomes = outcome_documents(str(document["slug"]) for document in documents)
    return [{**document, **outcomes.get(str(document["slug"]), {})} for document in documents]


@require_http_methods(API_METHODS)
@open_cors
@public_cache(max_age=3600)
def openapi_json(request: HttpRequest) -> HttpResponse:
    return JsonResponse(openapi_document(), json_dumps_params={"indent": 2})


@require_safe
def api_docs(request: HttpRequest) -> HttpResponse:
    example = Statement.objects.public().order_by("-created_at").first()
    counts = statement_document(example.slug) if example else None
    document = with_outcomes([counts])[0] if counts else None
    context = {
        "example_slug": example.slug if example else "your-statement-slug",
        "example_json": json.dumps(document, indent=2) if document else None,
    }
    return render(request, "consult/api_docs.html", context)
