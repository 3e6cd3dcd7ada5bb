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
import os
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from bansos.core.conf import setting
from bansos.core.errors import DomainError

DEFAULT_PER_IP = (20, 60)
DEFAULT_PER_NIK = (5, 600)
DEFAULT_CHALLENGES_PER_IP = (60, 60)
PREFIX = "lookup:rl:"

T = TypeVar("T")


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429

    @property
    def retry_after(self) -> int:
        return int(self.params.get("seconds", 1))


def configured_limit(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """(requests, window seconds) from the setting ``name``, else ``default``."""
    count, window = setting(name, default)
    return int(count), int(window)


Hit = tuple[str, str, int, int]  # (scope, ident, limit, window seconds)


def hit(scope: str, ident: str, *, limit: int, window: int, now: float | None = None) -> None:
    """Count one request of ``ident`` in the current window; raise RateLimited past ``limit``."""
    hit_many([(scope, ident, limit, window)], now=now)


def hit_many(hits: Sequence[Hit], *, now: float | None = None) -> None:
    """Count one request in each (scope, ident) window, all in one round trip on Redis; raise RateLimited
    for the first one past its limit (every counter has been counted by then)."""
    now = time.time() if now is None else now
    keys, timeouts = _keys(hits, now)
    _judge(hits, keys, _count(keys, timeouts), now)


def hit_many_during(hits: Sequence[Hit], read: Callable[[], T], *, now: float | None = None) -> T:
    """``hit_many(hits)`` then ``read()``, with the read made while the counters' round trip to Redis is
    in flight: the worker waits once (for the database) instead of twice, which on a loaded server saves
    a context switch and its cold caches per request. ``read`` must have no side effects: when a counter
    is past its limit its answer is thrown away and RateLimited raised, as ``hit_many`` would.

    Reading before the verdict must not let a flood through to the database: a counter this process has
    seen refused (until its window ends) is judged first and ``read`` is not run, as with other cache
    backends. So a client or a NIK over its limit costs the database at most one read per worker and
    window."""
    now = time.time() if now is None else now
    keys, timeouts = _keys(hits, now)
    backend = caches["default"]
    if not isinstance(backend, RedisCache) or _recently_refused(keys, now):
        _judge(hits, keys, _count(keys, timeouts), now)
        return read()
    pending = _redis_send(backend, keys, timeouts)
    try:
        result = read()
    finally:
        counts = pending.receive()
    _judge(hits, keys, counts, now)
    return result


def _keys(hits: Sequence[Hit], now: float) -> tuple[list[str], list[int]]:
    """The cache key of each counter's current window, and its time to live (the window and a second)."""
    keys = [f"{PREFIX}{scope}:{ident}:{int(now // window)}" for scope, ident, _limit, window in hits]
    return keys, [window + 1 for *_rest, window in hits]


# Counters this process has seen past their limit: cache key -> end of its window (time.time()).
_refused: dict[str, float] = {}
_REFUSED_MAX = 10_000


def _recently_refused(keys: list[str], now: float) -> bool:
    return bool(_refused) and any(_refused.get(key, 0.0) > now for key in keys)


def _judge(hits: Sequence[Hit], keys: list[str], counts: list[int], now: float) -> None:
    """Raise RateLimited for the first counter past its limit (and remember it in this process)."""
    for (_scope, _ident, limit, window), key, count in zip(hits, keys, counts, strict=True):
        if count > limit:
            ends = (int(now // window) + 1) * window
            if len(_refused) >= _REFUSED_MAX:
                for old, until in list(_refused.items()):  # a copy: other threads may add meanwhile
                    if until <= now:
                        _refused.pop(old, None)
                if len(_refused) >= _REFUSED_MAX:
                    _refused.clear()
            _refused[key] = ends
            seconds = max(1, math.ceil(ends - now))
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


_held = threading.local()  # this thread's own counting connection: (pool, process id, connection)


def _own_connection(pool: Any) -> Any:
    """This thread's own connection to the cache's Redis, with the pool's options, kept open between
    requests. Checking a connection out of redis-py's pool (a lock, connection-count bookkeeping and a
    poll() for stray data) costs about as much as sending the command; a gunicorn worker has one thread, so
    one connection each. A forked worker makes its own on first use."""
    held = getattr(_held, "connection", None)
    if held is None or held[0] is not pool or held[1] != os.getpid():
        held = _held.connection = (pool, os.getpid(), pool.connection_class(**pool.connection_kwargs))
    return held[2]


class _PendingCount:
    """The counting script sent on this thread's own connection, its reply not read yet."""

    def __init__(self, script: Any, keys: list[str], timeouts: list[int]) -> None:
        self.script, self.keys, self.timeouts = script, keys, timeouts
        self.connection: Any = _own_connection(script.registered_client.connection_pool)
        try:
            self.connection.send_command("EVALSHA", script.sha, len(keys), *keys, *timeouts)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            self._drop()
        except BaseException:
            self._drop()
            raise

    def _drop(self) -> None:
        # A half-written command or an unread reply must not reach the next request on this connection:
        # closed, it reconnects on its next command.
        self.connection.disconnect()
        self.connection = None

    def receive(self) -> list[int]:
        counts = None
        if self.connection is not None:
            try:
                counts = self.connection.read_response()
            except (
                redis.exceptions.NoScriptError,
                redis.exceptions.ConnectionError,
                redis.exceptions.TimeoutError,
            ):
                self._drop()
            except BaseException:
                self._drop()
                raise
            self.connection = None
        if counts is None:
            counts = self.script(keys=self.keys, args=self.timeouts)
        return [int(count) for count in counts]


def _redis_send(backend: RedisCache, keys: list[str], timeouts: list[int]) -> _PendingCount:
    """EVALSHA of the counting script on the counters ``keys`` (made into the cache's keys here): one
    command written now, its reply read by ``receive()``. redis-py's command path (a pool checkout,
    retries, observability hooks, per-call option handling) costs about twice the CPU of this; it remains
    the fallback for anything unusual: a script the server does not know yet (it loads it) and a broken
    connection (it reconnects and retries).

    Django stores integers as plain Redis integers, so cache.get(key) reads the same counters. (Our keys
    are short ASCII without spaces: make_key, without the memcached-compatibility warnings that walk every
    character in Python.)"""
    return _PendingCount(_redis_counter(backend), [backend.make_key(key) for key in keys], timeouts)


def _count(keys: list[str], timeouts: list[int]) -> list[int]:
    """Add one to each counter (created with its timeout in seconds to live) and return the counts."""
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        return _redis_send(backend, keys, timeouts).receive()
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
    header = setting("LOOKUP_TRUSTED_PROXY_HEADER", "")
    if header:
        hops = [part.strip() for part in request.META.get(header, "").split(",") if part.strip()]
        count = int(setting("LOOKUP_TRUSTED_PROXY_COUNT", 1))
        if len(hops) >= count:
            return hops[-count]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def _per_ip(ip: str) -> Hit:
    limit, window = configured_limit("LOOKUP_RATE_PER_IP", DEFAULT_PER_IP)
    return ("ip", ip, limit, window)


def _per_nik(nik_index: str) -> Hit:
    """Counted under the NIK's blind index (crypto.blind_index), never the NIK itself."""
    limit, window = configured_limit("LOOKUP_RATE_PER_NIK", DEFAULT_PER_NIK)
    return ("nik", nik_index, limit, window)


def check_ip(ip: str) -> None:
    hit_many([_per_ip(ip)])


def check_challenge(ip: str) -> None:
    """Issuing a challenge costs the server one key derivation: limit it per client too."""
    limit, window = configured_limit("LOOKUP_RATE_CHALLENGES_PER_IP", DEFAULT_CHALLENGES_PER_IP)
    hit("challenge", ip, limit=limit, window=window)


def read_for_ip_and_nik(ip: str, nik_index: str, read: Callable[[], T]) -> T:
    """Count the client address and the NIK asked about (by its blind index, which the caller computes
    once for the count and the read) in one round trip, the address judged first, then ``read()``: the
    read overlaps the counting (see hit_many_during)."""
    return hit_many_during([_per_ip(ip), _per_nik(nik_index)], read)
