"""Make someone a moderator: `manage.py create_moderator EMAIL [--signer-data]`.

Creates the account if there is none (with no password), makes it staff, and puts it in the
Moderators group; with --signer-data also in the group that may see and export signers' personal
data, without it out of that group. Running it again changes nothing more. A new account, or one
without a password, is sent a link to choose one (allauth's password reset email, through the
outbox); the admin then asks for two-factor authentication at the first visit.
"""

from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from consult.addresses import check_deliverable
from consult.links import absolute
from consult.roles import MODERATORS, SIGNER_DATA

MAX_EMAIL_LENGTH = User._meta.get_field("email").max_length or 254


def checked_email(address: str) -> str:
    """The address, if it is one a moderator could receive mail at; CommandError otherwise."""
    if len(address) > MAX_EMAIL_LENGTH:
        raise CommandError(f"That email address is longer than {MAX_EMAIL_LENGTH} characters.")
    try:
        validate_email(address)
        check_deliverable(address)
    except ValidationError as error:
        raise CommandError(
            f"{address!r} is not a usable email address: {' '.join(error.messages)}"
        ) from error
    return User.objects.normalize_email(address)


def send_password_link(user: User) -> None:
    """allauth's "choose a new password" email, queued in the outbox like every email."""
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    key = f"{user_pk_to_url_str(user)}-{token}"
    adapter = get_adapter()
    url = adapter.get_reset_password_from_key_url(key)
    adapter.send_password_reset_mail(user, user.email, {"user": user, "password_reset_url": url})


class Command(BaseCommand):
    help = "Create or update a moderator: a staff account in the Moderators group."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The moderator's email address (their login).")
        parser.add_argument(
            "--signer-data",
            action="store_true",
            help="Also let them see signers' email addresses and postcodes, and export them as CSV.",
        )

    def handle(self, *args: Any, email: str, signer_data: bool, **options: Any) -> None:
        address = checked_email(email)
        groups = {group.name: group for group in Group.objects.filter(name__in=[MODERATORS, SIGNER_DATA])}
        if set(groups) != {MODERATORS, SIGNER_DATA}:
            raise CommandError("The moderation groups are missing: run `manage.py migrate` first.")
        with transaction.atomic():
            user = User.objects.filter(email__iexact=address).first()
            created = user is None
            if user is None:
                user = User.objects.create_user(address)
            if not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
            user.groups.add(groups[MODERATORS])
            if signer_data:
                user.groups.add(groups[SIGNER_DATA])
            else:
                user.groups.remove(groups[SIGNER_DATA])
            needs_password = not user.has_usable_password()
            if needs_password:
                send_password_link(user)
        self.report(user, created=created, signer_data=signer_data, link_sent=needs_password)

    def report(self, user: User, *, created: bool, signer_data: bool, link_sent: bool) -> None:
        self.stdout.write(f"{'Created' if created else 'Updated'} moderator {user.email}.")
        access = "may" if signer_data else "may not"
        self.stdout.write(f"They {access} see and export signers' personal data.")
        if link_sent:
            self.stdout.write(f"A link to choose a password is queued in the outbox for {user.email}.")
        else:
            reset = absolute(reverse("account_reset_password"))
            self.stdout.write(f"They keep their password; a forgotten one is reset at {reset}")
        self.stdout.write("At their first visit to the admin they set up two-factor authentication.")
