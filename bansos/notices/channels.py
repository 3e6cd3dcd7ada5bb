"""Delivery channels. Each channel sends one rendered broadcast to a batch of recipients and reports the
failures; ``settings.NOTICES_CHANNELS`` maps a channel name to its class, so another channel (the in-app
inbox of bansos.accounts, a real SMS gateway) is one class and one settings line.

A channel must not raise for a single bad recipient: it returns {subscription_id: Failure}. Everything it
does not report as failed counts as sent."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.module_loading import import_string

from bansos.core import sms

logger = logging.getLogger(__name__)
UNSUBSCRIBE_MARK = "%%UNSUBSCRIBE%%"


@dataclass(frozen=True, slots=True)
class Recipient:
    subscription_id: int
    email: str
    phone: str
    user_id: int | None
    token: str


@dataclass(frozen=True)
class Rendered:
    """A broadcast rendered once for the whole fan-out; only the unsubscribe address differs per
    recipient (``unsubscribe_url(token)``)."""

    subject: str
    body: str  # text; UNSUBSCRIBE_MARK stands where each recipient's unsubscribe link goes
    url: str  # absolute link to the announcement or page
    short: str  # one line for SMS and push
    unsubscribe_base: str  # absolute, ends with "/"; + token + "/"

    def unsubscribe_url(self, token: str) -> str:
        return f"{self.unsubscribe_base}{token}/"


@dataclass(frozen=True)
class Failure:
    error: str
    permanent: bool = False  # True: retrying cannot help (no device, number invalid)


class DeliveryChannel(Protocol):
    def send(self, message: Rendered, recipients: list[Recipient]) -> dict[int, Failure]: ...


class EmailChannel:
    """One SMTP (or file/console) connection per batch; a List-Unsubscribe header (RFC 2369) with
    one-click POST (RFC 8058) and the unsubscribe link in the text of every message."""

    def _message(self, message: Rendered, recipient: Recipient, connection: Any) -> EmailMessage:
        unsubscribe = message.unsubscribe_url(recipient.token)
        return EmailMessage(
            subject=message.subject,
            body=message.body.replace(UNSUBSCRIBE_MARK, unsubscribe),
            to=[recipient.email],
            connection=connection,
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )

    def send(self, message: Rendered, recipients: list[Recipient]) -> dict[int, Failure]:
        connection = get_connection()
        emails = [self._message(message, r, connection) for r in recipients]
        try:
            connection.send_messages(emails)
            return {}
        except Exception:  # the batch failed somewhere: find out which, one by one
            logger.warning("e-mail batch failed; retrying one by one", exc_info=True)
        failures: dict[int, Failure] = {}
        for recipient, email in zip(recipients, emails, strict=True):
            try:
                connection.send_messages([email])
            except Exception as exc:
                failures[recipient.subscription_id] = Failure(type(exc).__name__)
        return failures


class SmsChannel:
    def send(self, message: Rendered, recipients: list[Recipient]) -> dict[int, Failure]:
        texts = [
            sms.SmsMessage(to=r.phone, body=f"{message.short} {message.url}"[:480])
            for r in recipients
            if r.phone
        ]
        failures = {
            r.subscription_id: Failure("no phone number", permanent=True) for r in recipients if not r.phone
        }
        try:
            sms.send_many(texts)
        except Exception as exc:
            logger.warning("SMS batch failed", exc_info=True)
            failures.update({r.subscription_id: Failure(type(exc).__name__) for r in recipients if r.phone})
        return failures


class PushChannel:
    """Web Push (VAPID) to every browser the subscriber's account registered. A subscription whose
    browsers all failed is reported failed; endpoints the push service reports gone (404/410) are removed."""

    def send(self, message: Rendered, recipients: list[Recipient]) -> dict[int, Failure]:
        from bansos.notices import push

        payload = json.dumps({"title": message.subject, "body": message.short, "url": message.url})
        return push.send_to_users(payload, recipients)


class InboxChannel:
    """The in-app inbox of a logged-in user: calls ``settings.NOTICES_INBOX_DELIVER`` (dotted path to a
    function ``(user_id, subject, body, link)``), which the accounts app provides."""

    def send(self, message: Rendered, recipients: list[Recipient]) -> dict[int, Failure]:
        path = getattr(settings, "NOTICES_INBOX_DELIVER", "")
        if not path:
            return {r.subscription_id: Failure("inbox not configured", permanent=True) for r in recipients}
        deliver = import_string(path)
        failures: dict[int, Failure] = {}
        for r in recipients:
            try:
                deliver(r.user_id, message.subject, message.short, message.url)
            except Exception as exc:
                failures[r.subscription_id] = Failure(type(exc).__name__)
        return failures


def get_channel(name: str) -> DeliveryChannel:
    path = settings.NOTICES_CHANNELS.get(name)
    if not path:
        raise LookupError(name)
    channel: DeliveryChannel = import_string(path)()
    return channel


def available_channels() -> list[str]:
    names = list(settings.NOTICES_CHANNELS)
    if not getattr(settings, "NOTICES_INBOX_DELIVER", ""):
        names = [n for n in names if n != "inbox"]
    if not getattr(settings, "VAPID_PRIVATE_KEY", ""):
        names = [n for n in names if n != "push"]
    return names
