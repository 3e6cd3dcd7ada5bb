"""Hooks into other apps: a disbursement period that opens is broadcast to the program's subscribers."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from bansos.programs.models import Period
from bansos.programs.signals import period_state_changed


@receiver(period_state_changed, dispatch_uid="notices.period_opened")
def period_opened(sender: Any, *, period: Period, before: str, after: str, actor: Any, **kwargs: Any) -> None:
    if after == Period.State.OPEN:
        from bansos.notices.services import broadcast_period_opened

        broadcast_period_opened(period=period, actor=actor)
