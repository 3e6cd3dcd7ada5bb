import pytest
from django.test import RequestFactory, override_settings

from bansos.lookup import ratelimit
from bansos.lookup.ratelimit import RateLimited


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
def test_per_nik_limit_keys_on_the_blind_index() -> None:
    from django.core.cache import cache

    ratelimit.check_nik("3171011506850001")
    ratelimit.check_nik("3171011506850001")
    with pytest.raises(RateLimited):
        ratelimit.check_nik("3171011506850001")
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]
    assert keys and not any("3171011506850001" in key for key in keys)


def test_client_ip_ignores_forwarded_header_unless_trusted() -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert ratelimit.client_ip(request) == "10.0.0.1"
    with override_settings(LOOKUP_TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR"):
        assert ratelimit.client_ip(request) == "5.6.7.8"
    with override_settings(LOOKUP_TRUSTED_PROXY_HEADER="HTTP_X_FORWARDED_FOR", LOOKUP_TRUSTED_PROXY_COUNT=2):
        assert ratelimit.client_ip(request) == "1.2.3.4"
