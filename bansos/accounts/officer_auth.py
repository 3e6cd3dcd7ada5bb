"""Officer sign-in with a second factor (docs/adr/0009-officer-two-factor.md).

An officer signs in at /petugas/masuk/ with username and password, then with a code from an authenticator
app (TOTP, django-otp) or one of the printed backup codes. Until the code is given, the session holds only
a "pending" note (user id and time), never a login: a password alone opens nothing. On the first sign-in
the officer enrols the authenticator (QR code and secret), proves it with one code, and receives the backup
codes once.

Every console page (``officer_required`` in bansos.cases.views.common) and every officer API operation
(``officer_auth`` below) asks ``officer_verified``: an active officer role and a session verified by the
second factor (django-otp's OTPMiddleware sets ``user.is_verified()``)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from ninja.security import SessionAuth

from bansos.accounts.models import User
from bansos.accounts.scoping import officer_scope
from bansos.core.audit import SystemActor, record
from bansos.core.errors import DomainError, PermissionDenied
from bansos.lookup.ratelimit import configured_limit, hit

LOGIN_ACTOR = SystemActor("officer-login")
TOTP_NAME = "authenticator"
BACKUP_NAME = "backup"
TOTP_DIGITS = 6
DEFAULT_RATE_PER_IP = (30, 600)
DEFAULT_RATE_PER_USER = (10, 600)


class LoginFailed(DomainError):
    code = "officer.login_failed"


THROTTLED = _("Too many wrong codes. Wait %(seconds)s seconds and try again.")


def _throttle_check(device: Device) -> None:
    """django-otp doubles the wait after each wrong code; say so instead of a plain "wrong code"."""
    allowed, detail = device.verify_is_allowed()
    if not allowed:
        locked = (detail or {}).get("locked_until")
        seconds = max(1, int((locked - timezone.now()).total_seconds()) + 1) if locked else 1
        raise LoginFailed(THROTTLED, code="otp.throttled", seconds=seconds)


def officer_verified(user: object) -> bool:
    """True for an officer (an active role) whose session passed the second factor."""
    is_verified = getattr(user, "is_verified", None)
    if not (getattr(user, "is_authenticated", False) and callable(is_verified) and is_verified()):
        return False
    return bool(officer_scope(user).roles)


class OfficerAuth(SessionAuth):
    """django-ninja auth for officer operations: the session must belong to an officer verified by the
    second factor (403 with a code otherwise; 401 when not logged in at all)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        if not officer_scope(user).roles:
            raise PermissionDenied(_("This is for officers only."), code="auth.officer_required")
        if not officer_verified(user):
            raise PermissionDenied(
                _("Sign in at /petugas/masuk/ with your authenticator code first."), code="auth.otp_required"
            )
        return user


officer_auth = OfficerAuth()


def officer_password_check(
    *, username: str, password: str, ip: str, request: HttpRequest | None = None
) -> User:
    """The officer whose password this is (first step). Wrong password, unknown name, a disabled account
    and a non-officer all get the same answer; each failure is audited. Rate limited per client and name."""
    limit, window = configured_limit("OFFICER_LOGIN_RATE_PER_IP", DEFAULT_RATE_PER_IP)
    hit("officer-login-ip", ip, limit=limit, window=window)
    username = username.strip()
    limit, window = configured_limit("OFFICER_LOGIN_RATE_PER_USER", DEFAULT_RATE_PER_USER)
    hit("officer-login-user", username.lower()[:150], limit=limit, window=window)
    # The request lets django-axes count and lock out failed officer sign-ins like citizen ones.
    user = authenticate(request, username=username, password=password)
    if isinstance(user, User) and officer_scope(user).roles:
        return user
    known = User.objects.filter(username=username).first()
    record(
        actor=LOGIN_ACTOR,
        event_type="officer.login_failed",
        subject=known if known is not None else ("accounts.user", ""),
        details={"step": "password", "ip": ip, "known_user": known is not None},
    )
    raise LoginFailed(_("Wrong username or password, or this is not an officer account."))


def officer_totp_device(user: User) -> TOTPDevice | None:
    """The officer's confirmed authenticator, if enrolled."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def officer_totp_start(*, user: User) -> TOTPDevice:
    """The authenticator being enrolled (unconfirmed; the same one until confirmed, so reloading the page
    keeps the QR code valid)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=TOTP_NAME).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def _new_backup_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _n in range(int(getattr(settings, "OFFICER_BACKUP_CODES", 10)))]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def officer_totp_confirm(*, user: User, device: TOTPDevice, token: str, ip: str) -> list[str]:
    """Confirm the authenticator with one code from it (which also completes this sign-in); returns the new
    backup codes (shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise LoginFailed(_("This authenticator cannot be enrolled."), code="officer.enrol_invalid")
    token = "".join(token.split())
    _throttle_check(device)
    if not device.verify_token(token):
        record(
            actor=LOGIN_ACTOR,
            event_type="officer.login_failed",
            subject=user,
            details={"step": "enrolment", "ip": ip},
        )
        raise LoginFailed(_("The code is wrong or has expired. Enter the current code."), code="otp.invalid")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(user)
        record(
            actor=user,
            event_type="officer.totp_enrolled",
            subject=device,
            details={"ip": ip, "backup_codes": len(codes)},
        )
        record(actor=user, event_type="officer.login", subject=user, details={"method": "totp", "ip": ip})
    return codes


def officer_backup_codes_renew(*, user: User, actor: User) -> list[str]:
    """Replace the officer's backup codes (the old ones stop working)."""
    with transaction.atomic():
        codes = _new_backup_codes(user)
        record(
            actor=actor,
            event_type="officer.backup_codes_renewed",
            subject=user,
            details={"count": len(codes)},
        )
    return codes


def officer_otp_verify(*, user: User, token: str, ip: str) -> Device:
    """Second step: a current authenticator code (6 digits) or an unused backup code (used up). Returns
    the device that verified; audits the login, the backup code used, or the failure."""
    token = "".join(token.split()).lower()
    device: Device | None = None
    method = ""
    totp = officer_totp_device(user)
    if len(token) == TOTP_DIGITS and token.isdigit():
        if totp is not None:
            _throttle_check(totp)
            if totp.verify_token(token):
                device, method = totp, "totp"
    elif token:
        backup = StaticDevice.objects.filter(user=user, confirmed=True).first()
        if backup is not None:
            _throttle_check(backup)
        if backup is not None and backup.verify_token(token):
            device, method = backup, "backup_code"
    if device is None:
        record(
            actor=LOGIN_ACTOR,
            event_type="officer.login_failed",
            subject=user,
            details={"step": "otp", "ip": ip},
        )
        raise LoginFailed(_("The code is wrong or has expired. Enter the current code."), code="otp.invalid")
    with transaction.atomic():
        if method == "backup_code":
            left = StaticToken.objects.filter(device=device).count()
            record(actor=user, event_type="officer.backup_code_used", subject=user, details={"left": left})
        record(actor=user, event_type="officer.login", subject=user, details={"method": method, "ip": ip})
    return device


def officer_has_backup_codes(user: User) -> bool:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).exists()


def officer_demo_backup_code(*, user: User, actor: SystemActor) -> str:
    """Demo only: one known backup code so the printed demo officer can sign in without a phone."""
    code = secrets.token_hex(5)
    with transaction.atomic():
        device, _created = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_NAME, defaults={"confirmed": True}
        )
        StaticToken.objects.create(device=device, token=code)
        record(actor=actor, event_type="officer.backup_codes_renewed", subject=user, details={"count": 1})
    return code
