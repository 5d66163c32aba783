"""Typed readers of the environment variables that config/settings.py is made from.

A value that cannot be read at all (a port that is not a number, an unknown URL scheme) stops the
process at once, with a message that names the variable and shows a right value. A value that
reads but makes no sense (a negative number of days, a malformed rate) is for the system checks in
config/checks.py, which report every such variable together.

The readers are named as django-environ's, which these settings used before, so a setting reads
`env.int("PORT", default=8000)`; django-environ still parses the database and email URLs.
"""

import builtins
import os
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")
TRUE = {"1", "true", "yes", "on"}
FALSE = {"0", "false", "no", "off", ""}


class Missing:
    """The default of a variable that must be set."""


MISSING = Missing()


class Environment:
    # Inside the class, `str`, `bool`, `int` and `list` are the readers: types go by `builtins`.

    def __init__(self, variables: Mapping[builtins.str, builtins.str] = os.environ) -> None:
        self.variables = variables

    def __contains__(self, name: builtins.str) -> builtins.bool:
        return name in self.variables

    def read(self, name: builtins.str, default: T | Missing, parse: Callable[[builtins.str], T]) -> T:
        if name in self.variables:
            return parse(self.variables[name])
        if isinstance(default, Missing):
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default

    def str(self, name: builtins.str, default: builtins.str | Missing = MISSING) -> builtins.str:
        return self.read(name, default, lambda value: value)

    def bool(self, name: builtins.str, default: builtins.bool | Missing = MISSING) -> builtins.bool:
        return self.read(name, default, lambda value: to_bool(name, value))

    def int(self, name: builtins.str, default: builtins.int | Missing = MISSING) -> builtins.int:
        example = default if isinstance(default, builtins.int) else 10
        return self.read(name, default, lambda value: to_int(name, value, example))

    def list(
        self, name: builtins.str, default: builtins.list[builtins.str] | Missing = MISSING
    ) -> builtins.list[builtins.str]:
        """Comma-separated words, each stripped of spaces; empty ones are dropped."""
        return self.read(name, default, to_words)

    def choice(
        self, name: builtins.str, default: builtins.str, choices: Collection[builtins.str]
    ) -> builtins.str:
        return self.read(name, default, lambda value: to_choice(name, value, choices, default))

    def db(self, name: builtins.str, default: builtins.str | Missing = MISSING) -> dict[builtins.str, Any]:
        """A DATABASES entry from a URL such as postgres://user:password@host:5432/consult."""
        return to_database(name, self.str(name, default))

    def email_url(
        self, name: builtins.str, default: builtins.str | Missing = MISSING
    ) -> dict[builtins.str, Any]:
        """Django's EMAIL_* settings from a URL such as smtp://user:password@mail.example.org:587."""
        return to_email_settings(name, self.str(name, default))


def unreadable(name: str, shown: str, expected: str, example: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(
        f"The environment variable {name} must be {expected}, not {shown}. For example: {name}={example}"
    )


def to_bool(name: str, value: str) -> bool:
    if value.strip().lower() not in TRUE | FALSE:
        raise unreadable(name, repr(value), "on or off", "1 (or 0; true, false, yes, no, on, off)")
    return value.strip().lower() in TRUE


def to_words(value: str) -> list[str]:
    return [word.strip() for word in value.split(",") if word.strip()]


def to_int(name: str, value: str, example: int) -> int:
    try:
        return int(value)
    except ValueError:
        raise unreadable(name, repr(value), "a whole number", str(example)) from None


def to_choice(name: str, value: str, choices: Collection[str], example: str) -> str:
    if value not in choices:
        raise unreadable(name, repr(value), f"one of {', '.join(choices)}", example)
    return value


def to_database(name: str, url: str) -> dict[str, Any]:
    example = "postgres://user:password@db.example.org:5432/consult"
    # The URL may hold a password: a message shows its scheme only.
    scheme = urlsplit(url).scheme
    if scheme not in environ.Env.DB_SCHEMES:
        raise unreadable(name, f"a URL starting {scheme or '(no scheme)'}://", "a database URL", example)
    try:
        return dict(environ.Env.db_url_config(url))
    except ValueError:
        raise unreadable(
            name, "a URL with that port", "a database URL with a numeric port", example
        ) from None


def to_email_settings(name: str, url: str) -> dict[str, Any]:
    example = "smtp://user:password@mail.example.org:587"
    scheme = urlsplit(url).scheme
    if scheme not in environ.Env.EMAIL_SCHEMES:
        shown = f"a URL starting {scheme or '(no scheme)'}://"
        raise unreadable(name, shown, "smtp://, smtps://, consolemail:// or filemail://", example)
    try:
        config = dict(environ.Env.email_url_config(url))
    except ValueError:
        raise unreadable(name, "a URL with that port", "an email URL with a numeric port", example) from None
    if scheme == "filemail" and not config["EMAIL_FILE_PATH"].startswith("/"):
        # django-environ drops the leading slash of filemail:///absolute/path.
        config["EMAIL_FILE_PATH"] = "/" + config["EMAIL_FILE_PATH"]
    return config
