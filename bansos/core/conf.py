"""Optional settings read on every request of a hot path (the public check).

``getattr(settings, NAME, default)`` raises and catches an AttributeError inside Django's lazy settings each
time NAME is not set: about 4 µs, and a public check reads several. ``setting`` remembers each value until
any setting changes (override_settings in tests sends ``setting_changed``).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

_values: dict[tuple[str, Hashable], Any] = {}


def setting(name: str, default: Hashable) -> Any:
    """``getattr(settings, name, default)``, remembered until a setting changes."""
    key = (name, default)
    try:
        return _values[key]
    except KeyError:
        value = _values[key] = getattr(settings, name, default)
        return value


@receiver(setting_changed)
def _forget(**_kwargs: Any) -> None:
    _values.clear()
