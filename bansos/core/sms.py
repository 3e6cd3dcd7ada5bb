"""Pluggable SMS gateway, in the spirit of Django's e-mail backends.

``SMS_BACKEND`` names a class with ``send(messages: list[SmsMessage]) -> int``. Shipped: console (prints,
the demo default), file (one file per process under ``SMS_FILE_PATH``), locmem (``bansos.core.sms.outbox``,
for tests). A real gateway is one more class with the provider's HTTP call."""

from __future__ import annotations

import datetime
import os
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

outbox: list[SmsMessage] = []  # filled by the locmem backend


@dataclass(frozen=True)
class SmsMessage:
    to: str
    body: str
    sent_at: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))


class SmsBackend(Protocol):
    def send(self, messages: list[SmsMessage]) -> int: ...


class ConsoleBackend:
    def send(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            sys.stdout.write(f"SMS to {message.to}: {message.body}\n")
        sys.stdout.flush()
        return len(messages)


class FileBackend:
    _lock = threading.Lock()

    def send(self, messages: list[SmsMessage]) -> int:
        folder = Path(getattr(settings, "SMS_FILE_PATH", settings.VAR_DIR / "sms"))
        folder.mkdir(parents=True, exist_ok=True)
        with self._lock, (folder / f"sms-{os.getpid()}.log").open("a", encoding="utf-8") as handle:
            for message in messages:
                handle.write(f"{message.sent_at.isoformat()}\t{message.to}\t{message.body}\n")
        return len(messages)


class LocmemBackend:
    def send(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


def get_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.SMS_BACKEND)()
    return backend


def send_sms(to: str, body: str) -> int:
    """Send one SMS through the configured backend; returns the number sent."""
    return get_backend().send([SmsMessage(to=to, body=body)])


def send_many(messages: list[SmsMessage]) -> int:
    return get_backend().send(messages)
