"""Moderators' decisions about who signed: organisations and public roles verified or refused,
held signatures released, signatures invalidated.

Each decision is one function: it changes the signatures through their own state methods (so
every counter moves exactly once), writes its ModerationDecision and queues the emails it owes,
in one transaction. Deciding again the same way changes, records and sends nothing. Each
returns whether it applied.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from consult import notifications, signing
from consult.models import ModerationDecision, Organisation, Signature
from consult.moderation import required_reason

LIVE = {Signature.State.PENDING, Signature.State.CONFIRMED}


def verify_organisation(organisation: Organisation, moderator: User, reason: str) -> bool:
    """Verify an organisation: its held signatures count, and its members are told."""
    reason = required_reason(reason, _("Give a reason: it is recorded with the decision."))
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if current.is_verified:
            return False
        released = current.verify()
        ModerationDecision.record(
            moderator, current, "verify organisation", reason, affected=max(released, 1)
        )
        notifications.send_organisation_decision(current, reason)
    organisation.refresh_from_db()
    return True


def refuse_organisation(organisation: Organisation, moderator: User, reason: str) -> bool:
    """Refuse an organisation: its signatures stop counting (held, even if verified before),
    and its members are told why."""
    reason = required_reason(reason, _("Give a reason: it is recorded with the decision."))
    with transaction.atomic():
        current = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if current.status == Organisation.Status.REFUSED:
            return False
        held = current.refuse()
        ModerationDecision.record(moderator, current, "refuse organisation", reason, affected=max(held, 1))
        notifications.send_organisation_decision(current, reason)
    organisation.refresh_from_db()
    return True


def verify_public_role(signature: Signature, moderator: User, reason: str) -> bool:
    """The signer holds the public role they claimed: they count as a holder of a public role."""
    return _decide_role(signature, moderator, reason, Signature.RoleStatus.VERIFIED, "verify public role")


def refuse_public_role(signature: Signature, moderator: User, reason: str) -> bool:
    """The claim is not borne out: the signer counts as an individual, and is told why."""
    return _decide_role(signature, moderator, reason, Signature.RoleStatus.REFUSED, "refuse public role")


def _decide_role(signature: Signature, moderator: User, reason: str, status: str, action: str) -> bool:
    reason = required_reason(reason, _("Give a reason: it is recorded with the decision."))
    if signature.kind != Signature.Kind.NOTABLE or signature.state == Signature.State.WITHDRAWN:
        return False
    with transaction.atomic():
        if not signature.set_role_status(status):
            return False
        ModerationDecision.record(moderator, signature, action, reason)
        notifications.send_public_role_decision(signature, reason)
    return True


# Holds a moderator lifts with "Release"; an organisation's lifts when it is verified.
RELEASABLE = {Signature.Hold.SUSPECT, Signature.Hold.RATE, Signature.Hold.BLOCKED, Signature.Hold.MAIL_CAP}


def release_signature(signature: Signature, moderator: User, reason: str) -> bool:
    """A signature the signing rules held is genuine: it counts, and if its confirmation email
    was kept back, that email goes now.

    Signatures held for an unverified organisation are released by verifying it instead.
    """
    reason = required_reason(reason, _("Give a reason: it is recorded with the decision."))
    if signature.hold not in RELEASABLE:
        return False
    with transaction.atomic():
        if not signing.release(signature):
            return False
        ModerationDecision.record(moderator, signature, "release signature", reason)
    return True


def invalidate_signature(signature: Signature, moderator: User, reason: str) -> bool:
    """A live signature is fraudulent: it stops counting, for good unless a clean-up is undone.

    A withdrawn signature is left alone: invalidating it would make it live again.
    """
    reason = required_reason(reason, _("Give a reason: it is recorded with the decision."))
    with transaction.atomic():
        if not signature.invalidate(reason):
            return False
        ModerationDecision.record(moderator, signature, "invalidate signature", reason)
    return True
