"""Password reset by a one-time SMS code (the e-mail link uses Django's token generator and views).

A code is six digits, stored as an HMAC under the secret key, valid ACCOUNTS_RESET_CODE_MINUTES, good for
ACCOUNTS_RESET_CODE_ATTEMPTS tries; a new code replaces the previous one, at most three an hour per
account. Asking for a code never tells whether the number has an account."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bansos.accounts.backends import user_by_identifier
from bansos.accounts.models import ResetCode, User
from bansos.accounts.registration import check_password
from bansos.core.audit import SystemActor, record
from bansos.core.errors import DomainError
from bansos.core.sms import send_sms

CODES_PER_HOUR = 3


class ResetError(DomainError):
    code = "reset.invalid"


def _hash(user_id: int, code: str) -> str:
    message = f"reset:{user_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def reset_code_send(*, phone: str) -> bool:
    """Send a reset code to ``phone`` when an active account uses it; True when one was sent (the caller
    tells the person the same thing either way)."""
    user = user_by_identifier(phone) if phone.strip() and "@" not in phone else None
    if user is None or not user.phone:
        return False
    now = timezone.now()
    recent = ResetCode.objects.filter(user=user, created_at__gte=now - datetime.timedelta(hours=1)).count()
    if recent >= CODES_PER_HOUR:
        return False
    code = f"{secrets.randbelow(1_000_000):06d}"
    minutes = settings.ACCOUNTS_RESET_CODE_MINUTES
    with transaction.atomic():
        ResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)  # one live code
        reset = ResetCode.objects.create(
            user=user, code_hash=_hash(user.pk, code), expires_at=now + datetime.timedelta(minutes=minutes)
        )
        record(
            actor=SystemActor("password-reset"),
            event_type="account.reset_code_sent",
            subject=reset,
            details={},
        )
        body = gettext(
            "Bansos password reset code: %(code)s (valid %(minutes)s minutes). Never share it."
        ) % {
            "code": code,
            "minutes": minutes,
        }
        transaction.on_commit(lambda: send_sms(user.phone, body))
    return True


def reset_code_redeem(*, phone: str, code: str, password: str) -> User:
    """Set a new password with a valid code; ResetError otherwise (each wrong code uses up an attempt)."""
    invalid = ResetError(
        _("The code is wrong or has expired. Ask for a new code."), code="reset.code_invalid"
    )
    user = user_by_identifier(phone) if "@" not in phone else None
    if user is None:
        raise invalid
    check_password(password, user)
    now = timezone.now()
    with transaction.atomic():
        reset = (
            ResetCode.objects.select_for_update()
            .filter(user=user, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if reset is None or reset.attempts >= settings.ACCOUNTS_RESET_CODE_ATTEMPTS:
            raise invalid
        right = hmac.compare_digest(reset.code_hash, _hash(user.pk, code.strip()))
        if right:
            ResetCode.objects.filter(pk=reset.pk).update(used_at=now)
            user.set_password(password)
            user.save(update_fields=["password"])
            record(actor=user, event_type="account.password_reset", subject=user, details={"channel": "sms"})
        else:
            ResetCode.objects.filter(pk=reset.pk).update(attempts=reset.attempts + 1)
    if not right:  # the used-up attempt is committed before the error is raised
        raise invalid
    return user
