"""allauth customisation: its mail goes through the site's own email templates and sender."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL
