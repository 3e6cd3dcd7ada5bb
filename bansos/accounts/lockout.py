"""django-axes hooks: the cool-off after too many failed sign-ins, and the page shown meanwhile; and the
per-address limit on registrations and SMS-code requests (bansos.lookup.ratelimit, in the cache).

Five failures for one identifier from one address lock that pair out for 15 minutes; every further failure
during the lock-out doubles the wait (30, 60, ... minutes, at most a day)."""

from __future__ import annotations

import datetime
import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bansos.lookup import ratelimit

BASE_MINUTES = 15
MAX_MINUTES = 24 * 60


def throttle(request: HttpRequest, scope: str) -> None:
    """Count one registration or SMS-code request of the client address (RateLimited past the limit)."""
    limit, window = settings.ACCOUNTS_RATE_PER_IP
    ratelimit.hit(f"accounts-{scope}", ratelimit.client_ip(request), limit=limit, window=window)


def client_ip(request: HttpRequest) -> str | None:
    """The client address for django-axes: the one the rate limits use (REMOTE_ADDR, or our own proxy's
    header when configured, so a forged X-Forwarded-For changes nothing); None when there is no valid
    address (e.g. a test client's force_login), which the database stores as NULL."""
    address = ratelimit.client_ip(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def cool_off(request: HttpRequest | None = None) -> datetime.timedelta:
    failures = int(getattr(request, "axes_failures_since_start", 0) or 0)
    extra = max(0, failures - settings.AXES_FAILURE_LIMIT)
    return datetime.timedelta(minutes=min(BASE_MINUTES * 2 ** min(extra, 10), MAX_MINUTES))


def lockout_message(request: HttpRequest | None = None) -> str:
    minutes = int(cool_off(request).total_seconds() // 60)
    return _("Too many failed sign-in attempts. Please wait %(minutes)s minutes, or reset your password.") % {
        "minutes": minutes
    }


def lockout_response(request: HttpRequest, *args: Any) -> HttpResponse:
    message = lockout_message(request)
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "account.locked_out", "message": message}, status=429)
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)


# Messages shown by other modules that this app's catalogue translates (bansos.cases.uploads).
_EXTRA = (gettext_noop("The photo is too small: at least %(px)s pixels on each side."),)
