"""Per-client rate limits, kept in the cache (Redis in production), and the client's address.

The client IP is read from REMOTE_ADDR unless CLIENT_IP_HEADER names a header set by a proxy the
operator trusts; a forged X-Forwarded-For from anyone else changes nothing. IPs are never stored
raw: `ip_hash()` gives a keyed hash for abuse analysis.
"""

import hashlib
import hmac
import logging
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)

PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A count per period, the period optionally a number of units: 10/h, 10/5m, 3/90s.
RATE = re.compile(r"^([0-9]+)/([1-9][0-9]*)?([smhd])$")


def parse_rate(rate: str) -> tuple[int, int]:
    """'10/h' -> (10, 3600), '10/5m' -> (10, 300). Raises ValueError on anything else."""
    match = RATE.match(rate)
    if match is None:
        raise ValueError(f"A rate looks like 10/h or 10/5m (per s, m, h or d), not {rate!r}.")
    count, units, period = match.groups()
    return int(count), int(units or 1) * PERIODS[period]


def client_ip(request: HttpRequest) -> str:
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        # A proxy appends the address it saw last: the rightmost entry is the one it vouches for.
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def ip_hash(ip: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), ip.encode(), hashlib.sha256).hexdigest()


def count_hit(key: str, timeout: int) -> int:
    """Add one to the counter at `key`, kept `timeout` seconds from its first hit; the new count."""
    if hasattr(cache, "hit"):  # Redis (consult.redis_cache): one round trip.
        return cache.hit(key, timeout)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # Expired between add and incr.
        cache.set(key, 1, timeout=timeout)
        return 1


def is_limited(request: HttpRequest, scope: str, rate: str) -> bool:
    """Count this request against `scope` for its client; True once over the rate."""
    return is_over(scope, ip_hash(client_ip(request)), rate)


def is_over(scope: str, subject: str, rate: str) -> bool:
    """Count one use of `subject` (a hashed client IP, a token's digest) in `scope`; True once over.

    Fixed windows: simple, one cache round trip (on Redis), and good enough to stop floods.
    """
    limit, period = parse_rate(rate)
    window = int(time.time() // period)
    key = f"ratelimit:{scope}:{subject}:{window}"
    try:
        hits = count_hit(key, period + 1)
    except Exception:
        # The cache (Redis) is down: let people sign rather than refuse everyone.
        logger.warning("Rate limit %s not checked: the cache is unavailable", scope)
        return False
    return hits > limit


def seconds_left(rate: str) -> int:
    """Seconds until the current window of `rate` ends and its counts start again from nothing."""
    _limit, period = parse_rate(rate)
    return period - int(time.time()) % period
