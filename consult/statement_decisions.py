"""Moderators' decisions on statements: approving or rejecting a proposal, and changing what
people signed (a correction, closing early, withdrawing).

Each decision is one transaction: the change, its record in the moderation log, the public
correction rows and the emails it causes (to the proposer, or a correction notice to the signers
who asked for updates, through the update fan-out). Nothing is sent unless it all commits.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from consult import emails, languages, updates
from consult.emails import render_plain
from consult.links import absolute
from consult.models import ModerationDecision, Statement, StatementCorrection, Update
from consult.models.statements import PROTECTED_FIELDS
from consult.moderation import required_reason

# What a correction changes; the status of a signed statement moves only by a decision below.
CORRECTABLE_FIELDS = tuple(field for field in PROTECTED_FIELDS if field != "status")
# What the moderation log calls each correction.
ACTIONS = {
    "title": "correct statement title",
    "text": "correct statement text",
    "title_cy": "correct Welsh statement title",
    "text_cy": "correct Welsh statement text",
    "recipient": "correct statement recipient",
    "recipient_cy": "correct Welsh statement recipient",
    "slug": "correct statement address",
    "closes_at": "correct statement closing date",
    "status": "change statement status",
}


def approve(statement: Statement, moderator: User, reason: str) -> None:
    """Open a proposed statement, record it and tell its proposer, together."""
    with transaction.atomic():
        statement.approve(moderator, reason)
        send_proposal_decision(statement)


def reject(statement: Statement, moderator: User, reason: str) -> None:
    """Reject a proposed statement (never one that is open), record it and tell its proposer."""
    with transaction.atomic():
        statement.reject(moderator, reason)
        send_proposal_decision(statement)


def send_proposal_decision(statement: Statement) -> bool:
    """Email the member who proposed the statement the decision and its reason, in their language."""
    if statement.proposer is None:
        return False
    language = languages.supported(statement.proposer_language)
    with languages.override(language):
        context = {
            "statement": statement,
            "approved": statement.status == Statement.Status.OPEN,
            "statement_url": absolute(statement.get_absolute_url()),
            "SITE_URL": settings.SITE_URL,
        }
    emails.queue(
        "statement_decided",
        to=statement.proposer.email,
        context=context,
        language=language,
        about=statement,
    )
    return True


def correct(
    statement: Statement, changes: dict[str, Any], reason: str, moderator: User
) -> list[StatementCorrection]:
    """Change what signers saw (any of CORRECTABLE_FIELDS), as public corrections with one reason.

    Each changed field gets its correction row (old and new value) and its record in the
    moderation log; the signers who asked for updates get one notice for them all. A Welsh
    title or text added where there was none is a translation: set, with nothing to announce.
    """
    reason = required_reason(reason, _("Give the reason: it is shown publicly with the change."))
    unknown = set(changes) - set(CORRECTABLE_FIELDS)
    if unknown:  # The status changes only by close() and withdraw(): never rejected, never removed.
        raise ValueError(f"Not a field a correction changes: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        current = Statement.objects.select_for_update().get(pk=statement.pk)
        corrections = []
        for field, new_value in changes.items():
            correction = current.correct(field, new_value, reason, moderator)
            if correction is not None:
                ModerationDecision.record(moderator, current, ACTIONS[field], reason)
                corrections.append(correction)
        if corrections:
            notify_signers(current, corrections, moderator)
    statement.refresh_from_db()
    return corrections


def close(statement: Statement, moderator: User, reason: str) -> StatementCorrection:
    """Close an open statement before its closing date; its signatures stay and count."""
    return change_status(statement, Statement.Status.CLOSED, moderator, reason, "close statement")


def withdraw(statement: Statement, moderator: User, reason: str) -> StatementCorrection:
    """Withdraw a statement: it stays readable with a public notice, and its signatures and
    counts stay as they were, frozen (nobody can sign it any more)."""
    return change_status(statement, Statement.Status.WITHDRAWN, moderator, reason, "withdraw statement")


# The statuses a statement may move to from each status by `change_status`.
STATUS_CHANGES = {
    Statement.Status.CLOSED: {Statement.Status.OPEN},
    Statement.Status.WITHDRAWN: {Statement.Status.OPEN, Statement.Status.CLOSED},
}


def change_status(
    statement: Statement, status: Statement.Status, moderator: User, reason: str, action: str
) -> StatementCorrection:
    reason = required_reason(reason, _("Give the reason: it is shown publicly with the change."))
    with transaction.atomic():
        current = Statement.objects.select_for_update().get(pk=statement.pk)
        if current.status not in STATUS_CHANGES[status]:
            raise ValidationError(_("This statement cannot be changed that way."))
        correction: StatementCorrection | None = current.correct("status", status, reason, moderator)
        assert correction is not None  # The status was another one.
        ModerationDecision.record(moderator, current, action, reason)
        notify_signers(current, [correction], moderator)
    statement.refresh_from_db()
    return correction


def notify_signers(statement: Statement, corrections: list[StatementCorrection], moderator: User) -> Update:
    """One correction notice to every signer who asked for updates, in their language."""
    subject_length = Update._meta.get_field("subject").max_length
    texts = {}
    for language, _name in settings.LANGUAGES:
        with languages.override(language):
            context = {
                "statement": statement,
                "corrections": corrections,
                "reason": corrections[0].reason,
                "statement_url": absolute(statement.get_absolute_url()),
            }
            subject = emails.one_line(render_plain("emails/statement_corrected_subject.txt", context))
            body = render_plain("emails/statement_corrected_body.txt", context)
            texts[language] = (subject[:subject_length], body)
    notice = Update.objects.create(
        statement=statement,
        kind=Update.Kind.CORRECTION,
        subject=texts["en"][0],
        body=texts["en"][1],
        subject_cy=texts["cy"][0],
        body_cy=texts["cy"][1],
        created_by=moderator,
    )
    StatementCorrection.objects.filter(pk__in=[correction.pk for correction in corrections]).update(
        notice=notice
    )
    updates.begin_sending(notice)
    return notice
