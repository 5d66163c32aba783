from urllib.parse import quote

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from config.log_filters import redact


def site(request: HttpRequest) -> dict:
    operator = {
        "name": settings.OPERATOR_NAME,
        "email": settings.OPERATOR_EMAIL,
        "address": settings.OPERATOR_ADDRESS,
        "registration": settings.OPERATOR_REGISTRATION,
        "ico_number": settings.OPERATOR_ICO_NUMBER,
    }
    return {
        "SITE_URL": settings.SITE_URL,
        "DEBUG_MAILBOX": settings.DEBUG,
        "OPERATOR": operator,
        "FEEDBACK_URL": feedback_url(request),
    }


def feedback_url(request: HttpRequest) -> str:
    """The phase banner's link, saying which page it was followed from, never with a signer's token."""
    return f"{reverse('feedback')}?from={quote(redact(request.path))}"
