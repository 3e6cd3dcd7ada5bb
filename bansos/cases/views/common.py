"""Shared bits of the casework pages: the officer gate and the region selects (no JavaScript needed)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase

from bansos.accounts.officer_auth import officer_verified
from bansos.accounts.scoping import officer_scope
from bansos.lookup.views import _selection

View = Callable[..., HttpResponseBase]


def officer_required(view: View) -> View:
    """Logged in, holding an active officer role (else 403) and verified by the second factor; not logged
    in or not verified: to the officer sign-in (OFFICER_LOGIN_URL; bansos.accounts.officer_auth)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.OFFICER_LOGIN_URL)
        if not officer_scope(request.user).roles:
            raise HttpForbidden
        if not officer_verified(request.user):
            return redirect_to_login(request.get_full_path(), settings.OFFICER_LOGIN_URL)
        return view(request, *args, **kwargs)

    return wrapped


def region_selection(data: QueryDict | None) -> dict[str, Any]:
    """The province -> regency -> district -> village selects (as on the public check)."""
    return _selection(data if data is not None else QueryDict())


def files(request: HttpRequest, *names: str) -> list[Any]:
    return [request.FILES[n] for n in names if n in request.FILES]
