"""Recording an attempt to sign: a new pending signature, or an answer to a repeat attempt.

Whether the person had signed before is never told to whoever submitted the form: both paths
end on the same "check your email" page, and only the email says which it was.
"""

from django.db import IntegrityError, transaction

from consult.emails import queue_for_signer
from consult.models import ConsentEvent, OutboundEmail, Signature, Statement

# A signature clashing with one withdrawn at that moment is inserted again, this many times at most.
ATTEMPTS = 3


def live_signature(statement: Statement, fields: dict) -> Signature | None:
    """The live signature this attempt repeats, locked, if there is one."""
    signatures = statement.signatures.live().select_for_update()
    if fields.get("organisation") is not None:
        return signatures.filter(
            kind=Signature.Kind.ORGANISATION, organisation=fields["organisation"]
        ).first()
    return signatures.filter(email_normalised=fields["email_normalised"]).first()


def answer_repeat(signature: Signature, *, confirm_now: bool, user=None) -> bool:
    """A second attempt: confirm it for a verified account holder, or email the signer.

    Repeat emails are capped per signature, so a form cannot be used to flood someone's inbox.
    The signature row is locked by the caller, so two attempts at once cannot pass the cap.
    Returns whether this attempt confirmed the signature.
    """
    if confirm_now and signature.state == Signature.State.PENDING:
        if user is not None and signature.user_id is None:
            Signature.objects.filter(pk=signature.pk).update(user=user)
            signature.user = user
        return signature.confirm()
    kind = {
        Signature.State.PENDING: OutboundEmail.Kind.CONFIRM_AGAIN,
        Signature.State.CONFIRMED: OutboundEmail.Kind.ALREADY_SIGNED,
    }.get(signature.state)
    if kind is None or confirm_now:
        return False  # Invalidated signatures get no email; account holders see the answer on screen.
    if signature.outbound_emails.repeats().count() < OutboundEmail.MAX_REPEATS:
        queue_for_signer(signature, kind)
    return False


def release(signature: Signature) -> bool:
    """A moderator lifts a signature's hold; one whose email the signing rules kept back gets it now."""
    with transaction.atomic():
        waited_for_email = signature.state == Signature.State.PENDING and signature.checked_at is None
        if not signature.release():
            return False
        if waited_for_email:
            queue_for_signer(signature, OutboundEmail.Kind.CONFIRM)
    return True


def sign(
    statement: Statement,
    fields: dict,
    *,
    hold: str,
    ip_hash: str,
    language: str,
    user=None,
    confirm_now=False,
) -> tuple[Signature, bool]:
    """Record an attempt to sign `statement`.

    Returns the signature and whether this attempt signed: a new signature, or (for a verified
    account holder) an earlier pending one confirmed now.

    With `confirm_now` (a logged-in user whose email is verified) the signature is confirmed
    at once; otherwise it waits for the signer to follow the link in the confirmation email.
    """
    # Most attempts are new signers: insert straight away, with no look-up first and no
    # savepoint, and let the unique constraints catch a repeat (or a simultaneous twin).
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return record_new(statement, fields, hold, ip_hash, language, user, confirm_now), True
        except IntegrityError as error:
            conflict = error
        with transaction.atomic():
            existing = live_signature(statement, fields)
            if existing is not None:
                return existing, answer_repeat(existing, confirm_now=confirm_now, user=user)
        # The live signature it clashed with was withdrawn in the meantime: insert again.
    raise conflict  # Another constraint refused the row every time: not a repeat.


def record_new(
    statement: Statement, fields: dict, hold: str, ip_hash: str, language: str, user, confirm_now: bool
) -> Signature:
    """A new signature, its first consent event, and its confirmation (or its email)."""
    signature = Signature.objects.create(
        statement=statement, hold=hold, ip_hash=ip_hash, language=language, user=user, **fields
    )
    ConsentEvent.objects.create(
        signature=signature, wants_updates=signature.wants_updates, source=ConsentEvent.Source.SIGN_FORM
    )
    if confirm_now:
        signature.confirm()
    else:
        queue_for_signer(signature, OutboundEmail.Kind.CONFIRM)
    return signature
