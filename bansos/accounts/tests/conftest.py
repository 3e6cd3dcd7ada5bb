from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache

from bansos.core import sms


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    sms.outbox.clear()
    cache.clear()  # rate-limit counters (registrations, SMS codes) start at zero
    return Path(settings.PRIVATE_MEDIA_ROOT)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
