"""The sign page for anonymous signers: rendered once a second per page, then filled in for each.

Every signer loads the sign form. For a signer who is not logged in the page differs from one
signer to the next in two values only: the CSRF token and the form's timing token. Each process
keeps the page it last rendered for a second, with stand-ins where those two values were, and
fills in fresh ones for every other signer: a string replacement instead of a rendering. The page
is as old as a reading page's shared copy at most (consult/views/reading.py); a logged-in signer,
a signer with a message waiting, or an address with a query string gets a page rendered for them.
"""

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

from consult import languages
from consult.forms.signing import timing_token
from consult.views.reading import is_anonymous_reader

LOCAL_SECONDS = 1.0
LOCAL_MAX = 500

# The two hidden inputs as Django renders them: {% csrf_token %} and the form's `started` field.
CSRF_INPUT = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="([A-Za-z0-9]+)">')
TIMING_INPUT = re.compile(rb'<input type="hidden" name="started" value="([A-Za-z0-9_\-:]+)"')
# Random in each process, so that no text of a statement can contain them.
CSRF_STAND_IN = f"csrf-stand-in-{secrets.token_hex(16)}".encode()
TIMING_STAND_IN = f"timing-stand-in-{secrets.token_hex(16)}".encode()


@dataclass(frozen=True)
class Blank:
    """A rendered page with stand-ins for the values each signer gets a fresh one of."""

    content: bytes
    content_type: str

    def filled_in(self, request: HttpRequest) -> HttpResponse:
        content = self.content.replace(CSRF_STAND_IN, get_token(request).encode())
        content = content.replace(TIMING_STAND_IN, timing_token().encode())
        return HttpResponse(content, content_type=self.content_type)


blanks: dict[str, tuple[float, Blank]] = {}


def blank_of(request: HttpRequest, response: HttpResponse) -> Blank | None:
    """The page with its two values taken out, or None if it is not one every anonymous signer gets."""
    if (
        response.status_code != 200
        or response.streaming
        or response.cookies
        or getattr(request, "_csp_nonce", None) is not None
    ):
        return None
    content = response.content
    csrf, timing = CSRF_INPUT.findall(content), TIMING_INPUT.findall(content)
    if len(csrf) != 1 or len(timing) != 1 or content.count(csrf[0]) != 1 or content.count(timing[0]) != 1:
        return None  # A closed statement's page, or one whose form has changed: rendered each time.
    content = content.replace(csrf[0], CSRF_STAND_IN).replace(timing[0], TIMING_STAND_IN)
    return Blank(content, response["Content-Type"])


def sign_page(request: HttpRequest, render: Callable[[], HttpResponse]) -> HttpResponse:
    """The page `render` makes, filled in from this process's blank of it when one is fresh."""
    if request.GET or not is_anonymous_reader(request):
        return render()
    key = f"{languages.current()}:{request.path}"
    now = time.monotonic()
    kept = blanks.get(key)
    if kept is not None and now - kept[0] < LOCAL_SECONDS:
        return kept[1].filled_in(request)
    response = render()
    blank = blank_of(request, response)
    if blank is not None:
        if len(blanks) >= LOCAL_MAX:
            blanks.clear()
        blanks[key] = (now, blank)
    return response
