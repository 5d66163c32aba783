"""The benchmark's two baselines: the ceilings the real endpoints are measured against.

They go through the same gunicorn, settings and middleware as every page (CSRF included), so a
ratio to them measures what the site's own code costs.
"""

import secrets

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_GET, require_http_methods

from baselines.models import BenchmarkRow


@require_GET
def read(request: HttpRequest) -> JsonResponse:
    """A small JSON document with no query: the ceiling for the count endpoints."""
    return JsonResponse({"slug": "baseline", "signatures": 1000, "open": True})


@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    """GET gives a CSRF token, as the sign form does; POST inserts one row in one transaction."""
    if request.method == "GET":
        return JsonResponse({"csrfmiddlewaretoken": get_token(request)})
    with transaction.atomic():
        row = BenchmarkRow.objects.create(payload=secrets.token_hex(16))
    return JsonResponse({"id": row.pk}, status=201)
