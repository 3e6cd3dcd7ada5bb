"""Notifying people about their cases: e-mail (Django mail) and SMS (bansos.core.sms), sent by a task
enqueued when the transaction commits, so nobody hears of a change that was rolled back."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django_tasks import task

from bansos.accounts.models import User
from bansos.accounts.notifications import notify_user as inbox
from bansos.core.sms import send_sms


@task()
def deliver(*, email: str, phone: str, subject: str, body: str, link: str | None = None) -> int:
    """Send one message by e-mail and/or SMS; returns how many went out."""
    text = f"{body}\n\n{settings.SITE_URL}{link}" if link else body
    sent = 0
    if email:
        sent += send_mail(subject, text, None, [email])
    if phone:
        sent += send_sms(phone, f"{subject}: {text}"[:640])
    return sent


def notify_address(*, email: str, phone: str, subject: str, body: str, link: str | None = None) -> None:
    """Notify a contact who may have no account (public helpdesk tickets), on commit."""
    if not (email or phone):
        return
    kwargs: dict[str, Any] = {
        "email": email, "phone": phone, "subject": str(subject), "body": str(body), "link": link
    }  # fmt: skip
    transaction.on_commit(lambda: deliver.enqueue(**kwargs))


def notify_user(
    user: Any, subject: str, body: str, *, link: str | None = None, email: str = "", phone: str = ""
) -> None:
    """Notify ``user`` (at ``email``/``phone`` when given on the case form, else the account's), on commit;
    an account also gets the message in its in-app inbox (bansos.accounts.notifications)."""
    if isinstance(user, User) and user.pk is not None:
        inbox(user=user, title=str(subject), body=str(body), url=link or "", channels=())
    notify_address(
        email=email or getattr(user, "email", "") or "",
        phone=phone or getattr(user, "phone", "") or "",
        subject=subject,
        body=body,
        link=link,
    )
