"""allauth's sign-up form, made to do the same work in the request whoever signs up."""

from typing import Any

from allauth.account.forms import SignupForm as AllauthSignupForm
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest, HttpResponse

from consult import languages, signing
from consult.models import SignAttempt


class SignupForm(AllauthSignupForm):  # type: ignore[misc]  # allauth is untyped.
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
        }
        signing.attempt(SignAttempt.Kind.SIGN_UP, payload)
        self.account_already_exists = True
        user, response = super().try_save(request)
        return user, response
