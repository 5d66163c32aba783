"""Response headers for the public, cookie-free endpoints: the API, the embeds and oEmbed (and the
reading pages, see consult/views/reading.py).

A CDN in front of the site may keep these responses for PUBLIC_RESPONSE_SECONDS, serve them while
refreshing for twice that, and serve them stale for five times that when the site is failing, so
a slow or failing site still answers readers. A strong ETag over the body lets every client and
CDN revalidate with a 304 instead of a full body.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control

PUBLIC_RESPONSE_SECONDS = 10

View = Callable[..., HttpResponse]


def cache_publicly(response: HttpResponse, max_age: int) -> None:
    """Let any cache keep `response` for max_age, serve it while refreshing for 2x, when failing for 5x."""
    patch_cache_control(
        response,
        public=True,
        max_age=max_age,
        stale_while_revalidate=2 * max_age,
        stale_if_error=5 * max_age,
    )


def public_cache(max_age: int = PUBLIC_RESPONSE_SECONDS) -> Callable[[View], View]:
    """Mark a response publicly cacheable, give it a strong ETag and answer If-None-Match with 304."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            response = view(request, *args, **kwargs)
            cache_publicly(response, max_age)
            if response.status_code != 200:
                return response
            etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
            response.headers["ETag"] = etag
            return get_conditional_response(request, etag=etag, response=response)

        return wrapped

    return decorator


def open_cors(view: View) -> View:
    """Let any site read the response from a script, without credentials; answer preflights."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
            response.headers["Access-Control-Max-Age"] = "86400"
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
        else:
            response = view(request, *args, **kwargs)
            response.headers["Access-Control-Expose-Headers"] = "ETag"
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response

    return wrapped
