import json
import os
import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from config.checks import check_rates
from consult.ratelimits import client_ip, ip_hash, is_limited, parse_rate, seconds_left
from consult.views.limits import by_client, rate_limited
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
            "BACKEND": "consult.redis_cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    assert is_limited(request_from("192.0.2.1"), "sign", "0/h") is False


@pytest.mark.services
def test_redis_counts_each_hit_and_forgets_the_window_when_it_expires(settings):
    """The production cache counts hits in one round trip; the count expires with its window."""
    redis_url = os.environ.get("REDIS_URL", "")
    require(redis_url.startswith("redis://"), "needs Redis as the cache (REDIS_URL=redis://...)")
    settings.CACHES = {"default": {"BACKEND": "consult.redis_cache.RedisCache", "LOCATION": redis_url}}
    key = f"ratelimit-test:{time.time_ns()}"
    assert [cache.hit(key, 1) for _ in range(3)] == [1, 2, 3]
    assert cache.get(key) == 3
    time.sleep(1.2)
    assert cache.hit(key, 1) == 1
    request, scope = request_from("192.0.2.77"), f"test{time.time_ns()}"
    assert [is_limited(request, scope, "2/m") for _ in range(3)] == [False, False, True]


# One decorator, one answer (consult/views/limits.py)


def limited_view(setting: str = "FORM_RATE_LIMIT", key=by_client):
    @rate_limited("test", setting, key=key)
    def view(request, *args, **kwargs):
        return HttpResponse("done")

    return view


def test_the_decorator_counts_posts_only_and_answers_429_with_retry_after(settings, db):
    settings.FORM_RATE_LIMIT = "2/m"
    view = limited_view()
    for _ in range(5):
        assert view(RequestFactory().get("/", REMOTE_ADDR="192.0.2.5")).status_code == 200
    statuses = [view(request_from("192.0.2.5")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = view(request_from("192.0.2.5"))
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "Too many attempts" in refused.content.decode()
    assert view(request_from("192.0.2.6")).status_code == 200


def test_the_decorator_reads_the_setting_at_each_request(settings, db):
    view = limited_view("ADD_MEMBER_RATE_LIMIT")
    settings.ADD_MEMBER_RATE_LIMIT = "1/h"
    assert [view(request_from("192.0.2.7")).status_code for _ in range(2)] == [200, 429]
    settings.ADD_MEMBER_RATE_LIMIT = "5/h"
    assert view(request_from("192.0.2.7")).status_code == 200


def test_a_key_function_gets_the_views_arguments(settings, db):
    settings.FORM_RATE_LIMIT = "1/h"
    view = limited_view(key=lambda request, token: token)
    assert view(request_from("192.0.2.8"), token="a").status_code == 200
    assert view(request_from("192.0.2.8"), token="a").status_code == 429
    # Another link from the same client has a count of its own.
    assert view(request_from("192.0.2.8"), token="b").status_code == 200


def test_scripts_get_json_with_the_same_status_and_header(settings, db):
    settings.FORM_RATE_LIMIT = "0/h"
    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.9", HTTP_ACCEPT="application/json")
    response = limited_view()(request)
    assert response.status_code == 429 and response["Retry-After"]
    assert "too often" in json.loads(response.content)["error"]


def test_the_page_is_welsh_for_welsh_readers(settings, db):
    settings.FORM_RATE_LIMIT = "0/h"
    with translation.override("cy"):
        body = limited_view()(request_from("192.0.2.10")).content.decode()
    assert "Too many attempts" not in body and "You can try again" not in body


@pytest.mark.parametrize("rate", ["1/h", "5/m", "10/5m", "3/90s", "2/d"])
def test_seconds_left_is_within_the_window(rate):
    assert 0 < seconds_left(rate) <= parse_rate(rate)[1]


@pytest.mark.parametrize("variable", ["CONFIRM_RATE_LIMIT", "ADD_MEMBER_RATE_LIMIT"])
def test_every_limit_is_a_setting_checked_at_start(settings, variable):
    setattr(settings, variable, "twenty an hour")
    messages = [message for message in check_rates() if message.msg.startswith(variable)]
    assert messages and messages[0].id == "config.E001"
