"""Fixed-window rate limits in Django's cache (cache.incr, and cache.add for a window's first request:
atomic on Redis and memcached).

Limits are (requests, window seconds) from settings: LOOKUP_RATE_PER_IP, LOOKUP_RATE_PER_NIK and
LOOKUP_RATE_CHALLENGES_PER_IP (ALTCHA challenges issued). A NIK is
counted under its blind index, never in clear. The client address is REMOTE_ADDR unless
LOOKUP_TRUSTED_PROXY_HEADER names a header set by our own proxy (e.g. "HTTP_X_FORWARDED_FOR"); then the
address LOOKUP_TRUSTED_PROXY_COUNT hops from the right of that header is used.
"""

from __future__ import annotations

import math
import time

from django.conf import settings
from django.core.cache import cache
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


def hit(scope: str, ident: str, *, limit: int, window: int, now: float | None = None) -> None:
    """Count one request of ``ident`` in the current window; raise RateLimited past ``limit``."""
    now = time.time() if now is None else now
    bucket = int(now // window)
    key = f"{PREFIX}{scope}:{ident}:{bucket}"
    try:
        count = cache.incr(key)  # one cache operation for every request after a window's first
    except ValueError:  # the window's first request (or the key was evicted)
        # add fails only when another request created the key in between: count on it
        count = 1 if cache.add(key, 1, timeout=window + 1) else cache.incr(key)
    if count > limit:
        seconds = max(1, math.ceil((bucket + 1) * window - now))
        raise RateLimited(_("Too many requests. Please try again in %(seconds)s seconds."), seconds=seconds)


def client_ip(request: HttpRequest) -> str:
    header = getattr(settings, "LOOKUP_TRUSTED_PROXY_HEADER", "")
    if header:
        hops = [part.strip() for part in request.META.get(header, "").split(",") if part.strip()]
        count = int(getattr(settings, "LOOKUP_TRUSTED_PROXY_COUNT", 1))
        if len(hops) >= count:
            return hops[-count]
    return str(request.META.get("REMOTE_ADDR", "unknown"))


def check_ip(ip: str) -> None:
    limit, window = configured_limit("LOOKUP_RATE_PER_IP", DEFAULT_PER_IP)
    hit("ip", ip, limit=limit, window=window)


def check_challenge(ip: str) -> None:
    """Issuing a challenge costs the server one key derivation: limit it per client too."""
    limit, window = configured_limit("LOOKUP_RATE_CHALLENGES_PER_IP", DEFAULT_CHALLENGES_PER_IP)
    hit("challenge", ip, limit=limit, window=window)


def check_nik(nik: str) -> None:
    limit, window = configured_limit("LOOKUP_RATE_PER_NIK", DEFAULT_PER_NIK)
    hit("nik", crypto.blind_index(nik), limit=limit, window=window)
