"""allauth customisation: its mail goes through the site's outbox, templates and addresses.

Every account email is written with the site's own templates (templates/account/email/) in the
reader's language, signed with the operator's name (OPERATOR_NAME), and queued in the outbox like
every other email. Its links are built from SITE_URL, never from the request's Host header, so a
forged Host changes no link.
"""

from urllib.parse import quote, urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import models
from django.urls import reverse

from consult import emails, languages, links


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Some of allauth's flows build their links from the request (a sign-up link for an
        # unknown address): every link is moved to SITE_URL, whichever flow made it.
        context = {key: on_site(value) if is_link(key, value) else value for key, value in context.items()}
        context |= {"email": email, "SITE_URL": settings.SITE_URL, "OPERATOR_NAME": settings.OPERATOR_NAME}
        user = context.get("user")
        emails.queue_templates(
            template_prefix,
            to=email,
            context=context,
            language=languages.current(),
            about=user if isinstance(user, models.Model) else None,
        )

    def send_account_already_exists_mail(self, email: str) -> None:
        """Every sign-up passes here (accounts/forms.py): the task that acts on it sends this
        email when the address does have an account (accounts/signup.py)."""

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return links.absolute(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's own URL has two parts, joined by a dash in the key it hands us.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return links.absolute(path.replace("UID-KEY", quote(key)))


def is_link(key: str, value) -> bool:
    return key.endswith("_url") and isinstance(value, str)


def on_site(url: str) -> str:
    """`url` at SITE_URL, whatever host the request that built it named."""
    parts = urlsplit(url)
    return links.absolute(urlunsplit(("", "", parts.path, parts.query, parts.fragment)))
