"""Emails to signers: one small function per email, each rendered from a template triplet.

templates/emails/<name>_subject.txt, <name>_message.txt and <name>_message.html give the
subject, the plain text and the HTML part. Links are absolute, built from SITE_URL (never
from a request's Host header). Every email to a signer carries a link to manage the signature.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from consult.models import OutboundEmail, Signature, SignatureToken


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def send(name: str, to: str, context: dict, language: str) -> None:
    with translation.override(language):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}_message.txt", context)
        html = render_to_string(f"emails/{name}_message.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    message.send()


def signer_context(signature: Signature) -> dict:
    manage_token = SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)
    return {
        "signature": signature,
        "statement": signature.statement,
        "statement_url": absolute(signature.statement.get_absolute_url()),
        "manage_url": absolute(reverse("signature_manage", args=[manage_token])),
        "SITE_URL": settings.SITE_URL,
    }


def send_confirmation(signature: Signature, again: bool = False) -> None:
    confirm_token = SignatureToken.issue(signature, SignatureToken.Purpose.CONFIRM)
    context = signer_context(signature) | {
        "confirm_url": absolute(reverse("signature_confirm", args=[confirm_token])),
        "again": again,
    }
    send("signature_confirm", signature.email, context, signature.language)


def send_already_signed(signature: Signature) -> None:
    send("signature_already_signed", signature.email, signer_context(signature), signature.language)


def send_for_outbound(outbound: OutboundEmail) -> None:
    signature = outbound.signature
    if outbound.kind != OutboundEmail.Kind.ALREADY_SIGNED and signature.state != Signature.State.PENDING:
        return  # Confirmed or withdrawn meanwhile: a confirmation link would be useless.
    if outbound.kind == OutboundEmail.Kind.ALREADY_SIGNED:
        send_already_signed(signature)
    else:
        send_confirmation(signature, again=outbound.kind == OutboundEmail.Kind.CONFIRM_AGAIN)
