"""A signer's rights over their data: a copy of everything held about them, and erasure.

Both act on the signatures of the person behind the signature whose link or account page was
used (`Signature.objects.of_person`): those made with the same normalised email, or an
organisation's one signature alone, and on the forms sent with that address that are still
waiting for the task that acts on them (`SignAttempt.objects.of_person`).
"""

import logging

from django.db import transaction
from django.utils import timezone

from consult.models import OutboundEmail, SignAttempt, Signature, SignatureToken
from consult.retention import anonymise

logger = logging.getLogger(__name__)

IP_HASH_NOTE = (
    "ip_hash is a keyed hash (HMAC-SHA256 with this site's secret key) of the internet address you "
    "signed from. The address itself is never stored; the hash is kept to spot mass signing and is "
    "deleted after the retention period stated on the privacy page."
)


def is_erased(signature: Signature) -> bool:
    """Erased by its signer or anonymised under the retention schedule: no email remains."""
    return signature.email == ""


def isoformat(moment) -> str | None:
    return moment.isoformat() if moment else None


def export_signature(signature: Signature) -> dict:
    return {
        "statement": {"title": signature.statement.title, "url": signature.statement.get_absolute_url()},
        "kind": signature.kind,
        "organisation": signature.organisation.name if signature.organisation else None,
        "name": signature.name,
        "email": signature.email,
        "postcode": signature.postcode,
        "public_role": signature.public_role,
        "public_role_status": signature.role_status,
        "name_listed_publicly": signature.show_name,
        "wants_updates": signature.wants_updates,
        "language": signature.language,
        "state": signature.state,
        "hold": signature.hold,
        "invalidation_reason": signature.invalidation_reason,
        "signed_at": isoformat(signature.created_at),
        "confirmed_at": isoformat(signature.confirmed_at),
        "withdrawn_at": isoformat(signature.withdrawn_at),
        "ip_hash": signature.ip_hash,
        "consent_events": [
            {"wants_updates": event.wants_updates, "source": event.source, "at": isoformat(event.changed_at)}
            for event in signature.consent_events.all()
        ],
        "emails": [
            {
                "kind": email.kind,
                "subject": email.update.subject if email.update else email.subject,
                "state": email.state,
                "queued_at": isoformat(email.created_at),
                "sent_at": isoformat(email.sent_at),
            }
            for email in OutboundEmail.objects.of_signatures([signature.pk]).select_related("update")
        ],
    }


def export_attempt(attempt: SignAttempt) -> dict:
    """A form as sent and not acted on yet (the task does so within seconds, unless it is down)."""
    # A sign-up's password is kept hashed, and is of no use to anyone in a copy.
    details = {key: value for key, value in attempt.payload.items() if key != "password_hash"}
    return {"kind": attempt.kind, "sent_at": isoformat(attempt.created_at), "details": details}


def export_for(signature: Signature) -> dict:
    """Everything held about the person behind `signature`, ready for json.dumps."""
    signatures = (
        Signature.objects.of_person(signature)
        .select_related("statement", "organisation")
        .prefetch_related("consent_events")
        .order_by("created_at")
    )
    return {
        "exported_at": timezone.now().isoformat(),
        "about": "Everything this site holds about the person who signed with this email address.",
        "ip_hash_note": IP_HASH_NOTE,
        "signatures": [export_signature(each) for each in signatures],
        "waiting_forms": [
            export_attempt(attempt) for attempt in SignAttempt.objects.of_person(signature).order_by("pk")
        ],
    }


def erase_for(signature: Signature) -> int:
    """Withdraw and erase every signature of the person behind `signature`; return how many.
    The forms they sent that are not acted on yet are deleted with them.

    Withdrawing goes through `Signature.withdraw()`, so the counts drop exactly. What remains of
    each row (state, kind, dates, postcode area) holds nothing that points to the person.
    """
    with transaction.atomic():
        # First, so that an attempt being acted on now is waited for and its signature erased too.
        SignAttempt.objects.of_person(signature).delete()
        signatures = Signature.objects.of_person(signature)
        pks = list(signatures.values_list("pk", flat=True))
        for live in Signature.objects.filter(pk__in=pks).live().order_by("pk"):
            live.withdraw()
        erased = Signature.objects.filter(pk__in=pks)
        # Confirmation links die with the data; manage links stay only to say it was erased.
        SignatureToken.objects.filter(signature__in=pks).exclude(
            purpose=SignatureToken.Purpose.MANAGE
        ).delete()
        erased.update(user=None)
        anonymise(erased)
    logger.info("Erased the personal data of %d signatures on request", len(pks))
    return len(pks)
