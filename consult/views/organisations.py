"""Organisations: registering one, its members, proposing statements, and its public page."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consult.forms.organisations import AddMemberForm, OrganisationForm, ReasonForm, StatementProposalForm
from consult.models import Membership, Organisation, Signature, Statement
from consult.views.limits import rate_limited


def verified_email_required(view: Callable) -> Callable:
    """Log in first; then, without a verified email address, a page saying how to verify it."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_verified_email:
            return render(request, "consult/organisations/verify_email.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


def get_member_organisation(user, slug: str) -> Organisation:
    """The organisation with this slug if the user is one of its members, else 404."""
    return get_object_or_404(Organisation.objects.of_member(user), slug=slug)


def get_administered_organisation(user, slug: str) -> Organisation:
    """The organisation with this slug if the user is one of its administrators, else 404."""
    return get_object_or_404(Organisation.objects.administered_by(user), slug=slug)


def get_public_organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.verified(), slug=slug)


def render_my_organisations(request: HttpRequest, failed_form: AddMemberForm | None = None) -> HttpResponse:
    organisations = (
        Organisation.objects.of_member(request.user)
        .prefetch_related(
            Prefetch(
                "memberships", queryset=Membership.objects.select_related("user").order_by("created_at")
            ),
            Prefetch("proposed_statements", queryset=Statement.objects.select_related("consultation")),
        )
        .order_by("name")
    )
    for organisation in organisations:
        # Only administrators add members, so only they are offered the form.
        organisation.administered = any(
            membership.is_admin and membership.user_id == request.user.pk
            for membership in organisation.memberships.all()
        )
        if not organisation.administered:
            organisation.add_member_form = None
        elif failed_form is not None and failed_form.organisation.pk == organisation.pk:
            organisation.add_member_form = failed_form
        else:
            organisation.add_member_form = AddMemberForm(organisation=organisation)
    context = {"organisations": organisations, "failed_form": failed_form}
    return render(request, "consult/organisations/mine.html", context)


@require_GET
@verified_email_required
def my_organisations(request: HttpRequest) -> HttpResponse:
    return render_my_organisations(request)


@require_http_methods(["GET", "POST"])
@verified_email_required
def register_organisation(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = form.save(request.user)
        messages.success(
            request,
            _("%(name)s is registered. A moderator will verify it; until then its signatures are held.")
            % {"name": organisation.name},
        )
        return redirect("my_organisations")
    return render(request, "consult/organisations/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
@verified_email_required
@rate_limited("add_member", "ADD_MEMBER_RATE_LIMIT")
def add_member(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_administered_organisation(request.user, slug)
    if request.method == "GET":
        # The form's error page is shown at this address, and its language switcher links here.
        return redirect("my_organisations")
    form = AddMemberForm(request.POST, organisation=organisation)
    if not form.is_valid():
        return render_my_organisations(request, failed_form=form)
    form.save()
    messages.success(request, _("%(email)s is now a member.") % {"email": form.cleaned_data["email"]})
    return redirect("my_organisations")


@require_POST
@verified_email_required
def leave_organisation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_member_organisation(request.user, slug)
    membership = organisation.memberships.get(user=request.user)
    if membership.leave():
        messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
    else:
        messages.error(
            request,
            _("You are the last member of %(name)s. Add someone else before you leave.")
            % {"name": organisation.name},
        )
    return redirect("my_organisations")


@require_http_methods(["GET", "POST"])
@verified_email_required
def propose_statement(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_member_organisation(request.user, slug)
    if not organisation.is_verified:
        context = {"organisation": organisation}
        return render(request, "consult/organisations/not_verified.html", context, status=403)
    form = StatementProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        statement = form.save(organisation, request.user)
        messages.success(
            request,
            _("“%(title)s” is proposed. A moderator will review it before it opens for signatures.")
            % {"title": statement.title},
        )
        return redirect("my_organisations")
    return render(request, "consult/organisations/propose.html", {"form": form, "organisation": organisation})


@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The public page of a verified organisation. No form on it, so readers get no cookie."""
    organisation = get_public_organisation(slug)
    signatures = (
        Signature.objects.counted()
        .filter(
            organisation=organisation,
            kind=Signature.Kind.ORGANISATION,
            statement__in=Statement.objects.public(),
        )
        .select_related("statement")
        .order_by("-confirmed_at")
    )
    context = {
        "organisation": organisation,
        "signed": [signature.statement for signature in signatures],
        "proposed": organisation.proposed_statements.public(),
        "arguments": organisation.arguments.published().select_related("consultation"),
    }
    return render(request, "consult/organisations/detail.html", context)


def reason_step(
    modeladmin, request: HttpRequest, queryset: QuerySet, *, title: str, decide: Callable, done: str
) -> TemplateResponse | None:
    """The admin's intermediate page asking a moderator for the reason of a bulk decision.

    Called from a ModelAdmin action: the first post shows the page, the second (with a reason)
    calls `decide(obj, reason)` on each selected object, which returns whether it applied, and
    reports how many did with the `done` message (a format string with %(count)d).
    """
    form = ReasonForm(request.POST if "apply" in request.POST else None)
    if form.is_valid():
        count = sum(bool(decide(obj, form.cleaned_data["reason"])) for obj in queryset)
        skipped = len(queryset) - count
        messages.success(request, done % {"count": count})
        if skipped:
            messages.warning(
                request,
                _("%(count)d selected did not apply and were left as they were.") % {"count": skipped},
            )
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        # A count and the first hundred: a selection across a million signatures must not load them all.
        "count": queryset.count(),
        "preview": queryset[:100],
        "action": request.POST.get("action", ""),
        "opts": queryset.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "consult/organisations/admin_reason.html", context)
