"""A logging filter that masks anything shaped like a NIK or KK (16 digits) before it is written."""

from __future__ import annotations

import logging
import re

SIXTEEN_DIGITS = re.compile(r"(?<!\d)\d{16}(?!\d)")


def redact(text: str) -> str:
    return SIXTEEN_DIGITS.sub(lambda m: m.group(0)[:4] + "*" * 12, text)


class RedactIdentifiersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
