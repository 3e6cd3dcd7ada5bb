"""Writing audit events. Call inside the transaction that makes the change."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models

from bansos.core.models import AuditEvent


@dataclass(frozen=True)
class SystemActor:
    """A non-human actor: a command, an import run, a scheduled task."""

    label: str


Actor = AbstractBaseUser | SystemActor


def jsonable(value: Any) -> Any:
    """A value as it is stored in audit details (dates and times as ISO strings)."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def apply_changes(instance: models.Model, changes: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Set the changed attributes on ``instance`` and return the audit diff {field: {before, after}}
    (fields whose value does not change are left out)."""
    diff: dict[str, dict[str, Any]] = {}
    for field, value in changes.items():
        before = getattr(instance, field)
        if before != value:
            diff[field] = {"before": jsonable(before), "after": jsonable(value)}
            setattr(instance, field, value)
    return diff


def actor_label(actor: Actor) -> str:
    if isinstance(actor, SystemActor):
        return actor.label
    return str(actor.get_username())


def record(
    *, actor: Actor, event_type: str, subject: models.Model | tuple[str, str | int], details: dict[str, Any]
) -> AuditEvent:
    if isinstance(subject, models.Model):
        subject_type, subject_id = subject._meta.label_lower, str(subject.pk)
    else:
        subject_type, subject_id = subject[0], str(subject[1])
    return AuditEvent.objects.create(
        actor=None if isinstance(actor, SystemActor) else actor,  # type: ignore[misc]
        actor_label=actor_label(actor),
        event_type=event_type,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
