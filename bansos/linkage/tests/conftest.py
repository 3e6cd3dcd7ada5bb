from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings: Any, tmp_path: Path) -> Iterator[None]:
    """Messages asserted on their English msgids; trained models written under a temporary VAR_DIR."""
    settings.VAR_DIR = tmp_path
    with translation.override("en"):
        yield
