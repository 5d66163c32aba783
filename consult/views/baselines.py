"""The benchmark's two baselines: the ceilings the real endpoints are measured against.

They go through the same gunicorn, settings and middleware as every page (CSRF included), so a
ratio to them measures what the site's own code costs. They answer 404 unless the benchmark
turned them on with BENCHMARK_BASELINES, read at request time so a test can switch it.
"""

import secrets
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.views.decorators.http import require_GET, require_http_methods

from consult.models import BenchmarkRow


def baseline(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.BENCHMARK_BASELINES:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@baseline
@require_GET
def read(request: HttpRequest) -> JsonResponse:
    """A small JSON document with no query: the ceiling for the count endpoints."""
    return JsonResponse({"slug": "baseline", "signatures": 1000, "open": True})


@baseline
@require_http_methods(["GET", "POST"])
def write(request: HttpRequest) -> HttpResponse:
    """GET gives a CSRF token, as the sign form does; POST inserts one row in one transaction."""
    if request.method == "GET":
        return JsonResponse({"csrfmiddlewaretoken": get_token(request)})
    with transaction.atomic():
        row = BenchmarkRow.objects.create(payload=secrets.token_hex(16))
    return JsonResponse({"id": row.pk}, status=201)
