"""The signing rules as moderators set them: one row, each blank field keeping the operator's setting.

The settings (SIGN_BURST_LIMIT and the rest, from the environment) are the defaults; a moderator
overrides them here, through the decision in consult/signing_rules.py, which records every change.
"""

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consult.ratelimits import parse_rate

DOMAIN_PATTERN = re.compile(r"^(\*\.)?[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$")
# What one field may hold: enough for any real list, too little to slow every signature down.
MAX_ENTRIES = 200
# A rule's window is counted in the database per signature: a week at most, a million at most.
MAX_PERIOD_SECONDS = 7 * 86400
MAX_COUNT = 1_000_000
# A range wider than this would hold (or wave through) a whole country's signers at once.
WIDEST_PREFIX = {4: 8, 6: 32}


def entries(text: str) -> list[str]:
    """The entries of a list field: one per line (commas and spaces also separate them)."""
    return [entry for entry in re.split(r"[\s,]+", text) if entry]


def clean_rate(value: str) -> str:
    value = value.strip()
    try:
        count, period = parse_rate(value)
    except ValueError:
        raise ValidationError(
            _("Write a rate as a number per period, such as 5/m, 10/5m or 50/h."), code="rate"
        ) from None
    if count > MAX_COUNT or period > MAX_PERIOD_SECONDS:
        raise ValidationError(
            _("A rate counts at most %(count)s over at most 7 days.") % {"count": f"{MAX_COUNT:,}"},
            code="rate_size",
        )
    return value


def clean_range(entry: str) -> str:
    try:
        network = ipaddress.ip_network(entry, strict=False) if entry.isascii() else None
    except ValueError:
        network = None
    if network is None:
        raise ValidationError(
            _("%(entry)s is not an address range such as 192.0.2.0/24 or 2001:db8::/32."),
            code="range",
            params={"entry": entry[:60]},
        )
    if network.prefixlen < WIDEST_PREFIX[network.version]:
        raise ValidationError(
            _("%(entry)s is too wide: at most /8 for IPv4 and /32 for IPv6."),
            code="range_width",
            params={"entry": entry[:60]},
        )
    return str(network)


def clean_domain(entry: str) -> str:
    pattern = entry.lower()
    if not (pattern.isascii() and len(pattern) <= 253 and DOMAIN_PATTERN.match(pattern)):
        raise ValidationError(
            _("%(entry)s is not a domain such as example.com or *.example.com."),
            code="domain",
            params={"entry": entry[:60]},
        )
    return pattern


def clean_list(text: str, clean_entry: Callable[[str], str]) -> str:
    """Each entry checked and written canonically, one per line, without repeats."""
    found = entries(text)
    if len(found) > MAX_ENTRIES:
        raise ValidationError(_("At most %(count)d entries."), code="too_many", params={"count": MAX_ENTRIES})
    errors, cleaned = [], []
    for entry in found:
        try:
            cleaned.append(clean_entry(entry))
        except ValidationError as error:
            errors.append(error)
    if errors:
        raise ValidationError(errors)
    return "\n".join(dict.fromkeys(cleaned))


@dataclass(frozen=True)
class Rules:
    """The rules in force: each a moderator's value, or the operator's setting where none is set."""

    burst_limit: str
    sustained_limit: str
    mail_cap_per_ip: str
    mail_cap_per_domain: str
    allowed_ranges: tuple[str, ...]
    blocked_ranges: tuple[str, ...]
    allowed_domains: tuple[str, ...]
    blocked_domains: tuple[str, ...]


class SigningRules(models.Model):
    """A moderator's overrides of the signing rules (consult/abuse.py). There is one row."""

    RATE_FIELDS = {
        "burst_limit": "SIGN_BURST_LIMIT",
        "sustained_limit": "SIGN_SUSTAINED_LIMIT",
        "mail_cap_per_ip": "SIGN_MAIL_CAP_PER_IP",
        "mail_cap_per_domain": "SIGN_MAIL_CAP_PER_DOMAIN",
    }
    RANGE_FIELDS = {"allowed_ranges": "SIGN_ALLOWED_RANGES", "blocked_ranges": "SIGN_BLOCKED_RANGES"}
    DOMAIN_FIELDS = {"allowed_domains": "SIGN_ALLOWED_DOMAINS", "blocked_domains": "SIGN_BLOCKED_DOMAINS"}
    # Each rule field and the setting it overrides.
    SETTINGS = RATE_FIELDS | RANGE_FIELDS | DOMAIN_FIELDS

    burst_limit = models.CharField(
        _("burst limit"),
        max_length=20,
        blank=True,
        help_text=_("Signatures per address per statement in a short window, such as 5/m."),
    )
    sustained_limit = models.CharField(
        _("sustained limit"),
        max_length=20,
        blank=True,
        help_text=_("Signatures per address per statement in a longer window, such as 10/5m."),
    )
    mail_cap_per_ip = models.CharField(
        _("mail cap per address"),
        max_length=20,
        blank=True,
        help_text=_("Emails to signers asked for from one internet address, such as 50/h."),
    )
    mail_cap_per_domain = models.CharField(
        _("mail cap per email domain"),
        max_length=20,
        blank=True,
        help_text=_("Emails to signers at one email domain (allowed domains have none), such as 10/h."),
    )
    allowed_ranges = models.TextField(
        _("allowed address ranges"),
        max_length=10_000,
        blank=True,
        help_text=_("One range per line, such as 192.0.2.0/24: no rate or address cap applies."),
    )
    blocked_ranges = models.TextField(
        _("blocked address ranges"),
        max_length=10_000,
        blank=True,
        help_text=_("One range per line: signatures from them are held and not emailed."),
    )
    allowed_domains = models.TextField(
        _("allowed email domains"),
        max_length=10_000,
        blank=True,
        help_text=_("One per line, such as example.com or *.example.com: no domain cap applies."),
    )
    blocked_domains = models.TextField(
        _("blocked email domains"),
        max_length=10_000,
        blank=True,
        help_text=_("One per line: signatures with them are held and not emailed."),
    )

    class Meta:
        verbose_name = _("signing rules")
        verbose_name_plural = _("signing rules")
        constraints = [
            # One set of rules: the one `consult.signing_rules.current` reads.
            models.CheckConstraint(condition=Q(id=1), name="one_set_of_signing_rules"),
        ]

    def __str__(self) -> str:
        return str(_("Signing rules"))

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        cleaners: dict[str, Callable[[str], str]] = {name: clean_rate for name in self.RATE_FIELDS}
        for name in self.RANGE_FIELDS:
            cleaners[name] = lambda text: clean_list(text, clean_range)
        for name in self.DOMAIN_FIELDS:
            cleaners[name] = lambda text: clean_list(text, clean_domain)
        for name, clean_field in cleaners.items():
            value = getattr(self, name)
            if not value.strip():
                setattr(self, name, "")
                continue
            try:
                setattr(self, name, clean_field(value))
            except ValidationError as error:
                errors[name] = error.error_list
        if errors:
            raise ValidationError(errors)

    def overrides(self) -> dict[str, str]:
        """The fields a moderator set, by name: what the cache keeps."""
        return {name: getattr(self, name) for name in self.SETTINGS if getattr(self, name)}

    @classmethod
    def in_force(cls, overrides: dict[str, str]) -> Rules:
        """The rules with these overrides, each other rule as its setting says (read now)."""
        values: dict[str, Any] = {}
        for name, setting in cls.SETTINGS.items():
            default = getattr(settings, setting)
            if name in cls.RATE_FIELDS:
                values[name] = overrides.get(name) or default
            else:
                values[name] = tuple(entries(overrides[name]) if overrides.get(name) else default)
        return Rules(**values)
