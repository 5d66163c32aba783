"""Recording what a statement led to: a recipient's response or an event (a debate, a ruling).

Recording is a moderator's decision, in one transaction: the response, its record in the
moderation log, and an update emailed once to the signers who asked for updates (through the
update fan-out, consult/updates.py). Nothing is sent unless it all commits. A recorded response
is on the public record and is never edited; correcting one is not offered yet.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from consult import emails, languages, updates
from consult.emails import render_plain
from consult.links import absolute
from consult.models import Argument, ModerationDecision, Statement, StatementResponse, Update

# Where a source link may point: a web page, never a script or a local file.
SOURCE_SCHEMES = ("https", "http")
ACTIONS = {
    StatementResponse.Kind.RESPONSE: "record statement response",
    StatementResponse.Kind.EVENT: "record statement event",
}


def require_web_address(url: str) -> str:
    if url and urlsplit(url).scheme.lower() not in SOURCE_SCHEMES:
        raise ValidationError(_("Give a web address starting with https://."))
    return url


def record(
    statement: Statement,
    moderator: User,
    *,
    kind: str,
    date: date,
    summary: str,
    text: str = "",
    source_url: str = "",
    summary_cy: str = "",
    text_cy: str = "",
    arguments: Iterable[Argument] = (),
) -> StatementResponse:
    """Record a response or event on a public statement and start telling its signers, once."""
    response = StatementResponse(
        statement=statement,
        kind=kind,
        date=date,
        summary=summary.strip(),
        summary_cy=summary_cy.strip(),
        text=text.strip(),
        text_cy=text_cy.strip(),
        source_url=require_web_address(source_url.strip()),
        recorded_by=moderator,
    )
    response.full_clean(exclude=["notice"])
    if not Statement.objects.public().filter(pk=statement.pk).exists():
        raise ValidationError(_("Only a published statement can have a response recorded on it."))
    arguments = [argument for argument in arguments if argument.consultation_id == statement.consultation_id]
    with transaction.atomic():
        response.save()
        response.arguments.set(arguments)
        ModerationDecision.record(
            moderator, response, ACTIONS[StatementResponse.Kind(kind)], response.summary
        )
        response.notice = notify_signers(response, moderator)
        response.save(update_fields=["notice"])
    return response


def notify_signers(response: StatementResponse, moderator: User) -> Update:
    """One update to every signer who asked for updates, in their language, sent once."""
    subject_length = Update._meta.get_field("subject").max_length
    texts: dict[str, tuple[str, str]] = {}
    for language, _name in settings.LANGUAGES:
        with languages.override(language):
            context: dict[str, Any] = {
                "statement": response.statement,
                "response": response,
                "statement_url": absolute(response.statement.get_absolute_url()),
            }
            subject = emails.one_line(render_plain("emails/statement_response_subject.txt", context))
            body = render_plain("emails/statement_response_body.txt", context)
            texts[language] = (subject[:subject_length], body)
    notice = Update.objects.create(
        statement=response.statement,
        kind=Update.Kind.RESPONSE,
        subject=texts["en"][0],
        body=texts["en"][1],
        subject_cy=texts["cy"][0],
        body_cy=texts["cy"][1],
        created_by=moderator,
    )
    updates.begin_sending(notice)
    return notice
