"""Signing up, after the response: the request cannot tell a known address from a new one.

Every sign-up form takes allauth's "this address may already have an account" path in the
request (accounts/forms.py): the password is hashed and a SignAttempt written, the same work
whoever signs up. This task-side half makes the account and emails its confirmation link, or
tells the owner of a known address by email that they have one.
"""

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import filter_users_by_email
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import User
from consult import languages, links


def sign_up(email: str, password_hash: str, language: str, display_name: str = "") -> bool:
    """Make an unverified account and email its link; returns whether an account was made.

    A known address keeps its account as it is: the name typed with it is not applied."""
    with languages.override(language):
        if not filter_users_by_email(email):
            try:
                with transaction.atomic():
                    user = User.objects.create(email=email, password=password_hash, display_name=display_name)
                    address = EmailAddress.objects.create(
                        user=user, email=email, primary=True, verified=False
                    )
                    EmailConfirmationHMAC(address).send(signup=True)
                return True
            except IntegrityError:  # A twin attempt made it a moment ago.
                pass
        already_exists(email)
        return False


def already_exists(email: str) -> None:
    context = {
        "signup_url": links.absolute(reverse("account_signup")),
        "password_reset_url": links.absolute(reverse("account_reset_password")),
    }
    get_adapter().send_mail("account/email/account_already_exists", email, context)
