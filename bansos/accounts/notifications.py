"""The in-app inbox and its copies by e-mail and SMS.

``notify_user`` stores the notification and, when the transaction commits, enqueues one task (Django's
Tasks API) that sends the copies; a rolled-back change notifies nobody."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from bansos.accounts.models import Notification, User
from bansos.core.sms import send_sms

CHANNELS = ("email", "sms")


def notify_user(
    *, user: User, title: str, body: str, url: str = "", channels: Iterable[str] = CHANNELS
) -> Notification:
    """Put a notification in ``user``'s inbox and send copies through ``channels`` after commit."""
    notification = Notification.objects.create(user=user, title=str(title)[:200], body=str(body), link=url)
    wanted = [channel for channel in channels if channel in CHANNELS]
    if wanted:
        pk = notification.pk
        transaction.on_commit(lambda: deliver_notification.enqueue(notification_id=pk, channels=wanted))
    return notification


@task()
def deliver_notification(*, notification_id: int, channels: list[str]) -> list[str]:
    """Send the e-mail and/or SMS copy of one notification; idempotent (a channel already used is skipped).
    Returns the channels used this time."""
    notification = Notification.objects.select_related("user").filter(pk=notification_id).first()
    if notification is None:
        return []
    user = notification.user
    text = notification.body
    if notification.link:
        text = f"{text}\n\n{settings.SITE_URL}{notification.link}"
    sent: list[str] = []
    if "email" in channels and "email" not in notification.delivered and user.email:
        send_mail(notification.title, text, None, [user.email])
        sent.append("email")
    if "sms" in channels and "sms" not in notification.delivered and user.phone:
        send_sms(user.phone, f"{notification.title}: {text}"[:640])
        sent.append("sms")
    if sent:
        Notification.objects.filter(pk=notification.pk).update(delivered=[*notification.delivered, *sent])
    return sent


def notification_mark_read(*, user: User, notification_id: int | None = None) -> int:
    """Mark one (or, with no id, every) unread notification of ``user`` read; returns how many changed.
    Reading is not a state change of the record anyone audits, so no audit event."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def inbox_deliver(user_id: int, subject: str, body: str, link: str = "") -> None:
    """The inbox channel of announcement subscriptions (``settings.NOTICES_INBOX_DELIVER``): the message
    goes to the inbox only (the subscriber chose this channel; the notices fan-out logs the delivery)."""
    user = User.objects.get(pk=user_id, is_active=True)
    notify_user(user=user, title=subject, body=body, url=link, channels=())
