import itertools

import pytest
from django.core.cache import cache

from consult import caching


@pytest.fixture
def builds():
    """A build function that returns 1, 2, 3... and counts its calls."""
    counter = itertools.count(1)
    return lambda: next(counter)


def test_a_value_is_built_once_while_it_is_fresh(builds):
    assert [caching.remembered("k", 5, builds) for _ in range(3)] == [1, 1, 1]


def test_once_due_one_request_rebuilds_while_the_others_get_the_previous_value(builds, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(caching.time, "time", lambda: clock[0])
    assert caching.remembered("k", 5, builds) == 1
    clock[0] += 6
    assert caching.claim("remembered:k", 5)  # Another request is rebuilding it...
    assert caching.remembered("k", 5, builds) == 1  # ...so this one answers with the previous value.
    cache.delete("remembered:k:rebuilding")  # That rebuild failed or its process died: the next one rebuilds.
    assert caching.remembered("k", 5, builds) == 2
    assert caching.remembered("k", 5, builds) == 2


def test_with_the_cache_down_every_request_builds(builds, settings):
    settings.CACHES = {
        "default": {"BACKEND": "consult.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"}
    }
    assert [caching.remembered("k", 5, builds) for _ in range(2)] == [1, 2]
