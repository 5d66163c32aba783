"""Forms of the moderators' own admin pages: exports and fraud clean-ups."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consult.models import Signature, Statement

DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
IP_HASH = re.compile(r"^[0-9a-f]{6,64}$")
# A whole hash (HMAC-SHA256 in hex); anything shorter is a shortened one, as moderators without
# the personal-data permission see it, resolved against the statement's signatures.
FULL_HASH_LENGTH = 64


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
        help_text=_("As shown on a signature's page, or its first characters as the previews show them."),
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
        ip_hash, statement = cleaned_data.get("ip_hash"), cleaned_data.get("statement")
        if ip_hash and statement and len(ip_hash) < FULL_HASH_LENGTH:
            self.cleaned_data["ip_hash"] = self.resolve_shortened_hash(statement, ip_hash)
        return cleaned_data

    def resolve_shortened_hash(self, statement: Statement, prefix: str) -> str:
        """The one hash of the statement's signatures that starts with `prefix` (kept as given when
        none does: it then matches nothing). A range, not LIKE, so the (statement, ip_hash) index
        serves it whatever the collation; "g" sorts after every hex digit."""
        found = list(
            Signature.objects.filter(statement=statement, ip_hash__gte=prefix, ip_hash__lt=prefix + "g")
            .order_by()
            .values_list("ip_hash", flat=True)
            .distinct()[:2]
        )
        if len(found) > 1:
            self.add_error("ip_hash", _("Several addresses' hashes start like this: give more of it."))
        return found[0] if found else prefix

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
