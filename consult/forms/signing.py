"""The sign form and the small forms around a signature: resending a link, update preference.

The sign form validates and normalises what a signer types; `signature_fields()` gives the
values a Signature is made from. It also carries two quiet abuse checks: a honeypot field
that people never see, and a signed timestamp of when the form was served.
"""

import hashlib
import secrets
import time

from django import forms
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from consult.addresses import (
    check_deliverable,
    is_disposable,
    normalise_email,
    normalise_postcode,
)
from consult.forms.fields import PlainTextField
from consult.models import Membership, Signature, Statement

TIMING_SALT = "consult.sign.timing"
# A timing token older than this tells nothing (a tab left open overnight): no dwell is recorded.
TIMING_MAX_AGE = 86400
INDIVIDUAL = "individual"


class SignerEmailField(forms.EmailField):
    def validate(self, value: str) -> None:
        super().validate(value)
        if value:
            check_deliverable(value)
            if is_disposable(value):
                raise ValidationError(
                    _(
                        "Addresses at this provider delete themselves after a short time. "
                        "Use an address you will still read next week."
                    ),
                    "disposable",
                )


EMAIL_ERRORS = {
    "required": _("Enter your email address."),
    "invalid": _("Enter an email address in the correct format, like name@example.org."),
}


def timing_token() -> str:
    """When the form was served, signed, with a nonce so that no two forms share a token."""
    return signing.dumps([time.time(), secrets.token_hex(8)], salt=TIMING_SALT)


def served_at(token: str) -> float | None:
    """When the form carrying `token` was served, or None for a forged or stale token."""
    try:
        value = signing.loads(token, salt=TIMING_SALT, max_age=TIMING_MAX_AGE)
    except signing.BadSignature:
        return None
    if isinstance(value, list) and value:
        value = value[0]
    return float(value) if isinstance(value, int | float) else None


def consume(token: str) -> bool:
    """Use a timing token up; False if it was used before (a script replaying one page's token).

    With the cache down nobody can tell: the token counts as fresh.
    """
    key = f"sign-timing:{hashlib.sha256(token.encode()).hexdigest()}"
    try:
        return bool(cache.add(key, 1, timeout=TIMING_MAX_AGE))
    except Exception:
        return True


class SignForm(forms.Form):
    name = PlainTextField(
        label=_("Full name"),
        max_length=Signature._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": _("Enter your full name.")},
        help_text=_("As you would sign a letter."),
    )
    email = SignerEmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages=EMAIL_ERRORS,
        help_text=_("We send you a link to confirm your signature. Your email is never shown publicly."),
    )
    postcode = forms.CharField(
        label=_("Postcode (optional)"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "class": "input--short"}),
        required=False,
        help_text=_("UK postcodes only. It is never shown with your name."),
    )
    signing_as = forms.ChoiceField(
        label=_("I am signing"), widget=forms.RadioSelect, initial=INDIVIDUAL, required=False
    )
    public_role = PlainTextField(
        label=_("Public role (optional)"),
        max_length=Signature._meta.get_field("public_role").max_length,
        required=False,
        help_text=_(
            "If you hold a public office, for example “MP for Haltemprice and Howden”. "
            "A moderator checks it before it is shown or counted apart."
        ),
    )
    show_name = forms.BooleanField(label=_("Show my name in the public list of signatories"), required=False)
    wants_updates = forms.BooleanField(label=_("Email me updates about this statement"), required=False)
    # People never see this field (it is hidden by the stylesheet and from screen readers).
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, user=None, statement: Statement | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        self.statement = statement
        if not self.is_bound:
            # A form sent back shows the token it was sent with (or none): a new one would go unseen.
            self.fields["started"].initial = timing_token()
        self.memberships = {}
        # A verified account's address needs no confirming: such a user signs with one click.
        self.confirms_now = self.user is not None and self.user.has_verified_email
        if self.user is not None:
            memberships = Membership.objects.filter(user=self.user).select_related("organisation")
            self.memberships = {
                f"organisation-{membership.organisation_id}": membership for membership in memberships
            }
            self.fields["name"].initial = self.user.display_name
            if self.confirms_now:
                del self.fields["email"]
        choices = [(INDIVIDUAL, _("As an individual"))]
        for key, membership in self.memberships.items():
            label = _("On behalf of %(organisation)s, as %(role)s") % {
                "organisation": membership.organisation.name,
                "role": membership.role,
            }
            choices.append((key, label))
        self.fields["signing_as"].choices = choices

    def clean_postcode(self) -> str:
        postcode = self.cleaned_data["postcode"].strip()
        return normalise_postcode(postcode) if postcode else ""

    def clean_signing_as(self) -> str:
        return self.cleaned_data["signing_as"] or INDIVIDUAL

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if not name:
            raise ValidationError(_("Enter your full name."), "required")
        if "://" in name or "www." in name.lower():
            raise ValidationError(_("Enter your name, not a web address."), "link")
        return name

    def clean_public_role(self) -> str:
        role = self.cleaned_data["public_role"]
        if "://" in role:
            raise ValidationError(_("Enter the name of your role, not a web address."), "link")
        return role

    @property
    def membership(self) -> Membership | None:
        return self.memberships.get(self.cleaned_data.get("signing_as", INDIVIDUAL))

    @property
    def honeypot_filled(self) -> bool:
        return bool(self.cleaned_data.get("website"))

    def dwell_seconds(self) -> int | None:
        """Seconds from the form being served to it being sent, using its token up; None
        without a fresh token. A signal for moderators, never a verdict: call it once, on a
        valid form (an invalid one is shown again with the same token)."""
        token = self.cleaned_data.get("started") or ""
        served = served_at(token)
        if served is None or not consume(token):
            return None
        return max(0, int(time.time() - served))

    @property
    def role_to_check(self) -> str:
        """The public role this form claims for a moderator to check; empty for an organisation's."""
        return self.cleaned_data.get("public_role", "") if self.membership is None else ""

    @property
    def email_address(self) -> str:
        return self.user.email if self.confirms_now else self.cleaned_data["email"]

    def signature_fields(self) -> dict:
        """The new signature's fields, as plain values (they wait in a SignAttempt as JSON)."""
        data = self.cleaned_data
        fields = {
            "name": data["name"],
            "email": self.email_address,
            "email_normalised": normalise_email(self.email_address),
            "email_domain": normalise_email(self.email_address).rpartition("@")[2],
            "postcode": data["postcode"],
            "show_name": data["show_name"],
            "wants_updates": data["wants_updates"],
            "public_role": data["public_role"],
            "kind": Signature.Kind.INDIVIDUAL,
        }
        if self.membership is not None:
            organisation = self.membership.organisation
            # An organisation's signature is keyed on the organisation, not on the member's email,
            # so a director can also sign in their own name with the same address.
            fields |= {
                "kind": Signature.Kind.ORGANISATION,
                "organisation_id": organisation.pk,
                "public_role": self.membership.role[: Signature._meta.get_field("public_role").max_length],
                "email_normalised": organisation.signature_key,
            }
        elif data["public_role"]:
            fields |= {"kind": Signature.Kind.NOTABLE, "role_status": Signature.RoleStatus.PENDING}
        return fields

    @property
    def hold(self) -> str:
        membership = self.membership
        if membership is not None and not membership.organisation.is_verified:
            return Signature.Hold.UNVERIFIED_ORGANISATION
        return Signature.Hold.NONE


class ResendForm(forms.Form):
    email = SignerEmailField(
        label=_("Email address"),
        error_messages=EMAIL_ERRORS,
        max_length=254,
        help_text=_(
            "The address you signed with. We send a new confirmation link if a signature awaits one."
        ),
    )


class UpdatesForm(forms.Form):
    wants_updates = forms.BooleanField(label=_("Email me updates about this statement"), required=False)


class ListingForm(forms.Form):
    show_name = forms.BooleanField(label=_("Show my name in the public list of signatories"), required=False)
