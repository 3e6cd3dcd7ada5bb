"""Background tasks (Django Tasks API): thin wrappers over the same services the commands call."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from bansos.core.audit import SystemActor
from bansos.linkage import crosscheck, dedup
from bansos.linkage.models import ExternalList


@task()
def dedup_task(
    *, exact: bool = True, probabilistic: bool = True, threshold: float | None = None, train: bool = False
) -> dict[str, Any]:
    actor = SystemActor("task:dedup")
    out: dict[str, Any] = {}
    if exact:
        out["exact"] = dedup.dedup_exact(actor=actor).pk
    if probabilistic:
        out["probabilistic"] = dedup.dedup_probabilistic(actor=actor, threshold=threshold, train=train).pk
    return out


@task()
def crosscheck_task(*, list_id: int) -> dict[str, int]:
    external = crosscheck.crosscheck_run(
        external=ExternalList.objects.get(pk=list_id), actor=SystemActor("task:crosscheck")
    )
    return {"matched_by_nik": external.matched_by_nik, "matched_by_name": external.matched_by_name}
