"""The signing rules: which new signatures wait for a moderator, and which get no email yet.

Run where they cost a request nothing: in the task that writes a new signature, in the
transaction that inserts it (consult/signing.py), or else when a signature's confirmation email
is about to be sent (`screen`, called by consult/emails.py); never in the web request, so the
request does the same work whoever signs and a script learns nothing from it. The rules in
force are the settings below, each overridden where a moderator set it in the admin
(consult/signing_rules.py reads them, consult/rule_changes.py records each change). In order:

1. A blocked address range or email domain: held, and no email (a moderator may release it).
2. Per IP address per statement, more than SIGN_BURST_LIMIT or SIGN_SUSTAINED_LIMIT signatures
   (only valid attempts are rows, so only they count): held as over the rate. The email still
   goes, so a person behind a busy shared address confirms and counts once a moderator agrees.
   Allowed ranges skip this rule and the address's mail cap.
3. The mail caps: beyond SIGN_MAIL_CAP_PER_IP emails to signers per address, or
   SIGN_MAIL_CAP_PER_DOMAIN per email domain (allowed domains have none), no email is sent: the
   signature waits, held, for a moderator, whose release sends it. A repeat email ("confirm
   again", "you have already signed") counts too, against the address that asked for it, and one
   beyond a cap is not sent (its reader had their email before). The site cannot be made to mail
   more strangers than the caps.

The time a form took (dwell) is recorded for moderators and is never a verdict.
"""

import ipaddress
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from consult import signing_rules
from consult.models import OutboundEmail, Signature
from consult.models.rules import Rules
from consult.ratelimits import parse_rate

CONFIRMATIONS: set[str] = {OutboundEmail.Kind.CONFIRM, OutboundEmail.Kind.CONFIRM_AGAIN}
# Emails answering a repeat attempt to sign: counted by the mail caps, and held back by them.
REPEATS: set[str] = {OutboundEmail.Kind.CONFIRM_AGAIN, OutboundEmail.Kind.ALREADY_SIGNED}
# Repeat emails that did not go (withheld, moot, undeliverable) are not counted.
NOT_MAILED = [OutboundEmail.State.SKIPPED, OutboundEmail.State.FAILED]
# Holds that keep the confirmation email back until a moderator releases the signature.
NOT_EMAILED: set[str] = {Signature.Hold.BLOCKED, Signature.Hold.MAIL_CAP}


def address_range(ip: str) -> str:
    """Whether `ip` is in a blocked or an allowed range; noted at signing, as the IP is not kept."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return Signature.AddressRange.NONE
    rules = signing_rules.current()
    if in_ranges(address, rules.blocked_ranges):
        return Signature.AddressRange.BLOCKED
    if in_ranges(address, rules.allowed_ranges):
        return Signature.AddressRange.ALLOWED
    return Signature.AddressRange.NONE


def in_ranges(address: ipaddress.IPv4Address | ipaddress.IPv6Address, ranges: tuple[str, ...]) -> bool:
    return any(address in ipaddress.ip_network(network, strict=False) for network in ranges)


def domain_matches(domain: str, patterns: tuple[str, ...] | list[str]) -> bool:
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
    if row.kind not in CONFIRMATIONS | REPEATS or signature is None:
        return ""
    if row.kind in CONFIRMATIONS and signature.checked_at is None and signature.hold not in NOT_EMAILED:
        judge(signature, signing_rules.current())
        if signature.hold not in NOT_EMAILED:
            return ""  # This email is the signature's first, counted as such.
    if signature.hold in NOT_EMAILED:
        return f"Held by the signing rules ({signature.hold}); a moderator's release sends it."
    if row.kind in REPEATS and repeat_over_cap(row, signature, signing_rules.current()):
        return "Over a mail cap: a repeat email is not sent (its reader was emailed before)."
    return ""


def judge(signature: Signature, rules: Rules, locked: bool = False) -> None:
    """Apply the rules to a pending signature and record the verdict on it. With `locked`, the
    caller's open transaction wrote or locked the row, and this copy is the current one."""
    verdict = rule_hold(signature, rules)
    if verdict in NOT_EMAILED:
        signature.record_checks(verdict, mailed=False, locked=locked)
    else:
        # A hold set before (an unverified organisation, a moderator's) is kept.
        signature.record_checks(signature.hold or verdict, mailed=True, locked=locked)


def rule_hold(signature: Signature, rules: Rules) -> str:
    allowed_range = signature.address_range == Signature.AddressRange.ALLOWED
    if signature.address_range == Signature.AddressRange.BLOCKED or domain_matches(
        signature.email_domain, rules.blocked_domains
    ):
        return Signature.Hold.BLOCKED
    if over_mail_cap(signature, allowed_range, rules):
        return Signature.Hold.MAIL_CAP
    if not allowed_range and over_rate(signature, rules):
        return Signature.Hold.RATE
    return Signature.Hold.NONE


def over_rate(signature: Signature, rules: Rules) -> bool:
    """More signatures from this address on this statement than a window allows, this one included.

    Counted up to this signature (by id), so a second look gives the same answer.
    """
    if not signature.ip_hash:
        return False
    limits = [parse_rate(rate) for rate in (rules.burst_limit, rules.sustained_limit)]
    starts = [signature.created_at - timedelta(seconds=period) for _limit, period in limits]
    # Both windows in one statement: each a filtered count over the longer one.
    counts = Signature.objects.filter(
        statement_id=signature.statement_id,
        ip_hash=signature.ip_hash,
        pk__lte=signature.pk,
        created_at__gt=min(starts),
    ).aggregate(
        **{
            f"window{number}": Count("pk", filter=Q(created_at__gt=start))
            for number, start in enumerate(starts)
        }
    )
    return any(counts[f"window{number}"] > limit for number, (limit, _period) in enumerate(limits))


def over_mail_cap(signature: Signature, allowed_range: bool, rules: Rules) -> bool:
    """Whether this address or this domain has had its cap of emails to signers already."""
    repeats = OutboundEmail.objects.all()
    if signature.ip_hash and not allowed_range:
        by_address = mailed_to(ip_hash=signature.ip_hash), repeats.filter(ip_hash=signature.ip_hash)
        if reached(rules.mail_cap_per_ip, *by_address):
            return True
    return over_domain_cap(signature.email_domain, repeats, rules)


def repeat_over_cap(row: OutboundEmail, signature: Signature, rules: Rules) -> bool:
    """Whether the address that asked for this repeat email, or its reader's domain, had its cap.

    Counted over the emails before this one (by id), so a second look gives the same answer.
    """
    earlier = OutboundEmail.objects.filter(pk__lt=row.pk)
    if row.ip_hash and reached(
        rules.mail_cap_per_ip, mailed_to(ip_hash=row.ip_hash), earlier.filter(ip_hash=row.ip_hash)
    ):
        return True
    return over_domain_cap(signature.email_domain, earlier, rules)


def over_domain_cap(domain: str, repeats: QuerySet[OutboundEmail], rules: Rules) -> bool:
    if not domain or domain_matches(domain, rules.allowed_domains):
        return False
    domain_repeats = repeats.filter(signature__email_domain=domain)
    return reached(rules.mail_cap_per_domain, mailed_to(email_domain=domain), domain_repeats)


def mailed_to(**lookups: str) -> QuerySet[Signature]:
    """Signatures whose first email went (a held one's waits, uncounted)."""
    return Signature.objects.filter(checked_at__isnull=False, **lookups)


def reached(cap: str, signatures: QuerySet[Signature], repeats: QuerySet[OutboundEmail]) -> bool:
    """Whether first emails to `signatures` and the `repeats` sent or due fill the cap's window."""
    limit, period = parse_rate(cap)
    since = timezone.now() - timedelta(seconds=period)
    first_emails = signatures.filter(checked_at__gt=since).count()
    if first_emails >= limit:
        return True
    repeat_emails = repeats.filter(kind__in=REPEATS, created_at__gt=since).exclude(state__in=NOT_MAILED)
    return first_emails + repeat_emails.count() >= limit
