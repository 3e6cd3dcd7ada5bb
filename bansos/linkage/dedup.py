"""Duplicate runs: exact checks (SQL) and the probabilistic pipeline (Splink) over the registry, with
trained models saved and versioned (``var/linkage/models/<version>.json`` plus a LinkageModel row)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.core.audit import Actor, actor_label, record
from bansos.linkage import pipeline
from bansos.linkage.exact import exact_duplicates
from bansos.linkage.frame import registry_frame
from bansos.linkage.models import LinkageModel, Rule, Run
from bansos.linkage.services import Found, LinkageError, pairs_record, run_finish, run_start

Progress = Callable[[str], None]


def _quiet(_message: str) -> None:
    return None


def models_dir() -> Path:
    path = Path(settings.VAR_DIR) / "linkage" / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def dedup_exact(*, actor: Actor, progress: Progress = _quiet) -> Run:
    started = time.perf_counter()
    run = run_start(kind=Run.Kind.EXACT, actor=actor)
    for rule in (Rule.SAME_NIK, Rule.SAME_PERSON, Rule.TWO_HEADS):
        progress(f"exact check {rule}")
        with transaction.atomic():
            pairs_record(run=run, found=exact_duplicates((rule,)))
    return run_finish(run=run, actor=actor, seconds=time.perf_counter() - started)


@transaction.atomic
def model_save(*, trained: pipeline.Trained, backend: str, actor: Actor) -> LinkageModel:
    """Store a trained model as the next version (file and row; the row keeps a copy of the settings)."""
    version = timezone.now().strftime("%Y%m%d-%H%M%S")
    if LinkageModel.objects.filter(version=version).exists():
        version = f"{version}-{LinkageModel.objects.count() + 1}"
    path = models_dir() / f"{version}.json"
    path.write_text(json.dumps(trained.settings, indent=1, default=str))
    model = LinkageModel.objects.create(
        version=version,
        path=str(path),
        settings=json.loads(json.dumps(trained.settings, default=str)),
        records=trained.records,
        backend=backend,
        actor_label=actor_label(actor),
    )
    record(
        actor=actor,
        event_type="linkage.model_trained",
        subject=model,
        details={"version": version, "records": trained.records, "backend": backend},
    )
    return model


def model_settings(model: LinkageModel) -> dict[str, Any]:
    path = Path(model.path)
    return json.loads(path.read_text()) if path.exists() else dict(model.settings)


def latest_model() -> LinkageModel | None:
    return LinkageModel.objects.first()


def _found(frame: Any) -> Iterator[Found]:
    for row in frame.to_dict("records"):
        yield Found(
            a=int(row["unique_id_l"]),
            b=int(row["unique_id_r"]),
            rule=Rule.SPLINK,
            score=round(float(row["match_probability"]), 6),
            match_weight=round(float(row["match_weight"]), 3),
            evidence=pipeline.evidence(row),
        )


def dedup_probabilistic(
    *,
    actor: Actor,
    threshold: float | None = None,
    train: bool = False,
    model_version: str = "",
    backend: str | None = None,
    progress: Progress = _quiet,
) -> Run:
    """Export the registry (blind indexes only), train a new model when asked or when none exists, score
    pairs above ``threshold`` and put new ones in the review queue."""
    started = time.perf_counter()
    backend = pipeline.backend_name(backend)
    threshold = (
        threshold
        if threshold is not None
        else getattr(settings, "LINKAGE_THRESHOLD", pipeline.DEFAULT_THRESHOLD)
    )
    run = run_start(kind=Run.Kind.PROBABILISTIC, actor=actor, threshold=threshold)
    progress("exporting the registry")
    frame = registry_frame()
    model = LinkageModel.objects.filter(version=model_version).first() if model_version else latest_model()
    if model_version and model is None:
        raise LinkageError(
            _("There is no linkage model version %(version)s."),
            code="linkage.model_unknown",
            version=model_version,
        )
    if train or model is None:
        progress(f"training on {len(frame)} records")
        model = model_save(trained=pipeline.train(frame, backend=backend), backend=backend, actor=actor)
    run.model = model
    run.save(update_fields=["model"])
    progress(f"scoring with model {model.version}")
    scored = pipeline.predict(frame, model_settings(model), threshold=threshold, backend=backend)
    progress(f"recording {len(scored)} pairs")
    with transaction.atomic():
        pairs_record(run=run, found=_found(scored))
    return run_finish(run=run, actor=actor, seconds=time.perf_counter() - started, records=len(frame))
