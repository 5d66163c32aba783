"""A new staff member's first visit: where they were going, kept through setting up two-factor.

allauth keeps `next=` through logging in and confirming the email address, but its two-factor
set-up ends on the recovery codes page, which knows nothing of it. The admin notes the page it
sent them from, and that page offers the way back once the codes are saved.
"""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

SESSION_KEY = "onboarding_next"


def remember_destination(request: HttpRequest, url: str) -> None:
    request.session[SESSION_KEY] = url


def destination(request: HttpRequest) -> str:
    """The page to go on to, if it is one of this site's; else an empty string."""
    url = request.session.get(SESSION_KEY, "")
    safe = isinstance(url, str) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else ""


def forget_destination(request: HttpRequest) -> None:
    if SESSION_KEY in request.session:
        del request.session[SESSION_KEY]
