"""The signing rules in force (consult/abuse.py applies them; consult/rule_changes.py changes them).

The rules are read for every signature (by the request, for its address range, and by the email
task), so the moderator's overrides are kept in the shared cache for a minute: a change is
forgotten there as it is made and again once it is committed, and the cache being down costs one
small query, never a signature. The settings themselves are read afresh on every call.
"""

import logging

from django.core.cache import cache

from consult.caching import read_many, write_many
from consult.models import SigningRules
from consult.models.rules import Rules

logger = logging.getLogger(__name__)

CACHE_KEY = "signing-rules"
CACHE_SECONDS = 60


def overrides() -> dict[str, str]:
    """The moderator's overrides, from the cache when it has them."""
    cached: dict[str, str] | None = read_many([CACHE_KEY]).get(CACHE_KEY)
    if cached is not None:
        return cached
    row = SigningRules.objects.filter(pk=1).first()
    found = row.overrides() if row is not None else {}
    write_many({CACHE_KEY: found}, CACHE_SECONDS)
    return found


def current() -> Rules:
    """The signing rules in force now."""
    return SigningRules.in_force(overrides())


def forget() -> None:
    try:
        cache.delete(CACHE_KEY)
    except Exception:
        logger.warning("Cache unavailable: changed signing rules apply within %d s", CACHE_SECONDS)
