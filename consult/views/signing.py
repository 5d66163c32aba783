"""The signer's path: sign, check your email, confirm, thank you, manage or withdraw."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core import signing as core_signing
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consult import abuse, languages, signing
from consult.addresses import normalise_email
from consult.forms.signing import ListingForm, ResendForm, SignForm, UpdatesForm
from consult.links import absolute
from consult.models import ConsentEvent, Signature, SignatureToken, Statement
from consult.models.signing import token_digest
from consult.ratelimits import client_ip, ip_hash
from consult.views import filled_in, pages
from consult.views.limits import over_limit, rate_limited, too_many

logger = logging.getLogger(__name__)


def get_manage_token(request: HttpRequest, raw: str) -> SignatureToken:
    """The signature behind a manage link, or 404. Manage links never expire.

    An organisation's signature is the organisation's, not that of the member whose inbox has
    the link: it opens only for a current administrator, logged in (Signature.objects.of_person).
    """
    token = SignatureToken.find(raw, SignatureToken.Purpose.MANAGE)
    if token is None or not may_manage(request, token.signature):
        raise Http404
    return token


def may_manage(request: HttpRequest, signature: Signature) -> bool:
    """Anyone holding a person's link; for an organisation's, only its current administrators."""
    if signature.kind != Signature.Kind.ORGANISATION:
        return True
    user = request.user
    return user.is_authenticated and Signature.objects.of_person(user).filter(pk=signature.pk).exists()


# The address a signer typed, kept in a signed cookie for the "check your email" page only: a
# session would cost a database write per signature, and an address in the URL would reach logs.
SIGNED_AS_COOKIE = "signed_as"
SIGNED_AS_SALT = "consult.sign.signed-as"
SIGNED_AS_SECONDS = 3600


def sign_page(request: HttpRequest, statement: Statement, form: SignForm | None = None) -> HttpResponse:
    """The sign form on a page of its own; given back with its errors (and all its values) after a POST."""
    if form is None and statement.is_open:
        form = SignForm(user=request.user, statement=statement)
    status = 400 if form is not None and form.errors else 200
    return render(request, "consult/sign/sign.html", {"statement": statement, "form": form}, status=status)


def check_email_redirect(statement: Statement, email: str, public_role: str = "") -> HttpResponse:
    """To "check your email", remembering the address typed and any public role claimed: what was
    typed, never what was found, so the page says nothing about earlier signatures."""
    response = redirect("signature_check_email", slug=statement.slug)
    signed_as = {"email": email, "public_role": public_role} if public_role else email
    # Signed and base64-encoded: an address's non-ASCII characters could not go in a header as they are.
    response.set_cookie(
        SIGNED_AS_COOKIE,
        core_signing.dumps(signed_as, salt=SIGNED_AS_SALT),
        max_age=SIGNED_AS_SECONDS,
        path=response.url,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


# What a sign POST reads of its statement: whether it takes signatures, and what the page saying
# it is closed shows (each other column would cost a query of its own).
SIGNING = ("slug", "status", "opens_at", "closes_at", "title", "title_cy")


@never_cache
@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "GET":
        return filled_in.sign_page(request, lambda: sign_page(request, pages.get_public_statement(slug)))
    # Only what signing needs of the statement: the page shown again with errors reads it all.
    statement = get_object_or_404(Statement.objects.public().only(*SIGNING), slug=slug)
    if not statement.is_open:
        return render(request, "consult/sign/closed.html", {"statement": statement}, status=400)
    form = SignForm(request.POST, user=request.user, statement=statement)
    if not form.is_valid():
        return sign_page(request, pages.get_public_statement(slug), form)
    if form.honeypot_filled:
        # Only scripts fill a field people cannot see, with someone else's address as often as
        # not: saving it or emailing that address would help them, so nothing is kept or sent.
        logger.info("Honeypot filled on statement %s; nothing saved", statement.pk)
        return check_email_redirect(statement, form.cleaned_data.get("email", ""))
    # Only valid forms count towards the flood limit: typing mistakes behind a shared address
    # use none of it. Everything finer (the signing rules) is judged off the request.
    if over_limit(request, "sign", "SIGN_RATE_LIMIT"):
        return too_many(request, "SIGN_RATE_LIMIT")
    ip = client_ip(request)
    signals = {"dwell_seconds": form.dwell_seconds(), "address_range": abuse.address_range(ip)}
    fields = form.signature_fields() | signals
    hold, hashed_ip, language = form.hold, ip_hash(ip), languages.current()
    if not form.confirms_now:
        # The same one row whoever signs; whether the address signed before is found out after
        # the response (consult/signing.py), so neither this page nor its timing tells.
        signing.attempt_to_sign(
            statement, fields, hold=hold, ip_hash=hashed_ip, language=language, user=form.user
        )
        return check_email_redirect(statement, form.cleaned_data["email"], form.role_to_check)
    signature, signed_now = signing.sign(
        statement, fields, hold=hold, ip_hash=hashed_ip, language=language, user=form.user, confirm_now=True
    )
    if not signed_now:
        messages.info(request, _("You had already signed this statement."))
        return redirect("my_signatures")
    manage_token = SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)
    return redirect("signature_thanks", token=manage_token)


@never_cache
@require_GET
def check_email(request: HttpRequest, slug: str) -> HttpResponse:
    statement = pages.get_public_statement(slug)
    try:
        signed_as = core_signing.loads(
            request.COOKIES.get(SIGNED_AS_COOKIE, ""), salt=SIGNED_AS_SALT, max_age=SIGNED_AS_SECONDS
        )
    except core_signing.BadSignature:
        signed_as = ""
    # Just the address, or the address and the public role claimed (see check_email_redirect).
    if not isinstance(signed_as, dict):
        signed_as = {"email": signed_as}
    context = {
        "statement": statement,
        "email": signed_as.get("email", ""),
        "public_role": signed_as.get("public_role", ""),
    }
    return render(request, "consult/sign/check_email.html", context)


def invalid_link(request: HttpRequest, token: SignatureToken | None) -> HttpResponse:
    if token is None:
        reason, status = "unknown", 404
    elif token.used_at is not None:
        reason, status = "used", 410
    else:
        reason, status = "expired", 410
    context = {"reason": reason, "resend_form": ResendForm()}
    return render(request, "consult/sign/link_invalid.html", context, status=status)


def confirmable(token: SignatureToken | None) -> bool:
    """Whether a confirmation link still works: known, unused, unexpired, signature not withdrawn."""
    return (
        token is not None
        and token.is_usable
        and token.signature.state in (Signature.State.PENDING, Signature.State.CONFIRMED)
    )


# What confirming reads and writes: the token's use, and the signature's state and what its
# counters depend on (not the statement, nor the signer's details).
CONFIRMING = (
    "used_at",
    "expires_at",
    "signature_id",
    "signature__statement_id",
    "signature__state",
    "signature__kind",
    "signature__hold",
    "signature__role_status",
    "signature__postcode",
    "signature__confirmed_at",
)


# What the confirmation page shows: the statement's title, and whether the link still works.
CONFIRM_PAGE = (
    "used_at",
    "expires_at",
    "signature_id",
    "signature__state",
    "signature__statement_id",
    "signature__statement__title",
    "signature__statement__title_cy",
)


def by_link(request: HttpRequest, token: str) -> str:
    """A link is unguessable, so its limit is per link, not per client: a whole office
    confirming through one address is never refused."""
    return token_digest(token)


@require_http_methods(["GET", "POST"])
@rate_limited("confirm", "CONFIRM_RATE_LIMIT", key=by_link)
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button; only its POST confirms, so mail scanners following links sign nobody."""
    if request.method == "GET":
        found = SignatureToken.find(token, SignatureToken.Purpose.CONFIRM, columns=CONFIRM_PAGE)
        if not confirmable(found):
            return invalid_link(request, found)
        signature = found.signature
        return render(
            request, "consult/sign/confirm.html", {"signature": signature, "statement": signature.statement}
        )
    with transaction.atomic():
        # Locked as it is read, with its signature: a double click waits here, then finds the
        # token used.
        found = SignatureToken.find(token, SignatureToken.Purpose.CONFIRM, lock=True, columns=CONFIRMING)
        usable = confirmable(found)
        if usable:
            found.used_at = timezone.now()
            found.save(update_fields=["used_at"])
            found.signature.confirm(locked=True)
    if not usable:
        return invalid_link(request, found)
    manage_token = SignatureToken.issue(found.signature, SignatureToken.Purpose.MANAGE)
    return redirect("signature_thanks", token=manage_token)


@require_GET
def thanks(request: HttpRequest, token: str) -> HttpResponse:
    signature = get_manage_token(request, token).signature
    if not signature.email:
        return render(request, "consult/sign/erased.html", status=410)
    statement = signature.statement
    counts = statement.counts()
    context = {
        "signature": signature,
        "statement": statement,
        "counts": counts,
        "next_milestone": statement.next_milestone(counts.total),
        "share_url": absolute(statement.get_absolute_url()),
        "manage_url": reverse("signature_manage", args=[token]),
    }
    return render(request, "consult/sign/thanks.html", context)


@require_GET
def manage(request: HttpRequest, token: str) -> HttpResponse:
    signature = get_manage_token(request, token).signature
    if not signature.email:  # Erased by its signer, or anonymised under the retention schedule.
        return render(request, "consult/sign/erased.html", status=410)
    context = {
        "signature": signature,
        "statement": signature.statement,
        "token": token,
        "updates_form": UpdatesForm(initial={"wants_updates": signature.wants_updates}),
        # Only an individual's name is listed by choice (organisations and public roles are listed apart).
        "listing_form": (
            ListingForm(initial={"show_name": signature.show_name})
            if signature.kind == Signature.Kind.INDIVIDUAL
            else None
        ),
    }
    return render(request, "consult/sign/manage.html", context)


@require_POST
def withdraw(request: HttpRequest, token: str) -> HttpResponse:
    signature = get_manage_token(request, token).signature
    if signature.withdraw():
        messages.success(request, _("Your signature is withdrawn. It no longer counts."))
    return redirect("signature_manage", token=token)


@require_POST
def change_updates(request: HttpRequest, token: str) -> HttpResponse:
    signature = get_manage_token(request, token).signature
    if not signature.email:  # Nobody left to email.
        return render(request, "consult/sign/erased.html", status=410)
    form = UpdatesForm(request.POST)
    form.is_valid()  # A checkbox: absent or anything else is "off"; it cannot be invalid.
    wants_updates = form.cleaned_data.get("wants_updates", False)
    if wants_updates != signature.wants_updates:
        ConsentEvent.record(signature, wants_updates, ConsentEvent.Source.MANAGE_LINK)
    if wants_updates:
        messages.success(request, _("We will email you updates about this statement."))
    else:
        messages.success(request, _("We will not email you updates about this statement."))
    return redirect("signature_manage", token=token)


@require_POST
def change_listing(request: HttpRequest, token: str) -> HttpResponse:
    """List or unlist the signer's name without withdrawing the signature."""
    signature = get_manage_token(request, token).signature
    if not signature.email:  # Erased: there is no name left to list.
        return render(request, "consult/sign/erased.html", status=410)
    form = ListingForm(request.POST)
    form.is_valid()  # A checkbox: absent or anything else is "off"; it cannot be invalid.
    show_name = form.cleaned_data.get("show_name", False)
    if signature.state == Signature.State.WITHDRAWN or signature.kind != Signature.Kind.INDIVIDUAL:
        return redirect("signature_manage", token=token)  # Nothing to list: the page says why.
    signature.set_listed(show_name)
    if show_name:
        messages.success(request, _("Your name will be shown in the public list of signatories."))
    else:
        messages.success(
            request, _("Your name will not be shown in the public list. Your signature still counts.")
        )
    return redirect("signature_manage", token=token)


@require_http_methods(["GET", "POST"])
@rate_limited("form")
def resend(request: HttpRequest) -> HttpResponse:
    """A new confirmation link for pending signatures; the answer never says whether there were any."""
    form = ResendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Whether the address has pending signatures is found out after the response.
        signing.attempt_to_resend(normalise_email(form.cleaned_data["email"]), ip_hash(client_ip(request)))
        return render(request, "consult/sign/resent.html")
    status = 400 if request.method == "POST" else 200
    return render(request, "consult/sign/resend.html", {"resend_form": form}, status=status)
