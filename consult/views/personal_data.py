"""A signer's copy of their data and its erasure, by a manage link or from their account."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from accounts.views import get_own_signature
from consult import personal_data
from consult.models import Signature
from consult.views.limits import rate_limited
from consult.views.signing import get_manage_token


def erased_page(request: HttpRequest, status: int = 200) -> HttpResponse:
    return render(request, "consult/sign/erased.html", status=status)


def data_download(signature: Signature) -> HttpResponse:
    response = JsonResponse(
        personal_data.export_for(signature), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    response["Content-Disposition"] = 'attachment; filename="my-signature-data.json"'
    return response


def erase_or_confirm(request: HttpRequest, signature: Signature, cancel_url: str) -> HttpResponse:
    """GET asks first; only the POST erases, so a link opened by a mail scanner erases nothing."""
    if request.method == "POST":
        personal_data.erase_for(signature)
        return redirect("signature_erased")
    signatures = Signature.objects.of_person(signature).select_related("statement")
    context = {"signature": signature, "signatures": signatures, "cancel_url": cancel_url}
    return render(request, "consult/sign/erase.html", context)


def get_unerased_signature(request: HttpRequest, token: str) -> Signature | None:
    signature = get_manage_token(request, token).signature
    return None if personal_data.is_erased(signature) else signature


@require_GET
@never_cache
def download(request: HttpRequest, token: str) -> HttpResponse:
    signature = get_unerased_signature(request, token)
    if signature is None:
        return erased_page(request, status=410)
    return data_download(signature)


@require_http_methods(["GET", "POST"])
@never_cache
@rate_limited("erase")
def erase(request: HttpRequest, token: str) -> HttpResponse:
    signature = get_unerased_signature(request, token)
    if signature is None:
        return erased_page(request, status=410)
    return erase_or_confirm(request, signature, cancel_url=reverse("signature_manage", args=[token]))


@require_GET
def erased(request: HttpRequest) -> HttpResponse:
    return erased_page(request)


@require_GET
@never_cache
@login_required
def account_download(request: HttpRequest, pk: int) -> HttpResponse:
    return data_download(get_own_signature(request.user, pk))


@require_http_methods(["GET", "POST"])
@never_cache
@login_required
@rate_limited("erase")
def account_erase(request: HttpRequest, pk: int) -> HttpResponse:
    return erase_or_confirm(request, get_own_signature(request.user, pk), cancel_url=reverse("my_signatures"))
