"""allauth's forms in the site's words, and the one account form of the site's own (the name).

The site's labels are sentence case and say what to enter ("Email address", "Confirm password");
allauth's placeholders are dropped where the fields are drawn (accounts/templatetags/account_forms.py).
Sign-up also does the same work in the request whoever signs up (accounts/signup.py).
"""

import unicodedata
from typing import Any

from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.passwords import PASSWORD_HINT
from consult import languages, signing
from consult.models import SignAttempt

DISPLAY_NAME_LENGTH = User._meta.get_field("display_name").max_length or 80
# Bidirectional embeddings, overrides and isolates; zero-width space, word joiner and BOM: a name
# must read the same wherever it is shown. Zero-width joiners stay (Persian names, emoji).
INVISIBLE = dict.fromkeys(
    map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u2060\ufeff")
)
# Control characters (line breaks become spaces), and lone surrogates (no character at all: the
# database refuses them).
DROPPED_CATEGORIES = {"Cc", "Cs"}


def normalise_name(value: str) -> str:
    """One line of visible text: no control or reordering characters, spaces collapsed."""
    kept = "".join(
        character
        for character in value.translate(INVISIBLE)
        if character.isspace() or unicodedata.category(character) not in DROPPED_CATEGORIES
    )
    return " ".join(unicodedata.normalize("NFC", kept).split())


class DisplayNameField(forms.CharField):
    """The name shown beside a person's arguments and to their organisations' members."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Your name (optional)"))
        kwargs.setdefault(
            "help_text",
            _(
                "Shown beside arguments you submit and to the other members of your organisations."
                " Leave it blank to appear as “A participant”."
            ),
        )
        super().__init__(required=False, **kwargs)
        self.widget.attrs.update({"autocomplete": "name", "spellcheck": "false"})

    def to_python(self, value: Any) -> str:
        return normalise_name(super().to_python(value) or "")

    def validate(self, value: str) -> None:
        super().validate(value)
        # The limit applies to the normalised name, and is checked here rather than by the
        # browser, so someone pasting a long name learns why it was refused.
        if len(value) > DISPLAY_NAME_LENGTH:
            raise ValidationError(
                _("Enter a name of at most %(limit)d characters."),
                code="max_length",
                params={"limit": DISPLAY_NAME_LENGTH},
            )
        if "://" in value or "www." in value.lower():
            raise ValidationError(_("Enter your name, not a web address."), code="link")


class SiteLabels:
    """allauth's labels replaced by the site's own, field by field, and its list of password
    rules by one sentence."""

    labels: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = self.fields  # type: ignore[attr-defined]
        for name, label in self.labels.items():
            if name in fields:
                fields[name].label = label
        if "password1" in fields:
            fields["password1"].help_text = PASSWORD_HINT


class LoginForm(SiteLabels, allauth_forms.LoginForm):  # type: ignore[misc]  # allauth is untyped.
    labels = {"login": _("Email address"), "password": _("Password"), "remember": _("Remember me")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The login page links to the password reset below the form instead of in a hint.
        self.fields["password"].help_text = ""


class SignupForm(SiteLabels, allauth_forms.SignupForm):  # type: ignore[misc]
    labels = {"email": _("Email address"), "password1": _("Password"), "password2": _("Confirm password")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["display_name"] = DisplayNameField()
        self.order_fields(["display_name", "email", "password1", "password2"])

    def validate_unique_email(self, value: str) -> str:
        """Not looked up here: a look-up that finds an account takes longer than one that does
        not. The task looks (accounts/signup.py)."""
        return value

    def try_save(self, request: HttpRequest) -> tuple[Any, HttpResponse | None]:
        """Hash the password and keep the attempt; whether the address has an account is found
        out after the response (accounts/signup.py). allauth answers as for a known address,
        which is the same page, and its own email for that case is left to the task."""
        payload = {
            "email": self.cleaned_data["email"],
            "password_hash": make_password(self.cleaned_data["password1"]),
            "language": languages.current(),
            "display_name": self.cleaned_data.get("display_name", ""),
        }
        signing.attempt(SignAttempt.Kind.SIGN_UP, payload)
        self.account_already_exists = True
        user, response = super().try_save(request)
        return user, response


class AddEmailForm(SiteLabels, allauth_forms.AddEmailForm):  # type: ignore[misc]
    labels = {"email": _("Email address")}


class ChangePasswordForm(SiteLabels, allauth_forms.ChangePasswordForm):  # type: ignore[misc]
    labels = {
        "oldpassword": _("Current password"),
        "password1": _("New password"),
        "password2": _("Confirm new password"),
    }


class ResetPasswordForm(SiteLabels, allauth_forms.ResetPasswordForm):  # type: ignore[misc]
    labels = {"email": _("Email address")}


class ResetPasswordKeyForm(SiteLabels, allauth_forms.ResetPasswordKeyForm):  # type: ignore[misc]
    labels = {"password1": _("New password"), "password2": _("Confirm new password")}


class ReauthenticateForm(SiteLabels, allauth_forms.ReauthenticateForm):  # type: ignore[misc]
    labels = {"password": _("Password")}


class DisplayNameForm(forms.ModelForm):  # type: ignore[type-arg]
    display_name = DisplayNameField(label=_("Your name"))

    class Meta:
        model = User
        fields = ["display_name"]
