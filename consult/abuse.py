"""The signing rules: which new signatures wait for a moderator, and which get no email yet.

Modelled on the UK Parliament petitions site, and run where it runs them: when a signature's
confirmation email is about to be sent (`screen`, called by consult/emails.py), never in the web
request, so the request does the same work whoever signs and a script learns nothing from it.
In order:

1. A blocked address range or email domain: held, and no email (a moderator may release it).
2. Per IP address per statement, more than SIGN_BURST_LIMIT or SIGN_SUSTAINED_LIMIT signatures
   (only valid attempts are rows, so only they count): held as over the rate. The email still
   goes, so a person behind a busy shared address confirms and counts once a moderator agrees.
   Allowed ranges skip this rule and the address's mail cap.
3. The mail caps: beyond SIGN_MAIL_CAP_PER_IP confirmation emails per address, or
   SIGN_MAIL_CAP_PER_DOMAIN per email domain (allowed domains have none), no email is sent: the
   signature waits, held, for a moderator, whose release sends it. The site cannot be made to
   mail more strangers than the caps.

The time a form took (dwell) is recorded for moderators and is never a verdict.
"""

import ipaddress
from datetime import timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from consult.models import OutboundEmail, Signature
from consult.ratelimits import parse_rate

CONFIRMATIONS: set[str] = {OutboundEmail.Kind.CONFIRM, OutboundEmail.Kind.CONFIRM_AGAIN}
# Holds that keep the confirmation email back until a moderator releases the signature.
NOT_EMAILED: set[str] = {Signature.Hold.BLOCKED, Signature.Hold.MAIL_CAP}


def address_range(ip: str) -> str:
    """Whether `ip` is in a blocked or an allowed range; noted at signing, as the IP is not kept."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return Signature.AddressRange.NONE
    if in_ranges(address, settings.SIGN_BLOCKED_RANGES):
        return Signature.AddressRange.BLOCKED
    if in_ranges(address, settings.SIGN_ALLOWED_RANGES):
        return Signature.AddressRange.ALLOWED
    return Signature.AddressRange.NONE


def in_ranges(address: ipaddress.IPv4Address | ipaddress.IPv6Address, ranges: list[str]) -> bool:
    return any(address in ipaddress.ip_network(network, strict=False) for network in ranges)


def domain_matches(domain: str, patterns: list[str]) -> bool:
    """`example.com` matches itself; `*.example.com` matches its subdomains (not itself)."""
    domain = domain.lower()
    for pattern in (pattern.lower() for pattern in patterns):
        if pattern.startswith("*.") and domain.endswith(pattern[1:]):
            return True
        if domain == pattern:
            return True
    return False


def screen(row: OutboundEmail) -> str:
    """Why this outbox row must not be sent now ("" if it may); applies the rules the first time.

    Safe to run twice: a signature is judged once, and its verdict is kept on its row.
    """
    signature = row.signature
    if row.kind not in CONFIRMATIONS or signature is None:
        return ""
    if signature.checked_at is None and signature.hold not in NOT_EMAILED:
        judge(signature)
    if signature.hold in NOT_EMAILED:
        return f"Held by the signing rules ({signature.hold}); a moderator's release sends it."
    return ""


def judge(signature: Signature) -> None:
    """Apply the rules to a pending signature and record the verdict on it."""
    verdict = rule_hold(signature)
    if verdict in NOT_EMAILED:
        signature.record_checks(verdict, mailed=False)
    else:
        # A hold set before (an unverified organisation, a moderator's) is kept.
        signature.record_checks(signature.hold or verdict, mailed=True)


def rule_hold(signature: Signature) -> str:
    allowed_range = signature.address_range == Signature.AddressRange.ALLOWED
    if signature.address_range == Signature.AddressRange.BLOCKED or domain_matches(
        signature.email_domain, settings.SIGN_BLOCKED_DOMAINS
    ):
        return Signature.Hold.BLOCKED
    if over_mail_cap(signature, allowed_range):
        return Signature.Hold.MAIL_CAP
    if not allowed_range and over_rate(signature):
        return Signature.Hold.RATE
    return Signature.Hold.NONE


def over_rate(signature: Signature) -> bool:
    """More signatures from this address on this statement than a window allows, this one included.

    Counted up to this signature (by id), so a second look gives the same answer.
    """
    if not signature.ip_hash:
        return False
    same_address = Signature.objects.filter(
        statement_id=signature.statement_id, ip_hash=signature.ip_hash, pk__lte=signature.pk
    )
    for rate in (settings.SIGN_BURST_LIMIT, settings.SIGN_SUSTAINED_LIMIT):
        limit, period = parse_rate(rate)
        window_start = signature.created_at - timedelta(seconds=period)
        if same_address.filter(created_at__gt=window_start).count() > limit:
            return True
    return False


def over_mail_cap(signature: Signature, allowed_range: bool) -> bool:
    """Whether this address or this domain has had its cap of confirmation emails already."""
    mailed = Signature.objects.filter(checked_at__isnull=False)
    by_address = mailed.filter(ip_hash=signature.ip_hash)
    if signature.ip_hash and not allowed_range and reached(by_address, settings.SIGN_MAIL_CAP_PER_IP):
        return True
    domain = signature.email_domain
    if domain and not domain_matches(domain, settings.SIGN_ALLOWED_DOMAINS):
        return reached(mailed.filter(email_domain=domain), settings.SIGN_MAIL_CAP_PER_DOMAIN)
    return False


def reached(mailed: QuerySet[Signature], cap: str) -> bool:
    limit, period = parse_rate(cap)
    return mailed.filter(checked_at__gt=timezone.now() - timedelta(seconds=period)).count() >= limit
