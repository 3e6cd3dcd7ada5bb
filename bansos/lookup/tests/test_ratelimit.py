import os
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import RequestFactory, override_settings

from bansos.core import crypto
from bansos.lookup import ratelimit, services
from bansos.lookup.antibot import AntiBotAnswer
from bansos.lookup.ratelimit import RateLimited
from bansos.lookup.tests.helpers import solved_altcha
from bansos.registry.tests.factories import GAMBIR, new_nik


@pytest.fixture(autouse=True)
def _forget_refusals() -> Iterator[None]:
    """Each test starts with no counter remembered as refused in this process."""
    ratelimit._refused.clear()
    yield
    ratelimit._refused.clear()


def test_fixed_window_counts_and_reports_retry_after() -> None:
    for _ in range(3):
        ratelimit.hit("t", "a", limit=3, window=60, now=120.0)
    with pytest.raises(RateLimited) as limited:
        ratelimit.hit("t", "a", limit=3, window=60, now=150.5)
    assert limited.value.status == 429
    assert limited.value.retry_after == 30
    assert "30" in limited.value.message
    ratelimit.hit("t", "b", limit=3, window=60, now=150.5)  # another client is not affected
    ratelimit.hit("t", "a", limit=3, window=60, now=181.0)  # the next window starts afresh


@override_settings(LOOKUP_RATE_PER_NIK=(2, 600))
@pytest.mark.django_db
def test_per_nik_limit_keys_on_the_blind_index() -> None:
    from django.core.cache import cache

    nik = new_nik(GAMBIR)  # not in the registry: counted all the same
    for client in ("10.0.0.1", "10.0.0.2"):
        assert (
            services.check_by_nik(nik=nik, answer=AntiBotAnswer(altcha=solved_altcha()), client_ip=client)
            is None
        )
    with pytest.raises(RateLimited):  # a third client, the same NIK
        services.check_by_nik(nik=nik, answer=AntiBotAnswer(altcha=solved_altcha()), client_ip="10.0.0.3")
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]
    assert any(crypto.blind_index(nik) in key for key in keys)
    assert not any(nik in key for key in keys)


def test_client_ip_ignores_forwarded_header_unless_trusted() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert ratelimit.client_ip(request) == "10.0.0.1"
    with override_settings(LOOKUP_TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR"):
        assert ratelimit.client_ip(request) == "5.6.7.8"
    with override_settings(LOOKUP_TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR", LOOKUP_TRUSTED_PROXY_COUNT=2):
        assert ratelimit.client_ip(request) == "1.2.3.4"


REDIS_TEST_URL = os.environ.get("BANSOS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def redis_cache() -> Iterator[Any]:
    """Django's Redis cache on a local Redis (CI has one; elsewhere the test is skipped without it)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Redis is not reachable at {REDIS_TEST_URL} (required under CI=true)")
        pytest.skip(f"Redis is not reachable at {REDIS_TEST_URL}")
    prefix = f"bansos-test-{uuid.uuid4().hex}"
    backend = "django.core.cache.backends.redis.RedisCache"
    with override_settings(
        CACHES={"default": {"BACKEND": backend, "LOCATION": REDIS_TEST_URL, "KEY_PREFIX": prefix}}
    ):
        yield caches["default"]
        client = redis.Redis.from_url(REDIS_TEST_URL)
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def test_redis_counts_in_one_round_trip_with_the_window_as_expiry(redis_cache: Any) -> None:
    for _ in range(3):
        ratelimit.hit("t", "a", limit=3, window=60, now=120.0)
    with pytest.raises(RateLimited) as limited:
        ratelimit.hit("t", "a", limit=3, window=60, now=150.5)
    assert limited.value.retry_after == 30
    key = f"{ratelimit.PREFIX}t:a:2"
    assert redis_cache.get(key) == 4  # the same counter through Django's cache API
    client = redis_cache._cache.get_client(key)
    assert 0 < client.ttl(redis_cache.make_key(key)) <= 61  # the window plus a second, then gone
    ratelimit.hit("t", "b", limit=3, window=60, now=150.5)  # another client is not affected
    ratelimit.hit("t", "a", limit=3, window=60, now=181.0)  # the next window starts afresh


def test_several_counters_in_one_call_report_the_first_over_its_limit(redis_cache: Any) -> None:
    hits = [("ip", "10.0.0.9", 3, 60), ("nik", "blind", 1, 600)]
    ratelimit.hit_many(hits, now=1000.0)
    with pytest.raises(RateLimited) as limited:
        ratelimit.hit_many(hits, now=1001.0)
    assert limited.value.retry_after == 199  # the NIK's 600 s window, not the client's
    assert redis_cache.get(f"{ratelimit.PREFIX}ip:10.0.0.9:16") == 2  # both were counted
    assert redis_cache.get(f"{ratelimit.PREFIX}nik:blind:1") == 2


def test_redis_counting_survives_a_flushed_script_and_a_dropped_connection(redis_cache: Any) -> None:
    ratelimit.hit("t", "c", limit=9, window=60, now=60.0)
    client = redis_cache._cache.get_client(write=True)
    client.script_flush()  # e.g. Redis restarted: the server no longer knows the script
    ratelimit.hit("t", "c", limit=9, window=60, now=61.0)
    client.connection_pool.disconnect()  # every pooled connection dropped
    ratelimit.hit("t", "c", limit=9, window=60, now=62.0)
    assert redis_cache.get(f"{ratelimit.PREFIX}t:c:1") == 3


class Reads:
    """A read standing in for the database: counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return "status"


def test_a_read_overlapping_the_count_is_answered_within_the_limits(redis_cache: Any) -> None:
    read = Reads()
    hits = [("ip", "10.0.1.1", 2, 60), ("nik", "blind-a", 5, 600)]
    assert ratelimit.hit_many_during(hits, read, now=1000.0) == "status"
    assert ratelimit.hit_many_during(hits, read, now=1001.0) == "status"
    assert read.calls == 2
    assert redis_cache.get(f"{ratelimit.PREFIX}ip:10.0.1.1:16") == 2  # both counters were counted
    assert redis_cache.get(f"{ratelimit.PREFIX}nik:blind-a:1") == 2


def test_past_the_limit_the_read_is_thrown_away_then_no_longer_made(redis_cache: Any) -> None:
    """The read made while the count was in flight is discarded; after that refusal this process judges
    the counter first, so a flooding client costs the database nothing more until its window ends."""
    read = Reads()
    hits = [("ip", "10.0.1.2", 1, 60)]
    ratelimit.hit_many_during(hits, read, now=1000.0)
    with pytest.raises(RateLimited) as limited:
        ratelimit.hit_many_during(hits, read, now=1001.0)
    assert limited.value.retry_after == 19
    assert read.calls == 2  # made in flight, its answer not returned
    for second in range(1002, 1010):
        with pytest.raises(RateLimited):
            ratelimit.hit_many_during(hits, read, now=float(second))
    assert read.calls == 2  # refused before reading
    assert redis_cache.get(f"{ratelimit.PREFIX}ip:10.0.1.2:16") == 10  # every request still counted
    assert ratelimit.hit_many_during(hits, read, now=1020.0) == "status"  # the next window reads again
    assert read.calls == 3


def test_a_failing_read_leaves_the_counting_connection_clean(redis_cache: Any) -> None:
    def broken() -> str:
        raise ValueError("database unavailable")

    hits = [("ip", "10.0.1.3", 9, 60)]
    with pytest.raises(ValueError, match="database unavailable"):
        ratelimit.hit_many_during(hits, broken, now=1000.0)
    assert ratelimit.hit_many_during(hits, Reads(), now=1001.0) == "status"
    ratelimit.hit("t", "d", limit=9, window=60, now=1001.0)  # the next command reads its own reply
    assert redis_cache.get(f"{ratelimit.PREFIX}ip:10.0.1.3:16") == 2
    assert redis_cache.get(f"{ratelimit.PREFIX}t:d:16") == 1


def test_redis_counting_survives_its_own_connection_being_killed(redis_cache: Any) -> None:
    ratelimit.hit("t", "e", limit=9, window=60, now=60.0)
    client = redis_cache._cache.get_client(write=True)
    own = ratelimit._held.connection[2]  # this thread's counting connection, killed by the server
    host, port = own._sock.getsockname()[:2]
    assert client.client_kill_filter(addr=f"{host}:{port}") == 1  # e.g. a proxy's idle timeout
    ratelimit.hit("t", "e", limit=9, window=60, now=61.0)
    assert ratelimit.hit_many_during([("t", "e", 9, 60)], Reads(), now=62.0) == "status"
    assert redis_cache.get(f"{ratelimit.PREFIX}t:e:1") == 3


def test_without_redis_the_count_is_judged_before_the_read() -> None:
    read = Reads()
    hits = [("ip", "10.0.1.4", 1, 60)]
    assert ratelimit.hit_many_during(hits, read, now=1000.0) == "status"
    with pytest.raises(RateLimited):
        ratelimit.hit_many_during(hits, read, now=1001.0)
    assert read.calls == 1
