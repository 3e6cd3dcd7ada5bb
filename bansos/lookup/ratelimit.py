"""Fixed-window rate limits in Django's cache: one counter per (scope, client or NIK, window), counted
atomically in one round trip on Redis (production), with incr/add on other backends.

Limits are (requests, window seconds) from settings: LOOKUP_RATE_PER_IP, LOOKUP_RATE_PER_NIK and
LOOKUP_RATE_CHALLENGES_PER_IP (ALTCHA challenges issued). A NIK is
counted under its blind index, never in clear. The client address is REMOTE_ADDR unless
LOOKUP_TRUSTED_PROXY_HEADER names a header set by our own proxy (e.g. "HTTP_X_FORWARDED_FOR"); then the
address LOOKUP_TRUSTED_PROXY_COUNT hops from the right of that header is used.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any

import redis
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bansos.core import crypto
from bansos.core.errors import DomainError

DEFAULT_PER_IP = (20, 60)
DEFAULT_PER_NIK = (5, 600)
DEFAULT_CHALLENGES_PER_IP = (60, 60)
PREFIX = "lookup:rl:"


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429

    @property
    def retry_after(self) -> int:
        return int(self.params.get("seconds", 1))


def configured_limit(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """(requests, window seconds) from the setting ``name``, else ``default``."""
    count, window = getattr(settings, name, default)
    return int(count), int(window)


Hit = tuple[str, str, int, int]  # (scope, ident, limit, window seconds)


def hit(scope: str, ident: str, *, limit: int, window: int, now: float | None = None) -> None:
    """Count one request of ``ident`` in the current window; raise RateLimited past ``limit``."""
    hit_many([(scope, ident, limit, window)], now=now)


def hit_many(hits: Sequence[Hit], *, now: float | None = None) -> None:
    """Count one request in each (scope, ident) window, all in one round trip on Redis; raise RateLimited
    for the first one past its limit (every counter has been counted by then)."""
    now = time.time() if now is None else now
    buckets = [int(now // window) for _scope, _ident, _limit, window in hits]
    keys = [
        f"{PREFIX}{scope}:{ident}:{bucket}"
        for (scope, ident, _l, _w), bucket in zip(hits, buckets, strict=True)
    ]
    counts = _count(keys, [window + 1 for *_rest, window in hits])
    for (_scope, _ident, limit, window), bucket, count in zip(hits, buckets, counts, strict=True):
        if count > limit:
            seconds = max(1, math.ceil((bucket + 1) * window - now))
            raise RateLimited(
                _("Too many requests. Please try again in %(seconds)s seconds."), seconds=seconds
            )


# INCR each key, and EXPIRE it on its window's first request: one atomic command (EVALSHA) for all the
# counters of a request, where Django's cache API needs EXISTS + INCR (or add + incr) per counter.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[i]) end
  counts[i] = count
end
return counts
"""


def _redis_counter(backend: RedisCache) -> Any:
    """The counting script bound to the cache's own Redis client (its pool and options), made once per
    cache object: Django builds a new client object on every cache call, which costs more than the round
    trip. redis-py's pool reconnects in a forked worker by itself."""
    counter = backend.__dict__.get("_bansos_counter")
    if counter is None:
        client = backend._cache.get_client(write=True)  # type: ignore[attr-defined]
        counter = backend.__dict__["_bansos_counter"] = client.register_script(_COUNT_SCRIPT)
    return counter


def _redis_count(backend: RedisCache, keys: list[str], timeouts: list[int]) -> list[int]:
    """EVALSHA of the counting script on a pooled connection of the cache's client: one command written,
    one reply read. redis-py's command path (retries, observability hooks, per-call option handling) costs
    about a third more CPU than this; it remains the fallback for anything unusual: a script the server
    does not know yet (it loads it) and a broken connection (it reconnects and retries)."""
    script = _redis_counter(backend)
    pool = script.registered_client.connection_pool
    connection = pool.get_connection()
    try:
        connection.send_command("EVALSHA", script.sha, len(keys), *keys, *timeouts)
        counts = connection.read_response()
    except (redis.exceptions.NoScriptError, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
        connection.disconnect()  # a half-read reply must not reach the next command on this connection
        counts = None
    finally:
        pool.release(connection)
    if counts is None:
        counts = script(keys=keys, args=timeouts)
    return [int(count) for count in counts]


def _count(keys: list[str], timeouts: list[int]) -> list[int]:
    """Add one to each counter (created with its timeout in seconds to live) and return the counts."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        # Django stores integers as plain Redis integers, so cache.get(key) reads the same counters. (Our
        # keys are short ASCII without spaces: make_key, without the memcached-compatibility warnings that
        # walk every character in Python.)
        return _redis_count(backend, [backend.make_key(key) for key in keys], timeouts)
    counts = []
    for key, timeout in zip(keys, timeouts, strict=True):
        try:
            count = int(backend.incr(key))  # one cache operation for every request after a window's first
        except ValueError:  # the window's first request (or the key was evicted)
            # add fails only when another request created the key in between: count on it
            count = 1 if backend.add(key, 1, timeout=timeout) else int(backend.incr(key))
        counts.append(count)
    return counts


def client_ip(request: HttpRequest) -> str:
    header = getattr(settings, "LOOKUP_TRUSTED_PROXY_HEADER", "")
    if header:
        hops = [part.strip() for part in request.META.get(header, "").split(",") if part.strip()]
        count = int(getattr(settings, "LOOKUP_TRUSTED_PROXY_COUNT", 1))
        if len(hops) >= count:
            return hops[-count]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _per_ip(ip: str) -> Hit:
    limit, window = configured_limit("LOOKUP_RATE_PER_IP", DEFAULT_PER_IP)
    return ("ip", ip, limit, window)


def _per_nik(nik: str) -> Hit:
    """Counted under the NIK's blind index, never the NIK itself."""
    limit, window = configured_limit("LOOKUP_RATE_PER_NIK", DEFAULT_PER_NIK)
    return ("nik", crypto.blind_index(nik), limit, window)


def check_ip(ip: str) -> None:
    hit_many([_per_ip(ip)])


def check_challenge(ip: str) -> None:
    """Issuing a challenge costs the server one key derivation: limit it per client too."""
    limit, window = configured_limit("LOOKUP_RATE_CHALLENGES_PER_IP", DEFAULT_CHALLENGES_PER_IP)
    hit("challenge", ip, limit=limit, window=window)


def check_ip_and_nik(ip: str, nik: str) -> None:
    """The client address and the NIK asked about, in one round trip (the address is judged first)."""
    hit_many([_per_ip(ip), _per_nik(nik)])
