from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from development.mailbox import read_messages


@require_GET
def mailbox(request: HttpRequest) -> HttpResponse:
    """The emails the site sent, with their links."""
    return render(request, "development/mailbox.html", {"mail": read_messages()})
