"""The account pages that are the site's own (allauth provides the rest): "Your name" and
"My signatures"."""

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import DisplayNameForm
from accounts.models import User
from consult.forms.signing import UpdatesForm
from consult.models import ConsentEvent, Signature


def get_own_signature(user, pk: int) -> Signature:
    """One of the user's signatures (Signature.objects.of_person says which), or 404."""
    return get_object_or_404(Signature.objects.of_person(user), pk=pk)


@require_http_methods(["GET", "POST"])
@login_required
def display_name(request: HttpRequest) -> HttpResponse:
    """The name shown beside the person's arguments and to their organisations' members."""
    user = cast(User, request.user)  # Logged in: login_required.
    form = DisplayNameForm(request.POST or None, instance=user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your name is saved."))
        return redirect("account_name")
    status = 400 if form.errors else 200
    return render(request, "account/display_name.html", {"form": form}, status=status)


@require_GET
@login_required
def my_signatures(request: HttpRequest) -> HttpResponse:
    signatures = (
        Signature.objects.of_person(cast(User, request.user))  # Logged in: login_required.
        .select_related("statement", "organisation")
        .order_by("-created_at")
    )
    return render(request, "account/my_signatures.html", {"signatures": signatures})


@require_POST
@login_required
def withdraw_signature(request: HttpRequest, pk: int) -> HttpResponse:
    signature = get_own_signature(request.user, pk)
    if signature.withdraw():
        messages.success(
            request, _("Your signature on “%(title)s” is withdrawn.") % {"title": signature.statement.title}
        )
    return redirect("my_signatures")


@require_POST
@login_required
def change_signature_updates(request: HttpRequest, pk: int) -> HttpResponse:
    signature = get_own_signature(request.user, pk)
    form = UpdatesForm(request.POST)
    form.is_valid()  # A checkbox cannot be invalid: absent is "off".
    wants_updates = form.cleaned_data.get("wants_updates", False)
    if wants_updates != signature.wants_updates:
        ConsentEvent.record(signature, wants_updates, ConsentEvent.Source.ACCOUNT)
    messages.success(request, _("Your email preference is saved."))
    return redirect("my_signatures")
