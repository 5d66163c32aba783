"""A statement's old web addresses keep working: every view named by a statement's slug answers
a former slug with a permanent redirect to the same view under the slug in use now.

The lookup runs only when the view found nothing, so a statement's own address costs nothing more.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.urls import reverse

from consult.models import StatementSlug

View = Callable[..., HttpResponse]


def redirect_to_current(request: HttpRequest, slug: str) -> HttpResponse | None:
    """A 301 to this request's view with the slug that replaced `slug`, or None if none did."""
    current = StatementSlug.current(slug)
    if current is None:
        return None
    match = request.resolver_match
    if match is None:  # Called other than through the URLconf.
        return None
    url = reverse(match.view_name, args=match.args, kwargs={**match.kwargs, "slug": current})
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return redirect(url)


def redirect(url: str) -> HttpResponse:
    response = HttpResponsePermanentRedirect(url)
    # Embeds (an <img>, an iframe) on pages that require it may follow it from another origin.
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def follow_former_slug(view: View) -> View:
    """Redirect a former slug of a statement (see StatementSlug) to its slug now."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        slug = kwargs["slug"] if "slug" in kwargs else args[0]
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            redirected = redirect_to_current(request, slug)
            if redirected is None:
                raise
            return redirected
        if response.status_code == 404:
            return redirect_to_current(request, slug) or response
        return response

    return wrapped
