"""Sending Web Push (VAPID, RFC 8292) with pywebpush to the browsers stored as PushSubscription.
Keys: bansos.notices.vapid."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pywebpush
from django.conf import settings

from bansos.notices.models import PushSubscription

if TYPE_CHECKING:
    from bansos.notices.channels import Failure, Recipient

logger = logging.getLogger(__name__)


def send_to_users(payload: str, recipients: list[Recipient]) -> dict[int, Failure]:
    """Send ``payload`` to every browser of each recipient's account; report recipients none of whose
    browsers took it. Endpoints reported gone (404/410) are deleted."""
    from bansos.notices.channels import Failure

    by_user: dict[int, list[PushSubscription]] = {}
    user_ids = {r.user_id for r in recipients if r.user_id is not None}
    for device in PushSubscription.objects.filter(user_id__in=user_ids):
        by_user.setdefault(device.user_id, []).append(device)
    failures: dict[int, Failure] = {}
    gone: list[int] = []
    for recipient in recipients:
        devices = by_user.get(recipient.user_id or 0, [])
        if not devices:
            failures[recipient.subscription_id] = Failure("no browser registered", permanent=True)
            continue
        delivered = False
        last_error = ""
        for device in devices:
            try:
                pywebpush.webpush(
                    subscription_info={
                        "endpoint": device.endpoint,
                        "keys": {"p256dh": device.p256dh, "auth": device.auth},
                    },
                    data=payload,
                    vapid_private_key=settings.VAPID_PRIVATE_KEY,
                    vapid_claims={"sub": settings.VAPID_SUBJECT},
                    ttl=settings.NOTICES_PUSH_TTL,
                    timeout=10,
                )
                delivered = True
            except pywebpush.WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                last_error = f"push {status}"
                if status in (404, 410):
                    gone.append(device.pk)
            except Exception as exc:
                logger.warning("web push failed", exc_info=True)
                last_error = type(exc).__name__
        if not delivered:
            failures[recipient.subscription_id] = Failure(last_error[:255])
    if gone:
        PushSubscription.objects.filter(pk__in=gone).delete()
    return failures
