"""Django's password rules, saying what they check in the site's own words.

Django's Welsh catalogue does not translate these messages, so a Welsh page explained its
password rules in English; written here, they are in the site's catalogue like every other
string. The rules themselves are Django's, unchanged.
"""

from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

# One sentence for every form that sets a password, in place of Django's list of four rules.
PASSWORD_HINT = _(
    "Use at least 8 characters. Do not use only numbers, a common password, or one like your email address."
)


class UserAttributeSimilarityValidator(password_validation.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return str(_("This password is too like your %(verbose_name)s."))

    def get_help_text(self) -> str:
        return str(_("It must not be like your email address."))


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return str(_("This password is too short: use at least %(min_length)d characters.")) % {
            "min_length": self.min_length
        }

    def get_help_text(self) -> str:
        return str(_("Use at least %(min_length)d characters.")) % {"min_length": self.min_length}


class CommonPasswordValidator(password_validation.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return str(_("This password is one of the most common: choose another."))

    def get_help_text(self) -> str:
        return str(_("It must not be a common password."))


class NumericPasswordValidator(password_validation.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return str(_("This password is only numbers: add letters or other characters."))

    def get_help_text(self) -> str:
        return str(_("It must not be only numbers."))
