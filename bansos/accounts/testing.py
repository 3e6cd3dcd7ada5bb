"""Test helpers: officers signed in with a verified second factor, as the console and the officer API need.

``otp_device(user)`` gives the officer a confirmed authenticator; ``login_officer(client, user)`` logs a
Django test client in with a session verified by it (as /petugas/masuk/ does after the code);
``officer_client(user)`` is a new such client; ``verified(user)`` marks a user object as verified for
django-ninja's TestClient (which runs no middleware)."""

from __future__ import annotations

import functools
import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bansos.accounts.models import User


def otp_device(user: User) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device


def totp_code(device: TOTPDevice, *, at: float | None = None) -> str:
    """The code an authenticator app shows now for ``device`` (RFC 6238, as django_otp.oath computes)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


def login_officer(client: Client, user: User) -> Client:
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = otp_device(user).persistent_id
    session.save()
    return client


def officer_client(user: User) -> Client:
    return login_officer(Client(), user)


def verified(user: Any) -> Any:
    """``user`` as OTPMiddleware leaves it after a verified sign-in (for ninja's TestClient(user=...))."""
    user.otp_device = otp_device(user)
    user.is_verified = functools.partial(is_verified, user)
    return user
