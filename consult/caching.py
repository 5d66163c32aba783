"""The shared cache (Redis in production) used for a few seconds' relief, never as a dependency.

Everything kept here can be rebuilt from the database, so a cache that is down costs speed, not
availability: reads find nothing, writes are dropped, and the page or document is built afresh.
"""

import logging
from collections.abc import Callable

from django.core.cache import cache

logger = logging.getLogger(__name__)


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


def remembered(key: str, seconds: int, build: Callable[[], object]) -> object:
    """The cached value of `key`, or `build()`'s, kept for `seconds`."""
    value = read_many([key]).get(key)
    if value is None:
        value = build()
        write_many({key: value}, seconds)
    return value
