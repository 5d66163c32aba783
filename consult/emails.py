"""Emails to signers: one small function per email, each rendered from a template triplet.

templates/emails/<name>_subject.txt, <name>_message.txt and <name>_message.html give the
subject, the plain text and the HTML part. Links are absolute, built from SITE_URL (never
from a request's Host header). Every email to a signer carries a link to manage the signature.
Each email is written in its reader's language, links included (a Welsh signer's go to /cy/).
"""

import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from consult import languages
from consult.models import OutboundEmail, Signature, SignatureToken


def is_permanent(error: Exception) -> bool:
    """Whether a failed send was refused for good (a 5xx reply), not just for now (4xx, no answer)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def build(name: str, to: str, context: dict, language: str) -> EmailMultiAlternatives:
    with languages.override(language):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        text = render_to_string(f"emails/{name}_message.txt", context)
        html = render_to_string(f"emails/{name}_message.html", context)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    message.attach_alternative(html, "text/html")
    return message


def signer_context(signature: Signature, manage_token: str | None = None) -> dict:
    """What every email to a signer shows; `manage_token` when the caller issued one already."""
    if manage_token is None:
        manage_token = SignatureToken.issue(signature, SignatureToken.Purpose.MANAGE)
    return {
        "signature": signature,
        "statement": signature.statement,
        "statement_url": absolute(signature.statement.get_absolute_url()),
        "manage_url": absolute(reverse("signature_manage", args=[manage_token])),
        "SITE_URL": settings.SITE_URL,
    }


def confirmation(signature: Signature, again: bool = False) -> EmailMultiAlternatives:
    confirm_token = SignatureToken.issue(signature, SignatureToken.Purpose.CONFIRM)
    with languages.override(signature.language):
        context = signer_context(signature) | {
            "confirm_url": absolute(reverse("signature_confirm", args=[confirm_token])),
            "again": again,
        }
    return build("signature_confirm", signature.email, context, signature.language)


def already_signed(signature: Signature) -> EmailMultiAlternatives:
    with languages.override(signature.language):
        context = signer_context(signature)
    return build("signature_already_signed", signature.email, context, signature.language)


def for_outbound(outbound: OutboundEmail) -> EmailMultiAlternatives | None:
    """The email an outbox row stands for (its links' tokens stored), or None if it is moot now."""
    signature = outbound.signature
    if outbound.kind != OutboundEmail.Kind.ALREADY_SIGNED and signature.state != Signature.State.PENDING:
        return None  # Confirmed or withdrawn meanwhile: a confirmation link would be useless.
    if outbound.kind == OutboundEmail.Kind.ALREADY_SIGNED:
        return already_signed(signature)
    return confirmation(signature, again=outbound.kind == OutboundEmail.Kind.CONFIRM_AGAIN)
