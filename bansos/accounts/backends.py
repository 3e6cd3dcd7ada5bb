"""Signing in with a phone number or an e-mail address and a password (citizens); officers and the admin
keep their usernames (Django's ModelBackend, after this one). django-axes' backend runs first and refuses
locked-out attempts."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from bansos.accounts.contacts import looks_like_email, normalise_email, normalise_phone
from bansos.accounts.models import User
from bansos.core.errors import DomainError


def user_by_identifier(identifier: str) -> User | None:
    """The active user whose phone or e-mail is ``identifier`` (as typed), or None."""
    try:
        if looks_like_email(identifier):
            return User.objects.filter(email__iexact=normalise_email(identifier), is_active=True).first()
        return User.objects.filter(phone=normalise_phone(identifier), is_active=True).first()
    except DomainError:
        return None


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if not username or password is None:
            return None
        user = user_by_identifier(username)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing hint that it is unknown
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lock-out check (first in AUTHENTICATION_BACKENDS). A call without a request cannot be
    tied to a client, so it is left to the next backends instead of failing; every sign-in path of this
    project passes the request."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
