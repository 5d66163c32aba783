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
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection
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
    address = "" if allowed_range else signature.ip_hash
    caps = mail_caps(address, signature.email_domain, rules)
    windows = rate_windows(signature, rules) if address else []
    reached = reached_together([*caps, *windows])
    if any(reached[: len(caps)]):
        return Signature.Hold.MAIL_CAP
    if any(reached[len(caps) :]):
        return Signature.Hold.RATE
    return Signature.Hold.NONE


def repeat_over_cap(row: OutboundEmail, signature: Signature, rules: Rules) -> bool:
    """Whether the address that asked for this repeat email, or its reader's domain, had its cap.

    Counted over the emails before this one (by id), so a second look gives the same answer.
    """
    return any(reached_together(mail_caps(row.ip_hash, signature.email_domain, rules, before=row.pk)))


# The counts behind the rules, written as SQL: building each COUNT through the ORM cost several
# times the CPU of running it, and a signature needs up to six of them (its task's largest cost).


@dataclass(frozen=True)
class Limit:
    """A count the rules compare with a limit: `sql` (a scalar subquery) has reached `threshold`."""

    sql: str
    params: tuple[Any, ...]
    threshold: int


def reached_together(limits: list[Limit]) -> list[bool]:
    """Whether each count reached its threshold, all counted in one statement."""
    if not limits:
        return []
    columns = ", ".join(f"({limit.sql})" for limit in limits)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}", [param for limit in limits for param in limit.params])
        counts = cursor.fetchone()
    return [count >= limit.threshold for count, limit in zip(counts, limits, strict=True)]


def moment(value: datetime) -> object:
    """A time as the database compares it with a DateTimeField (SQLite keeps them as text)."""
    return connection.ops.adapt_datetimefield_value(value)


def rate_windows(signature: Signature, rules: Rules) -> list[Limit]:
    """More signatures from this address on this statement than a window allows, this one included.

    Counted up to this signature (by id), so a second look gives the same answer.
    """
    signatures = Signature._meta.db_table
    windows = []
    for rate in (rules.burst_limit, rules.sustained_limit):
        limit, period = parse_rate(rate)
        start = moment(signature.created_at - timedelta(seconds=period))
        sql = (
            f"SELECT COUNT(*) FROM {signatures} "
            "WHERE statement_id = %s AND ip_hash = %s AND id <= %s AND created_at > %s"
        )
        params = (signature.statement_id, signature.ip_hash, signature.pk, start)
        windows.append(Limit(sql, params, limit + 1))
    return windows


def mail_caps(address: str, domain: str, rules: Rules, before: int | None = None) -> list[Limit]:
    """The caps that apply to emails asked for from `address` (a hash; "" for none or an allowed
    range) to readers at `domain` (allowed domains have none). `before`: count only the repeat
    emails before this outbox row."""
    caps = []
    if address:
        caps.append(mail_cap(rules.mail_cap_per_ip, "ip_hash", address, before))
    if domain and not domain_matches(domain, rules.allowed_domains):
        caps.append(mail_cap(rules.mail_cap_per_domain, "email_domain", domain, before))
    return caps


def mail_cap(cap: str, column: str, value: str, before: int | None) -> Limit:
    """First emails that went to signatures (a held one's waits, uncounted), and the repeats
    sent or due, within the cap's window, by the signatures' `column` (ip_hash: a repeat's is
    that of the address that asked for it, kept on its row)."""
    limit, period = parse_rate(cap)
    since = moment(timezone.now() - timedelta(seconds=period))
    signatures, outbox = Signature._meta.db_table, OutboundEmail._meta.db_table
    first_emails = (
        f"SELECT COUNT(*) FROM {signatures} "
        f"WHERE {column} = %s AND checked_at IS NOT NULL AND checked_at > %s"
    )
    if column == "ip_hash":
        repeats = f"SELECT COUNT(*) FROM {outbox} AS email WHERE email.ip_hash = %s"
    else:
        repeats = (
            f"SELECT COUNT(*) FROM {outbox} AS email JOIN {signatures} AS signature "
            f"ON signature.id = email.signature_id WHERE signature.{column} = %s"
        )
    repeats += " AND email.kind IN (%s, %s) AND NOT (email.state IN (%s, %s)) AND email.created_at > %s"
    kinds, states = sorted(str(kind) for kind in REPEATS), [str(state) for state in NOT_MAILED]
    params = (value, since, value, *kinds, *states, since)
    if before is not None:
        repeats, params = f"{repeats} AND email.id < %s", (*params, before)
    return Limit(f"SELECT ({first_emails}) + ({repeats})", params, limit)
