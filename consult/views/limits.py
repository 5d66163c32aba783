"""Rate limits on views: one decorator, one "too many" answer.

Every limit is a rate setting (`60/h`, checked at start by config/checks.py) counted per key: by
default the client's hashed address, or whatever the view's key function returns, such as the
digest of a link's token. Over it, the answer is 429 with Retry-After, the time until the window
ends: the page templates/consult/too_many.html, or JSON for the scripts that ask for it.

Views whose limit depends on what the request turned out to be (only valid sign forms count,
only bad unsubscribe links) call `over_limit` themselves. Forms holding text someone took a while
to write (an argument, a report, feedback) are shown again with `TOO_MANY` as their error and
the same status and header, so nothing typed is lost.
"""

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy

from consult.ratelimits import client_ip, ip_hash, is_over, seconds_left

Key = Callable[..., str]
View = Callable[..., HttpResponse]
Decorator = Callable[[View], View]

TOO_MANY = gettext_lazy("You have done that too often. Please wait a while.")


def by_client(request: HttpRequest, *args: Any, **kwargs: Any) -> str:
    """The client's address, hashed: behind one address people share one limit."""
    return ip_hash(client_ip(request))


def over_limit(
    request: HttpRequest, scope: str, setting: str, key: Key = by_client, *args: Any, **kwargs: Any
) -> bool:
    """Count this request in `scope` under its key; True once over the rate named by `setting`."""
    return is_over(scope, key(request, *args, **kwargs), getattr(settings, setting))


def with_retry_after(response: HttpResponse, setting: str) -> HttpResponse:
    response["Retry-After"] = str(seconds_left(getattr(settings, setting)))
    return response


def too_many(request: HttpRequest, setting: str) -> HttpResponse:
    """The one 429 answer: a page, or JSON for a script, saying when to try again."""
    wait = seconds_left(getattr(settings, setting))
    if "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse({"error": str(TOO_MANY)}, status=429)
    else:
        try_again = timezone.localtime() + datetime.timedelta(seconds=wait)
        response = render(request, "consult/too_many.html", {"try_again": try_again}, status=429)
    response["Retry-After"] = str(wait)
    return response


def rate_limited(scope: str, setting: str = "FORM_RATE_LIMIT", key: Key = by_client) -> Decorator:
    """Refuse a view's POSTs over the rate named by `setting`, counted per `key` in `scope`.

    `key` gets the view's own arguments; GETs change nothing, so they are never counted.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST" and over_limit(request, scope, setting, key, *args, **kwargs):
                return too_many(request, setting)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
