"""Emails telling people about what happened to something of theirs: one small function per
notification, each queued (`emails.queue`) in the transaction that decides it, so it goes out
through the outbox once that commits, and never if it rolls back."""

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from consult import emails, languages
from consult.links import absolute
from consult.models import Argument, Organisation, Signature, Update


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


def language_of(user: User) -> str:
    """The language a person last used with us: that of their latest signature or argument."""
    signed = user.signatures.order_by("-created_at").values_list("language", flat=True).first()
    argued = user.arguments.order_by("-created_at").values_list("language", flat=True).first()
    return signed or argued or settings.LANGUAGE_CODE


def send_organisation_decision(organisation: Organisation, reason: str) -> int:
    """Tell the organisation's members (and whoever registered it) that it was verified or
    refused, and why, each in their language. Returns how many were told."""
    people = {membership.user for membership in organisation.memberships.select_related("user")}
    if organisation.created_by is not None:
        people.add(organisation.created_by)
    for person in sorted(people, key=lambda person: person.pk):
        language = language_of(person)
        with languages.override(language):
            context = {
                "person": person,
                "organisation": organisation,
                "verified": organisation.is_verified,
                "reason": reason,
                "organisation_url": absolute(organisation.get_absolute_url()),
                "my_organisations_url": absolute(reverse("my_organisations")),
                "policy_url": absolute(reverse("moderation_policy")),
                "SITE_URL": settings.SITE_URL,
            }
        emails.queue(
            "organisation_decided", to=person.email, context=context, language=language, about=organisation
        )
    return len(people)


def send_public_role_decision(signature: Signature, reason: str) -> bool:
    """Tell a signer whether the public role they claimed was verified, and why, in their language.

    Only a confirmed signer: an address nobody confirmed may not be the signer's own.
    """
    if signature.state != Signature.State.CONFIRMED:
        return False
    with languages.override(signature.language):
        context = {
            "signature": signature,
            "statement": signature.statement,
            "verified": signature.role_status == Signature.RoleStatus.VERIFIED,
            "reason": reason,
            "statement_url": absolute(signature.statement.get_absolute_url()),
            "policy_url": absolute(reverse("moderation_policy")),
            "SITE_URL": settings.SITE_URL,
        }
    emails.queue(
        "public_role_decided",
        to=signature.email,
        context=context,
        language=signature.language,
        about=signature,
    )
    return True
