"""Forms of the moderators' own admin pages: exports and fraud clean-ups."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consult.models import Signature, Statement

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
IP_HASH = re.compile(r"^[0-9a-f]{8,64}$")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the moderation log with your name."),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give a reason: it is recorded with the action."))
        return reason


class CleanupCriteriaForm(forms.Form):
    """Which signatures a fraud clean-up selects; every criterion narrows the selection."""

    statement = forms.ModelChoiceField(label=_("Statement"), queryset=Statement.objects.order_by("title"))
    email_domain = forms.CharField(
        label=_("Email domain"),
        required=False,
        max_length=253,
        help_text=_("For example example.org: signatures whose address ends in @example.org."),
    )
    signed_from = forms.DateTimeField(
        label=_("Signed from"), required=False, help_text=_("Date and time, e.g. 2026-03-21 09:00")
    )
    signed_to = forms.DateTimeField(label=_("Signed before"), required=False)
    ip_hash = forms.CharField(
        label=_("IP address hash"),
        required=False,
        max_length=64,
        help_text=_("As shown on a signature's page."),
    )

    def clean_email_domain(self) -> str:
        domain = self.cleaned_data["email_domain"].strip().lower().removeprefix("@")
        if domain and not DOMAIN.match(domain):
            raise ValidationError(_("Enter a domain such as example.org."))
        return domain

    def clean_ip_hash(self) -> str:
        ip_hash = self.cleaned_data["ip_hash"].strip().lower()
        if ip_hash and not IP_HASH.match(ip_hash):
            raise ValidationError(_("Enter the hash as shown: letters a-f and digits."))
        return ip_hash

    def clean(self) -> dict:
        cleaned_data = super().clean()
        start, end = cleaned_data.get("signed_from"), cleaned_data.get("signed_to")
        if start and end and start >= end:
            self.add_error("signed_to", _("The end must come after the start."))
        return cleaned_data

    def criteria(self) -> dict:
        """The criteria as JSON-ready values, kept on the clean-up's record."""
        data = self.cleaned_data
        return {
            "statement": data["statement"].pk,
            "email_domain": data["email_domain"],
            "signed_from": data["signed_from"].isoformat() if data["signed_from"] else "",
            "signed_to": data["signed_to"].isoformat() if data["signed_to"] else "",
            "ip_hash": data["ip_hash"],
        }

    def matching(self):
        """The statement's signatures meeting every criterion given (any state)."""
        data = self.cleaned_data
        conditions = Q(statement=data["statement"])
        if data["email_domain"]:
            conditions &= Q(email_normalised__endswith="@" + data["email_domain"])
        if data["signed_from"]:
            conditions &= Q(created_at__gte=data["signed_from"])
        if data["signed_to"]:
            conditions &= Q(created_at__lt=data["signed_to"])
        if data["ip_hash"]:
            conditions &= Q(ip_hash=data["ip_hash"])
        return Signature.objects.filter(conditions)
