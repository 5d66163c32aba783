"""Recording an attempt to sign: a new pending signature, or an answer to a repeat attempt.

Whether the person had signed before is never told to whoever submitted the form: both paths
end on the same "check your email" page, and only the email says which it was. Nor does the
time the page takes: the request only writes a SignAttempt (`attempt`), the same one row
whoever signs, and the task `carry_out_attempt` does the rest after the response. Only an
account holder whose address is verified signs in the request (`sign`): the page they get
says what happened, and it is about their own address.
"""

from datetime import timedelta
from functools import partial

from celery import shared_task
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import signup as accounts_signup
from consult import abuse, sending, signing_rules
from consult.emails import queue_for_signer, sent_here
from consult.models import ConsentEvent, OutboundEmail, SignAttempt, Signature, Statement

# Attempts younger than this are left to the task queued when they were written.
SWEEP_AFTER = timedelta(minutes=1)

# A signature clashing with one withdrawn at that moment is inserted again, this many times at most.
ATTEMPTS = 3


def live_signature(statement: Statement, fields: dict) -> Signature | None:
    """The live signature this attempt repeats, locked, if there is one."""
    signatures = statement.signatures.live().select_for_update()
    if fields.get("organisation_id") is not None:
        return signatures.filter(
            kind=Signature.Kind.ORGANISATION, organisation_id=fields["organisation_id"]
        ).first()
    return signatures.filter(email_normalised=fields["email_normalised"]).first()


def answer_repeat(signature: Signature, *, confirm_now: bool, user=None, ip_hash: str = "") -> bool:
    """A second attempt: confirm it for a verified account holder, or email the signer.

    Repeat emails are capped per signature, so a form cannot be used to flood someone's inbox,
    and count towards the mail caps of `ip_hash`, the address asking (consult/abuse.py).
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
        queue_for_signer(signature, kind, ip_hash=ip_hash)
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
                repeat = answer_repeat(existing, confirm_now=confirm_now, user=user, ip_hash=ip_hash)
                return existing, repeat
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
        # Judged here, after the response, in the transaction that inserted the row (and so
        # holds its lock): the verdict costs no transaction of its own when the email goes.
        abuse.judge(signature, signing_rules.current(), locked=True)
        queue_for_signer(signature, OutboundEmail.Kind.CONFIRM)
    return signature


# Attempts: what the request writes, and the tasks that act on them after the response.


def attempt(kind: str, payload: dict) -> SignAttempt:
    """Keep what a form asked for, to be acted on after the commit (and so after the response)."""
    row = SignAttempt.objects.create(kind=kind, payload=payload)
    transaction.on_commit(partial(sending.enqueue, carry_out_attempt, row.pk))
    return row


def attempt_to_sign(
    statement: Statement, fields: dict, *, hold: str, ip_hash: str, language: str, user=None
) -> SignAttempt:
    """`sign`, after the response: for anyone whose address is not verified already."""
    payload = {
        "statement_id": statement.pk,
        "fields": fields,
        "hold": hold,
        "ip_hash": ip_hash,
        "language": language,
        "user_id": user.pk if user is not None else None,
    }
    return attempt(SignAttempt.Kind.SIGN, payload)


def attempt_to_resend(email_normalised: str, ip_hash: str) -> SignAttempt:
    """`resend`, after the response."""
    return attempt(SignAttempt.Kind.RESEND, {"email_normalised": email_normalised, "ip_hash": ip_hash})


def resend(email_normalised: str, ip_hash: str = "") -> int:
    """New confirmation links for the pending signatures of an address, each within its cap.

    Each link counts towards the mail caps of `ip_hash`, the address asking, as a repeat
    attempt to sign does: a stranger's pending signature cannot be used to mail them past it.
    """
    pending = Signature.objects.filter(email_normalised=email_normalised, state=Signature.State.PENDING)
    sent = 0
    with transaction.atomic():
        for signature in pending.select_for_update():
            if signature.outbound_emails.repeats().count() < OutboundEmail.MAX_REPEATS:
                queue_for_signer(signature, OutboundEmail.Kind.CONFIRM_AGAIN, ip_hash=ip_hash)
                sent += 1
    return sent


def carry_out(row: SignAttempt) -> None:
    payload = row.payload
    if row.kind == SignAttempt.Kind.RESEND:
        resend(payload["email_normalised"], payload.get("ip_hash", ""))
        return
    if row.kind == SignAttempt.Kind.SIGN_UP:
        accounts_signup.sign_up(
            payload["email"], payload["password_hash"], payload["language"], payload.get("display_name", "")
        )
        return
    # Only what signing and the signer's email read (its link and its title in either language):
    # building the SELECT of every column cost more CPU than inserting the signature.
    columns = ("slug", "title", "title_cy")
    statement = Statement.objects.filter(pk=payload["statement_id"]).only(*columns).first()
    if statement is None:  # Deleted since: there is nothing left to sign.
        return
    sign(
        statement,
        payload["fields"],
        hold=payload["hold"],
        ip_hash=payload["ip_hash"],
        language=payload["language"],
        user=get_user_model().objects.filter(pk=payload["user_id"]).first() if payload["user_id"] else None,
    )


@shared_task
def carry_out_attempt(attempt_id: int) -> bool:
    """Act on one attempt and delete it, in one transaction: run twice, it acts once.

    The email it decides is sent from here once that commits: one task per signature, not two.
    """
    with sent_here(), transaction.atomic():
        row = SignAttempt.objects.take(attempt_id)
        if row is None:  # Done already, or being done by another worker right now.
            return False
        carry_out(row)
    return True


@shared_task
def carry_out_waiting_attempts() -> int:
    """Beat's sweep: attempts whose task never ran (the broker was down) or whose worker died."""
    waiting = SignAttempt.objects.filter(created_at__lte=timezone.now() - SWEEP_AFTER)
    return sum(carry_out_attempt(attempt_id) for attempt_id in waiting.values_list("pk", flat=True))
