"""API tokens for the phone app: ``bsn_`` + 43 URL-safe random characters, shown once, stored as SHA-256
(the token is random enough that a plain hash is safe: no salt or slow hash needed, and look-up is one
indexed equality). Revocable; they expire after ACCOUNTS_TOKEN_DAYS."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.accounts.models import ApiToken, User
from bansos.core.audit import record
from bansos.core.errors import NotFound

PREFIX = "bsn_"
TOUCH_EVERY = datetime.timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def token_issue(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``: the record and the token itself (never stored)."""
    token = PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        api_token = ApiToken.objects.create(
            user=user,
            name=name.strip()[:100],
            prefix=token[:12],
            token_hash=_hash(token),
            expires_at=timezone.now() + datetime.timedelta(days=settings.ACCOUNTS_TOKEN_DAYS),
        )
        record(
            actor=user, event_type="api_token.issued", subject=api_token, details={"prefix": api_token.prefix}
        )
    return api_token, token


def token_revoke(*, user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s own tokens (another user's token is "not found")."""
    with transaction.atomic():
        api_token = ApiToken.objects.select_for_update().filter(pk=token_id, user=user).first()
        if api_token is None:
            raise NotFound(_("No such token."), code="api_token.not_found")
        if api_token.revoked_at is None:
            api_token.revoked_at = timezone.now()
            api_token.save(update_fields=["revoked_at"])
            record(
                actor=user,
                event_type="api_token.revoked",
                subject=api_token,
                details={"prefix": api_token.prefix},
            )
    return api_token


def user_for_token(token: str) -> User | None:
    """The active user a live token belongs to, or None."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    api_token = ApiToken.objects.select_related("user").filter(token_hash=_hash(token)).first()
    if api_token is None or not api_token.is_live or not api_token.user.is_active:
        return None
    now = timezone.now()
    if api_token.last_used_at is None or now - api_token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
    return api_token.user
