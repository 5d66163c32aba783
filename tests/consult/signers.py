"""Helpers shared by the signing tests: a filled-in sign form and the links in sent emails."""

import re
import time

from django.core import mail, signing
from django.urls import reverse

from consult.forms.signing import TIMING_SALT

LINK = re.compile(r"https?://[^\s<>\"]+")


def served_token(seconds_ago: float = 30) -> str:
    """The timing token of a form served `seconds_ago`, as a person would submit it."""
    return signing.dumps(time.time() - seconds_ago, salt=TIMING_SALT)


def sign_data(**overrides) -> dict:
    data = {
        "name": "Jo Bloggs",
        "email": "jo@example.org",
        "postcode": "",
        "website": "",
        "started": served_token(),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_sign(client, statement, capture, **overrides):
    """POST the sign form and run what was queued after commit (the email task), as production would."""
    with capture(execute=True):
        return client.post(reverse("statement_sign", args=[statement.slug]), sign_data(**overrides))


def links_in(message) -> list[str]:
    return LINK.findall(message.body)


def link_to(path_fragment: str, message=None) -> str:
    """The path of the first link containing `path_fragment` in `message` (default: the last email)."""
    message = message or mail.outbox[-1]
    from django.conf import settings

    url = next(link for link in links_in(message) if path_fragment in link)
    assert url.startswith(settings.SITE_URL)
    return url[len(settings.SITE_URL) :]
