from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.utils import translation

from bansos.core import sms


@pytest.fixture(autouse=True)
def clean_outboxes(settings: Any) -> Iterator[None]:
    sms.outbox.clear()
    cache.clear()
    settings.VAPID_PRIVATE_KEY = "x" * 43
    settings.VAPID_PUBLIC_KEY = "BPUBLIC"
    settings.SITE_URL = "https://bansos.example"
    with translation.override("en"):
        yield
