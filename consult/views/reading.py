"""Reading pages a CDN can carry: one shared copy for every anonymous reader, private pages for the rest.

A reader who is not logged in gets the page every such reader gets: no cookie, no form needing a
CSRF token, `Cache-Control: public` for PAGE_CACHE_SECONDS (twice that while a cache refreshes it,
five times when the site fails), and an ETag and Last-Modified answered with 304. Without a CDN
the site keeps that copy itself in the shared cache (caching.remembered), so a flood of readers
costs one rendering per page every few seconds. Its `Age` header says how old it is, so no cache
downstream keeps a count longer than max-age after it was read.

A logged-in reader's page shows their own endorsements, position and forms: private, built afresh.
"""

import hashlib
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from consult import caching, languages
from consult.views.headers import cache_publicly

View = Callable[..., HttpResponse]

# Each process also keeps the copies it read for a second: a flood of readers then costs one
# cache round trip per page per second per process (the embeds do the same).
LOCAL_SECONDS = 1.0
LOCAL_MAX = 500
local_copies: dict[str, tuple[float, "Copy"]] = {}


@dataclass(frozen=True)
class Copy:
    """A rendered page as every anonymous reader gets it."""

    built_at: float
    content: bytes
    content_type: str
    etag: str

    def response(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(self.content, content_type=self.content_type)
        response.headers["Age"] = str(max(0, int(time.time() - self.built_at)))
        return validated(request, response, self.etag, self.built_at)


def validated(request: HttpRequest, response: HttpResponse, etag: str, built_at: float) -> HttpResponse:
    """Public headers and validators on a page any reader may share; a 304 when theirs still matches."""
    cache_publicly(response, settings.PAGE_CACHE_SECONDS)
    response.headers["ETag"] = etag
    response.headers["Last-Modified"] = http_date(built_at)
    answer = get_conditional_response(request, etag=etag, last_modified=int(built_at), response=response)
    return answer or response


def has_pending_messages(request: HttpRequest) -> bool:
    """Whether a message waits for this reader ("your signature is withdrawn"): their page is their own."""
    return CookieStorage.cookie_name in request.COOKIES or SessionStorage.session_key in request.session


def is_anonymous_reader(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not has_pending_messages(request)
    )


def shareable(request: HttpRequest, response: HttpResponse) -> bool:
    """Whether this rendering is the same for every anonymous reader: no token, nonce or cookie in it."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and getattr(request, "_csp_nonce", None) is None
    )


def copy_of(response: HttpResponse) -> Copy:
    etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
    return Copy(time.time(), response.content, response["Content-Type"], etag)


def shared_copy(key: str, build: Callable[[], Copy | None]) -> Copy | None:
    """The copy kept under `key`, from this process's memory for a second, else the shared cache."""
    now = time.monotonic()
    kept = local_copies.get(key)
    if kept is not None and now - kept[0] < LOCAL_SECONDS:
        return kept[1]
    found = caching.remembered(key, settings.PAGE_CACHE_SECONDS, build)
    if isinstance(found, Copy):
        if len(local_copies) >= LOCAL_MAX:
            local_copies.clear()
        local_copies[key] = (now, found)
        return found
    return None


def copy_key(request: HttpRequest) -> str:
    # The language and the reader's kind are in the key as well as the path, so that no change of
    # URL scheme can ever hand a Welsh page to an English reader, or a member's page to anyone.
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    return f"pages:anonymous:{languages.current()}:{path}"


def reading_page(shared_params: Collection[str] = ()) -> Callable[[View], View]:
    """Serve a reading page from one shared copy to anonymous readers (see the module's docstring).

    `shared_params` are the query parameters the page answers to (an ordering, say); a request
    with any other is still public but rendered for itself, so junk parameters fill no cache.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not is_anonymous_reader(request):
                return private(view(request, *args, **kwargs))
            rendered: list[HttpResponse] = []

            def build() -> Copy | None:
                response = view(request, *args, **kwargs)
                rendered.append(response)
                return copy_of(response) if shareable(request, response) else None

            if set(request.GET) <= set(shared_params):
                copy = shared_copy(copy_key(request), build)
            else:
                copy = build()
            if copy is not None:
                return copy.response(request)
            # A rendering that is not the same for everyone (an error, a token): this reader's only.
            return private(rendered[0])

        return wrapped

    return decorator


def private(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, private=True, no_cache=True)
    return response
