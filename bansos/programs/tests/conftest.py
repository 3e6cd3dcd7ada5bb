from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted on their English msgids (the catalogue translates them to Indonesian)."""
    with translation.override("en"):
        yield
