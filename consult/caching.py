"""The shared cache (Redis in production) used for a few seconds' relief, never as a dependency.

Everything kept here can be rebuilt from the database, so a cache that is down costs speed, not
availability: reads find nothing, writes are dropped, and the page or document is built afresh.
"""

import logging
import time
from collections.abc import Callable

from django.core.cache import cache

logger = logging.getLogger(__name__)

# A remembered value is kept this many times longer than it is fresh, so that while one request
# rebuilds it the others answer with the previous one instead of all rebuilding it at once.
STALE_FACTOR = 12


def read_many(keys: list[str]) -> dict:
    """The cached values of `keys`; with the cache down, none."""
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("Cache unavailable: %d keys not read", len(keys))
        return {}


def write_many(values: dict, seconds: int) -> None:
    try:
        cache.set_many(values, seconds)
    except Exception:
        logger.warning("Cache unavailable: %d keys not kept", len(values))


def claim(key: str, seconds: int) -> bool:
    """Whether this process may rebuild `key` now (nobody else claimed it in the last `seconds`)."""
    try:
        return cache.add(f"{key}:rebuilding", 1, seconds)
    except Exception:
        return True


def remembered(key: str, seconds: int, build: Callable[[], object]) -> object:
    """The value of `key`, rebuilt by `build()` at most about once per `seconds`.

    When it is due, the first request to claim it rebuilds it; requests arriving meanwhile get the
    previous value rather than each running `build()` (a flood of readers would otherwise all
    rebuild a costly page at the moment it expires).
    """
    key = f"remembered:{key}"  # Kept as (fresh until, value): apart from plain values.
    now = time.time()
    fresh_until, value = read_many([key]).get(key, (0.0, None))
    if value is not None and (now < fresh_until or not claim(key, seconds)):
        return value
    value = build()
    write_many({key: (now + seconds, value)}, seconds * STALE_FACTOR)
    return value
