"""The public policies: what the site keeps and for how long, and how it moderates."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from consult import retention


def privacy(request: HttpRequest) -> HttpResponse:
    context = {
        "ip_hash_days": settings.IP_HASH_RETENTION_DAYS,
        "anonymise_after_days": settings.ANONYMISE_AFTER_CLOSE_DAYS,
        "retention": retention.schedule(),
    }
    return render(request, "consult/privacy.html", context)


def moderation_policy(request: HttpRequest) -> HttpResponse:
    return render(request, "consult/moderation_policy.html")
