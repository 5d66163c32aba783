"""Taking part in the debate: submitting, endorsing and reporting arguments, recording positions.

Every view that changes something needs a logged-in account with a verified email address, so that
one person cannot endorse or argue under many throwaway accounts. Endorsing answers JSON to the
small script that enhances its form, and redirects back for everyone else.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from consult.forms.arguments import ArgumentForm, EndorseForm, PositionForm, ReportForm
from consult.models import Argument, ArgumentReport, Consultation, Position, Side
from consult.views.limits import TOO_MANY, over_limit, rate_limited, with_retry_after
from consult.views.pages import get_public_consultation, get_published_argument


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def next_url(request: HttpRequest, default: str) -> str:
    """Where to go back to: the page the form was on, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return candidate if safe and candidate.startswith("/") else default


def refuse(request: HttpRequest, message: str, status: int) -> HttpResponse:
    if wants_json(request):
        return JsonResponse({"error": message}, status=status)
    return render(request, "consult/refused.html", {"message": message}, status=status)


def verified_user_required(view: Callable) -> Callable:
    """Anonymous people are sent to log in; accounts without a verified email are asked to verify it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            if wants_json(request):
                return JsonResponse({"error": _("Log in to take part.")}, status=401)
            return_to = request.get_full_path() if request.method == "GET" else next_url(request, "/")
            return redirect_to_login(return_to)
        if not request.user.has_verified_email:
            if wants_json(request):
                return JsonResponse({"error": _("Verify your email address to take part.")}, status=403)
            return render(request, "consult/verify_email_needed.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def get_open_consultation(slug: str) -> Consultation:
    """Taking part (arguing, endorsing, positions) is for open consultations only."""
    return get_object_or_404(Consultation.objects.open(), slug=slug)


@require_http_methods(["GET", "POST"])
@verified_user_required
def submit_argument(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_open_consultation(slug)
    form_options = {"consultation": consultation, "author": request.user}
    limited = False
    if request.method == "POST":
        form = ArgumentForm(request.POST, **form_options)
        limited = over_limit(request, "argument", "FORM_RATE_LIMIT")
        if limited:
            form.is_valid()  # Keeps what they typed on the page.
            form.add_error(None, TOO_MANY)
        elif form.is_valid():
            form.save()
            messages.success(request, _("Thank you. Your argument is awaiting moderation."))
            return redirect("my_arguments")
    else:
        form = ArgumentForm(initial=answer_initial(request, consultation), **form_options)
    context = {"consultation": consultation, "form": form}
    if limited:
        response = render(request, "consult/argument_form.html", context, status=429)
        return with_retry_after(response, "FORM_RATE_LIMIT")
    return render(request, "consult/argument_form.html", context)


def answer_initial(request: HttpRequest, consultation: Consultation) -> dict:
    """ "Answer this argument" links pre-select the argument answered and the other side."""
    answered_pk = request.GET.get("answers", "")
    if not (answered_pk.isascii() and answered_pk.isdigit()) or len(answered_pk) > 18:
        return {}
    answered = consultation.arguments.published().filter(pk=int(answered_pk)).first()
    if answered is None:
        return {}
    other_side = Side.AGAINST if answered.side == Side.FOR else Side.FOR
    return {"answers": answered.pk, "side": other_side}


@require_POST
@verified_user_required
@rate_limited("endorse")
def endorse_argument(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_open_consultation(slug)
    argument = get_object_or_404(consultation.arguments.published(), pk=pk)
    form = EndorseForm(request.POST)
    if not form.is_valid():
        return refuse(request, _("Choose to endorse the argument or to take your endorsement back."), 400)
    if not argument.can_be_endorsed_by(request.user):
        return refuse(request, _("You cannot endorse your own argument."), 403)
    endorsed = form.cleaned_data["endorse"] == "yes"
    if endorsed:
        argument.endorse(request.user)
    else:
        argument.withdraw_endorsement(request.user)
    if wants_json(request):
        counted = get_published_argument(consultation, pk)
        return JsonResponse(
            {
                "endorsed": endorsed,
                "endorsement_count": counted.endorsement_count,
                "persuaded_count": counted.persuaded_count,
                "label": render_to_string("consult/_endorsement_count.html", {"argument": counted}).strip(),
            }
        )
    return redirect(next_url(request, argument.get_absolute_url()))


@require_POST
@verified_user_required
@rate_limited("position")
def record_position(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = get_open_consultation(slug)
    form = PositionForm(request.POST)
    back = next_url(request, consultation.get_absolute_url() + "#where-you-stand")
    if not form.is_valid():
        messages.error(request, _("Choose for, against or undecided."))
        return redirect(back)
    position = Position.record(consultation, request.user, form.cleaned_data["stance"])
    messages.success(
        request, _("Your position is recorded: %(stance)s.") % {"stance": position.get_stance_display()}
    )
    return redirect(back)


@require_http_methods(["GET", "POST"])
@verified_user_required
def report_argument(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = get_public_consultation(slug)
    argument = get_object_or_404(consultation.arguments.published(), pk=pk)
    context = {"consultation": consultation, "argument": argument}
    if ArgumentReport.objects.filter(argument=argument, reporter=request.user).exists():
        return render(request, "consult/report_done.html", {**context, "already": True})
    form = ReportForm(request.POST or None, instance=ArgumentReport(argument=argument, reporter=request.user))
    limited = False
    if request.method == "POST":
        limited = over_limit(request, "report", "FORM_RATE_LIMIT")
        if limited:
            form.is_valid()  # Keeps what they typed on the page.
            form.add_error(None, TOO_MANY)
        elif form.is_valid():
            try:
                with transaction.atomic():
                    form.save()
            except IntegrityError:  # A second tab sent the same report a moment earlier.
                pass
            return render(request, "consult/report_done.html", context)
    if limited:
        response = render(request, "consult/report_form.html", {**context, "form": form}, status=429)
        return with_retry_after(response, "FORM_RATE_LIMIT")
    return render(request, "consult/report_form.html", {**context, "form": form})


@login_required
def my_arguments(request: HttpRequest) -> HttpResponse:
    arguments = (
        Argument.objects.filter(author=request.user)
        .select_related("consultation", "organisation")
        .order_by("-created_at")
    )
    return render(request, "account/my_arguments.html", {"arguments": arguments})
