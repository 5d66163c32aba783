"""Unsubscribing from update emails: one click, no account, no cookie, links that never expire."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from consult.emails import signature_for_unsubscribe
from consult.models import ConsentEvent, Signature
from consult.views.limits import over_limit, too_many


def unsubscribe_everywhere(signature: Signature) -> int:
    """Stop updates about every statement this person signed."""
    signatures = Signature.objects.of_person(signature).filter(wants_updates=True)
    for each in signatures:
        ConsentEvent.record(each, False, ConsentEvent.Source.UNSUBSCRIBE)
    return len(signatures)


# The signed token in the URL is the credential: mail clients POST here without cookies or a
# CSRF token (the standard one-click unsubscribe), so CSRF protection cannot apply.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    signature = signature_for_unsubscribe(token)
    if signature is None:
        # Only bad links count against the rate limit: a valid one always works.
        if over_limit(request, "unsubscribe", "FORM_RATE_LIMIT"):
            return too_many(request, "FORM_RATE_LIMIT")
        return render(request, "consult/unsubscribe_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "consult/unsubscribe.html", {"signature": signature, "token": token})
    if request.POST.get("scope") == "all":
        unsubscribe_everywhere(signature)
        scope = "all"
    else:
        # "List-Unsubscribe=One-Click" from a mail client, or the "this statement" button.
        if signature.wants_updates:
            ConsentEvent.record(signature, False, ConsentEvent.Source.UNSUBSCRIBE)
        scope = "statement"
    return render(request, "consult/unsubscribed.html", {"signature": signature, "scope": scope})
