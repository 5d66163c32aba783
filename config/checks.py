"""System checks of the settings that config/settings.py reads from the environment.

`manage.py check` (and so `runserver`, `migrate` and `check --deploy`) names each variable whose
value makes no sense and shows a right one; the web tier refuses to start on such a value
(config/wsgi.py) rather than answer 500 at the first request that reads it. Values that cannot be
read at all already stopped the process in config/environment.py.
"""

import ipaddress
import re
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import ERROR, WARNING, CheckMessage, register, run_checks
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host
from kombu.transport import TRANSPORT_ALIASES

from consult.ratelimits import parse_rate

DOMAIN_PATTERN = re.compile(r"^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)+$")

# `manage.py check --tag environment` runs these alone.
ENVIRONMENT = "environment"

# How Django names an HTTP header in request.META.
META_HEADER = re.compile(r"HTTP_[A-Z0-9_]+")
REDIS_SCHEMES = {"redis", "rediss", "unix"}
SMTP = "django.core.mail.backends.smtp.EmailBackend"
FILES = "django.core.mail.backends.filebased.EmailBackend"


def problem(variable: str, text: str, example: str, id: str, level: int = ERROR) -> CheckMessage:
    """A message that starts with the variable's name and shows a right value as its hint."""
    return CheckMessage(level, f"{variable} {text}.", hint=f"For example: {variable}={example}", id=id)


@register(ENVIRONMENT)
def check_rates(**kwargs: Any) -> list[CheckMessage]:
    messages = []
    rates = [
        ("SIGN_RATE_LIMIT", "10/h"),
        ("FORM_RATE_LIMIT", "60/h"),
        ("FEEDBACK_RATE_LIMIT", "5/h"),
        ("CONFIRM_RATE_LIMIT", "10/h"),
        ("ADD_MEMBER_RATE_LIMIT", "20/h"),
        ("SIGN_BURST_LIMIT", "5/m"),
        ("SIGN_SUSTAINED_LIMIT", "10/5m"),
        ("SIGN_MAIL_CAP_PER_IP", "50/h"),
        ("SIGN_MAIL_CAP_PER_DOMAIN", "10/h"),
    ]
    for variable, example in rates:
        value = getattr(settings, variable)
        try:
            parse_rate(value)
        except ValueError:
            text = f"is {value!r}, not a rate: a number of requests per s, m, h or d"
            messages.append(problem(variable, text, example, "config.E001"))
    return messages


@register(ENVIRONMENT)
def check_signing_lists(**kwargs: Any) -> list[CheckMessage]:
    """Address ranges must be CIDR ranges and domains must be domain patterns."""
    messages = []
    for variable in ["SIGN_ALLOWED_RANGES", "SIGN_BLOCKED_RANGES"]:
        for value in getattr(settings, variable):
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                text = f"holds {value!r}, not an address range"
                messages.append(problem(variable, text, "192.0.2.0/24,2001:db8::/32", "config.E020"))
    for variable in ["SIGN_ALLOWED_DOMAINS", "SIGN_BLOCKED_DOMAINS"]:
        for value in getattr(settings, variable):
            if not DOMAIN_PATTERN.match(value.lower()):
                text = f"holds {value!r}, not a domain or *.domain"
                messages.append(problem(variable, text, "example.com,*.example.org", "config.E021"))
    return messages


@register(ENVIRONMENT)
def check_site_url(**kwargs: Any) -> list[CheckMessage]:
    address = urlsplit(settings.SITE_URL)
    if address.scheme not in {"http", "https"} or not address.hostname:
        text = f"is {settings.SITE_URL!r}, not the site's address with http:// or https:// and a host"
        return [problem("SITE_URL", text, "https://consult.example.org", "config.E002")]
    allowed = settings.ALLOWED_HOSTS
    if not settings.DEBUG and allowed and not validate_host(address.hostname, allowed):
        text = f"does not hold {address.hostname!r}, SITE_URL's host: links in emails would answer 400"
        return [problem("ALLOWED_HOSTS", text, address.hostname, "config.W003", WARNING)]
    return []


@register(ENVIRONMENT, deploy=True)
def check_site_url_is_https(**kwargs: Any) -> list[CheckMessage]:
    if urlsplit(settings.SITE_URL).scheme == "https":
        return []
    text = f"is {settings.SITE_URL!r}: the links in emails and embeds would not use HTTPS"
    return [problem("SITE_URL", text, "https://consult.example.org", "config.W004", WARNING)]


@register(ENVIRONMENT)
def check_allowed_hosts(**kwargs: Any) -> list[CheckMessage]:
    if not settings.ALLOWED_HOSTS and not settings.DEBUG:
        text = "is empty: with DEBUG off every request would be refused"
        return [problem("ALLOWED_HOSTS", text, "consult.example.org", "config.E005")]
    return [
        problem(
            "ALLOWED_HOSTS",
            f"holds {host!r}: it takes host names, not addresses",
            host_of(host),
            "config.E006",
        )
        for host in settings.ALLOWED_HOSTS
        if "/" in host
    ]


def host_of(address: str) -> str:
    return urlsplit(address).hostname or "consult.example.org"


@register(ENVIRONMENT)
def check_email(**kwargs: Any) -> list[CheckMessage]:
    if settings.EMAIL_BACKEND == SMTP and not settings.EMAIL_HOST:
        text = "names no mail server"
        return [problem("EMAIL_URL", text, "smtp://user:password@mail.example.org:587", "config.E007")]
    if settings.EMAIL_BACKEND == FILES and settings.EMAIL_FILE_PATH in {"", "/"}:
        text = "names no folder to write emails to"
        return [problem("EMAIL_URL", text, "filemail:///var/mail/consult", "config.E007")]
    return []


@register(ENVIRONMENT)
def check_from_address(**kwargs: Any) -> list[CheckMessage]:
    if is_address(settings.DEFAULT_FROM_EMAIL):
        return []
    text = f"is {settings.DEFAULT_FROM_EMAIL!r}, not an email address (with a name, if you like)"
    return [problem("DEFAULT_FROM_EMAIL", text, "'Consult <no-reply@consult.example.org>'", "config.E008")]


def is_address(value: str) -> bool:
    if "\n" in value or "\r" in value:
        return False
    local, at, domain = parseaddr(value)[1].rpartition("@")
    return bool(local and at and domain)


# The ICO's register numbers fee payers like Z1234567 or ZA123456.
ICO_NUMBER = re.compile(r"[A-Z]{1,2}[0-9]{6,7}")
# An address people are asked to write to: one bare address, at a domain with a dot in it.
PLAIN_ADDRESS = re.compile(r"[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+")


@register(ENVIRONMENT)
def check_operator(**kwargs: Any) -> list[CheckMessage]:
    """Who runs the site is printed on every page: it must be there and make sense."""
    messages = []
    for variable in ["OPERATOR_NAME", "OPERATOR_ADDRESS"]:
        value = getattr(settings, variable)
        if not value.strip() or "\n" in value or "\r" in value:
            text = f"is {value!r}: it must be one line of text, shown on every page"
            example = (
                "'Example Trust'" if variable == "OPERATOR_NAME" else "'1 High Street, Cardiff, CF10 1AA'"
            )
            messages.append(problem(variable, text, example, "config.E015"))
    if not PLAIN_ADDRESS.fullmatch(settings.OPERATOR_EMAIL):
        text = (
            f"is {settings.OPERATOR_EMAIL!r}, not one email address people can write to (no name around it)"
        )
        messages.append(problem("OPERATOR_EMAIL", text, "hello@consult.example.org", "config.E016"))
    if settings.OPERATOR_ICO_NUMBER and not ICO_NUMBER.fullmatch(settings.OPERATOR_ICO_NUMBER):
        text = f"is {settings.OPERATOR_ICO_NUMBER!r}, not a number in the ICO's register"
        messages.append(problem("OPERATOR_ICO_NUMBER", text, "ZA123456", "config.E017"))
    return messages


@register(ENVIRONMENT, deploy=True)
def check_operator_is_not_the_demo(**kwargs: Any) -> list[CheckMessage]:
    if not settings.OPERATOR_IS_DEMO:
        return []
    text = "is unset: every page would name the demo's invented operator and address"
    return [problem("OPERATOR_NAME", text, "'Example Trust'", "config.W018", WARNING)]


@register(ENVIRONMENT)
def check_numbers(**kwargs: Any) -> list[CheckMessage]:
    # (variable, its value, smallest, largest or None, an example)
    numbers = [
        ("PORT", settings.PORT, 1, 65535, 8000),
        ("EMAIL_TIMEOUT", settings.EMAIL_TIMEOUT, 1, None, 20),
        ("IP_HASH_RETENTION_DAYS", settings.IP_HASH_RETENTION_DAYS, 1, None, 30),
        ("ANONYMISE_AFTER_CLOSE_DAYS", settings.ANONYMISE_AFTER_CLOSE_DAYS, 1, None, 90),
        ("FEEDBACK_RETENTION_DAYS", settings.FEEDBACK_RETENTION_DAYS, 1, None, 365),
        ("CONN_MAX_AGE", settings.DATABASES["default"].get("CONN_MAX_AGE", 0), 0, None, 60),
        ("SECURE_HSTS_SECONDS", settings.SECURE_HSTS_SECONDS, 0, None, 31536000),
        ("PAGE_CACHE_SECONDS", settings.PAGE_CACHE_SECONDS, 1, 3600, 5),
    ]
    messages = []
    for variable, value, smallest, largest, example in numbers:
        if value < smallest or (largest is not None and value > largest):
            bounds = f"from {smallest} to {largest}" if largest else f"{smallest} or more"
            messages.append(
                problem(variable, f"is {value}: it must be {bounds}", str(example), "config.E009")
            )
    return messages


@register(ENVIRONMENT)
def check_client_ip_header(**kwargs: Any) -> list[CheckMessage]:
    header = settings.CLIENT_IP_HEADER
    if not header or META_HEADER.fullmatch(header):
        return []
    text = f"is {header!r}: it must name the header as Django's request.META does"
    example = "HTTP_" + header.upper().replace("-", "_") if re.fullmatch(r"[\w-]+", header) else ""
    return [problem("CLIENT_IP_HEADER", text, example or "HTTP_X_FORWARDED_FOR", "config.E010")]


# URLs may hold passwords: the messages about them show their schemes only.


@register(ENVIRONMENT)
def check_cache_url(**kwargs: Any) -> list[CheckMessage]:
    cache = settings.CACHES["default"]
    if not cache["BACKEND"].endswith("RedisCache") or scheme(cache["LOCATION"]) in REDIS_SCHEMES:
        return []
    text = f"starts {scheme(cache['LOCATION'])}://, not redis:// or rediss://"
    return [problem("REDIS_URL", text, "redis://cache.example.org:6379/0", "config.E011")]


@register(ENVIRONMENT)
def check_broker(**kwargs: Any) -> list[CheckMessage]:
    broker = settings.CELERY_BROKER_URL
    messages = []
    if broker and scheme(broker) not in TRANSPORT_ALIASES:
        text = f"starts {scheme(broker)}://, which is no broker Celery knows"
        messages.append(problem("CELERY_BROKER_URL", text, "redis://cache.example.org:6379/1", "config.E012"))
    if not settings.CELERY_TASK_DEFAULT_QUEUE.strip():
        messages.append(problem("CELERY_TASK_DEFAULT_QUEUE", "is empty", "celery", "config.E013"))
    return messages


@register(ENVIRONMENT)
def check_database_url(**kwargs: Any) -> list[CheckMessage]:
    if settings.DATABASES["default"].get("NAME"):
        return []
    example = "postgres://user:password@db.example.org:5432/consult"
    return [problem("DATABASE_URL", "names no database", example, "config.E014")]


def scheme(url: str) -> str:
    return url.partition("://")[0] if "://" in url else "(no scheme)"


def stop_on_errors() -> None:
    """Refuse to start a process (the web tier) while a variable is malformed, naming it."""
    errors = [message for message in run_checks(tags=[ENVIRONMENT]) if message.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(str(error) for error in errors))
