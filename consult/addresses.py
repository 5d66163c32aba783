"""Email addresses and UK postcodes: what a petition site accepts, and one canonical form of each."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
# RFC 5322's dot-atom: a local part that needs no quotes.
DOT_ATOM = re.compile(r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
QUOTED_PAIR = re.compile(r"\\(.)")
# Outward code (area, district) and inward code (sector, unit); GIR 0AA is the one historic oddity.
POSTCODE = re.compile(r"^(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)$")


def normalise_email(address: str) -> str:
    """The form used to tell whether two addresses reach the same person.

    Case never matters in practice; a quoted local part is the same mailbox as its unquoted
    text (`"jo"@x` is `jo@x`); Gmail also ignores dots and anything after a plus in the local
    part, and googlemail.com is gmail.com.
    """
    local, _at, domain = address.strip().lower().rpartition("@")
    local = unquote(local)
    if domain in GMAIL_DOMAINS:
        local = local.split("+", 1)[0].replace(".", "")
        domain = "gmail.com"
    return f"{requote(local)}@{domain}"


def unquote(local: str) -> str:
    """The text of a quoted local part (quotes removed, backslash pairs undone); others as they are."""
    if len(local) >= 2 and local.startswith('"') and local.endswith('"'):
        return QUOTED_PAIR.sub(r"\1", local[1:-1])
    return local


def requote(local: str) -> str:
    """The local part in its one canonical spelling: bare when it can be, quoted when it must."""
    if DOT_ATOM.match(local):
        return local
    escaped = local.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def check_deliverable(address: str) -> None:
    """Refuse addresses Django's validator accepts that no member of the public could use."""
    domain = address.rpartition("@")[2].lower()
    if domain.startswith("["):
        raise ValidationError(_("Enter an email address with a domain name, not an IP address."), "literal")
    if "." not in domain.strip(".") or domain == "localhost" or domain.endswith((".localhost", ".")):
        raise ValidationError(
            _("Enter an email address with a full domain, like name@example.org."), "domain"
        )


def is_disposable(address: str) -> bool:
    """Whether the address is at a throwaway-mailbox domain (or a subdomain of one)."""
    from disposable_email_domains import blocklist

    labels = address.rpartition("@")[2].lower().split(".")
    return any(".".join(labels[index:]) in blocklist for index in range(len(labels) - 1))


def normalise_postcode(value: str) -> str:
    """'sw1a1aa' -> 'SW1A 1AA'. Raises ValidationError for anything that is not a UK postcode."""
    compact = re.sub(r"\s+", "", value).upper()
    if not POSTCODE.match(compact):
        raise ValidationError(_("Enter a UK postcode, like SW1A 1AA, or leave it blank."), "postcode")
    return f"{compact[:-3]} {compact[-3:]}"
