import os
import time

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from consult.ratelimits import client_ip, ip_hash, is_limited, parse_rate
from tests.services import require


def request_from(ip: str, **meta: str):
    return RequestFactory().post("/", REMOTE_ADDR=ip, **meta)


def test_rate_allows_up_to_the_limit_then_refuses():
    request = request_from("192.0.2.1")
    assert [is_limited(request, "sign", "3/h") for _ in range(4)] == [False, False, False, True]


def test_limits_are_per_client_and_per_scope():
    for _ in range(2):
        is_limited(request_from("192.0.2.1"), "sign", "2/h")
    assert is_limited(request_from("192.0.2.1"), "sign", "2/h")
    assert not is_limited(request_from("192.0.2.2"), "sign", "2/h")
    assert not is_limited(request_from("192.0.2.1"), "endorse", "2/h")


def test_forged_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.CLIENT_IP_HEADER = ""
    assert client_ip(request_from("192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.9")) == "192.0.2.1"


def test_trusted_proxy_header_gives_the_address_the_proxy_saw(settings):
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    request = request_from("10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_ip_hash_is_keyed_and_never_the_address():
    digest = ip_hash("192.0.2.1")
    assert "192.0.2.1" not in digest and len(digest) == 64
    assert digest == ip_hash("192.0.2.1") != ip_hash("192.0.2.2")


@pytest.mark.parametrize("rate", ["10", "10/x", "ten/h", "/h", ""])
def test_malformed_rates_are_refused(rate):
    with pytest.raises(ValueError):
        parse_rate(rate)


def test_a_broken_cache_lets_requests_through_instead_of_failing(settings):
    # A port where nothing listens: every cache call fails at once.
    settings.CACHES = {
        "default": {
            "BACKEND": "consult.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert is_limited(request_from("192.0.2.1"), "sign", "0/h") is False


@pytest.mark.services
def test_redis_counts_each_hit_and_forgets_the_window_when_it_expires(settings):
    """The production cache counts hits in one round trip; the count expires with its window."""
    redis_url = os.environ.get("REDIS_URL", "")
    require(redis_url.startswith("redis://"), "needs Redis as the cache (REDIS_URL=redis://...)")
    settings.CACHES = {"default": {"BACKEND": "consult.cache.RedisCache", "LOCATION": redis_url}}
    key = f"ratelimit-test:{time.time_ns()}"
    assert [cache.hit(key, 1) for _ in range(3)] == [1, 2, 3]
    assert cache.get(key) == 3
    time.sleep(1.2)
    assert cache.hit(key, 1) == 1
    request, scope = request_from("192.0.2.77"), f"test{time.time_ns()}"
    assert [is_limited(request, scope, "2/m") for _ in range(3)] == [False, False, True]
