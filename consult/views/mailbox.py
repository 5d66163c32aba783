from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from consult.mailbox import read_messages


@require_GET
def mailbox(request: HttpRequest) -> HttpResponse:
    """The emails the site sent, with their links; only while DEBUG is on (checked per request)."""
    if not settings.DEBUG:
        raise Http404
    return render(request, "consult/sign/mailbox.html", {"mail": read_messages()})
