"""Emails to the authors of arguments. Sent through the same path as every other email."""

from django.conf import settings
from django.urls import reverse

from consult import languages
from consult.emails import absolute, build
from consult.models import Argument


def send_argument_decision(argument: Argument) -> bool:
    """Tell the author that their argument was published or rejected (with the reason).

    Returns whether an email was sent: an argument whose author deleted their account has no one
    to tell.
    """
    if argument.author is None or argument.status == Argument.Status.PENDING:
        return False
    with languages.override(argument.language):  # Links to the pages in the author's language.
        context = {
            "argument": argument,
            "published": argument.status == Argument.Status.PUBLISHED,
            "argument_url": absolute(argument.get_absolute_url()),
            "my_arguments_url": absolute(reverse("my_arguments")),
            "policy_url": absolute(reverse("moderation_policy")),
            "SITE_URL": settings.SITE_URL,
        }
    build("argument_decided", argument.author.email, context, argument.language).send()
    return True
