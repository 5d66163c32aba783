"""Emails telling people about what happened to something of theirs: one small function per
notification, each queued (`emails.queue`) in the transaction that decides it, so it goes out
through the outbox once that commits, and never if it rolls back."""

from django.conf import settings
from django.urls import reverse

from consult import emails, languages
from consult.emails import absolute
from consult.models import Argument, Update


def send_argument_decision(argument: Argument, taken_down: bool = False) -> bool:
    """Tell the author that their argument was published, rejected or taken down (with the reason).

    Returns whether an email was queued: an argument whose author deleted their account has no
    one to tell.
    """
    if argument.author is None or argument.status == Argument.Status.PENDING:
        return False
    with languages.override(argument.language):  # Links to the pages in the author's language.
        context = {
            "argument": argument,
            "published": argument.status == Argument.Status.PUBLISHED,
            "taken_down": taken_down,
            "argument_url": absolute(argument.get_absolute_url()),
            "my_arguments_url": absolute(reverse("my_arguments")),
            "policy_url": absolute(reverse("moderation_policy")),
            "SITE_URL": settings.SITE_URL,
        }
    emails.queue(
        "argument_decided",
        to=argument.author.email,
        context=context,
        language=argument.language,
        about=argument,
    )
    return True


def send_milestone_notice(update: Update) -> bool:
    """Tell the member who proposed the statement that its milestone email is going out."""
    statement = update.statement
    proposer = statement.proposer
    if proposer is None:
        return False
    # In the language they signed it in, as the organisation's first signatory.
    language = statement.signatures.filter(user=proposer).values_list("language", flat=True).first() or "en"
    with languages.override(language):
        context = {
            "update": update,
            "statement": statement,
            "milestone": f"{update.milestone:,}",
            "recipients": f"{update.audience_size:,}",
            "statement_url": absolute(statement.get_absolute_url()),
            "SITE_URL": settings.SITE_URL,
        }
    emails.queue("milestone_sent", to=proposer.email, context=context, language=language, about=update)
    return True
