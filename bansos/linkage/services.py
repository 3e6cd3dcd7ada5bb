"""Writes of the linkage app: candidate pairs from runs, review decisions (dismiss, merge, un-merge).
One audit event per state change, in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.core.audit import Actor, actor_label, record
from bansos.core.errors import DomainError
from bansos.linkage import merge as merge_config
from bansos.linkage.models import CandidatePair, Merge, Run
from bansos.registry.models import Household, Person


class LinkageError(DomainError):
    code = "linkage.error"


@dataclass
class Found:
    """A candidate pair as a run finds it (ids in any order)."""

    a: int
    b: int
    rule: str
    score: float
    match_weight: float | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def run_start(*, kind: str, actor: Actor, threshold: float | None = None) -> Run:
    return Run.objects.create(kind=kind, threshold=threshold, actor_label=actor_label(actor))


def run_finish(*, run: Run, actor: Actor, seconds: float, records: int = 0) -> Run:
    run.status = Run.Status.COMPLETED
    run.finished_at = timezone.now()
    run.seconds = round(seconds, 3)
    run.records = records
    run.save()
    record(
        actor=actor,
        event_type="linkage.run_completed",
        subject=run,
        details={
            "kind": run.kind,
            "records": run.records,
            "pairs_found": run.pairs_found,
            "pairs_new": run.pairs_new,
            "threshold": run.threshold,
            "model": run.model.version if run.model else None,
            "seconds": run.seconds,
        },
    )
    return run


def pairs_record(*, run: Run, found: Iterable[Found], batch_size: int = 5000) -> tuple[int, int]:
    """Store the pairs a run found: new pairs wait for review; a pair already known (pending, merged or
    dismissed) is left as it is, so a dismissed pair is never shown again. Pairs involving a merged record
    are skipped. Returns (found, new)."""
    new = 0
    seen: set[tuple[int, int]] = set()
    batch: dict[tuple[int, int], Found] = {}

    def flush() -> int:
        if not batch:
            return 0
        keys = list(batch)
        ids = {i for pair in keys for i in pair}
        people = dict(
            Person.objects.filter(id__in=ids, merged_into__isnull=True).values_list("id", "village_id")
        )
        known = set(
            CandidatePair.objects.filter(
                left_id__in={a for a, _b in keys}, right_id__in={b for _a, b in keys}
            ).values_list("left_id", "right_id")
        )
        rows = [
            CandidatePair(
                left_id=a,
                right_id=b,
                left_village_id=people[a],
                right_village_id=people[b],
                rule=f.rule,
                score=f.score,
                match_weight=f.match_weight,
                evidence=f.evidence,
                run=run,
            )
            for (a, b), f in batch.items()
            if (a, b) not in known and a in people and b in people
        ]
        CandidatePair.objects.bulk_create(rows, ignore_conflicts=True)
        batch.clear()
        return len(rows)

    for f in found:
        if f.a == f.b:
            continue
        key = (min(f.a, f.b), max(f.a, f.b))
        if key in seen and key not in batch:
            continue  # already stored from an earlier batch of this run
        seen.add(key)
        if key not in batch or batch[key].score < f.score:
            batch[key] = f
        if len(batch) >= batch_size:
            new += flush()
    new += flush()
    run.pairs_found += len(seen)
    run.pairs_new += new
    run.save(update_fields=["pairs_found", "pairs_new"])
    return len(seen), new


def _decided(pair: CandidatePair, status: str, actor: Actor, note: str) -> None:
    pair.status = status
    pair.decided_at = timezone.now()
    pair.decided_by = actor_label(actor)
    pair.note = note[:255]
    pair.save(update_fields=["status", "decided_at", "decided_by", "note"])


def _require_pending(pair: CandidatePair) -> None:
    if pair.status != CandidatePair.Status.PENDING:
        raise LinkageError(
            _("This pair was already decided (%(status)s)."),
            code="linkage.already_decided",
            status=pair.get_status_display(),
        )


@transaction.atomic
def pair_dismiss(*, pair: CandidatePair, actor: Actor, note: str = "") -> CandidatePair:
    """Not the same person: the pair leaves the queue and later runs do not bring it back."""
    pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
    _require_pending(pair)
    _decided(pair, CandidatePair.Status.DISMISSED, actor, note)
    record(
        actor=actor,
        event_type="linkage.pair_dismissed",
        subject=pair,
        details={"left": pair.left_id, "right": pair.right_id, "rule": pair.rule, "note": note[:255]},
    )
    return pair


def _undeclared(rows: dict[str, list[int]], declared: dict[str, str]) -> list[str]:
    return sorted(label for label, ids in rows.items() if ids and label not in declared)


def _rows_pointing(relations: Iterable[tuple[str, Any, str]], pk: int) -> dict[str, list[int]]:
    return {
        label: list(model._default_manager.filter(**{f"{name}_id": pk}).values_list("pk", flat=True))
        for label, model, name in relations
    }


@transaction.atomic
def person_merge(
    *, survivor: Person, merged: Person, actor: Actor, pair: CandidatePair | None = None
) -> Merge:
    """Merge ``merged`` into ``survivor`` following the declared configuration (bansos.linkage.merge).

    Refused, with nothing changed, when either record is already merged, when both are the same record,
    or when a relation that is not declared has rows for the merged record or its retired household."""
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    merged = Person.objects.select_for_update().get(pk=merged.pk)
    if survivor.pk == merged.pk:
        raise LinkageError(_("A record cannot be merged into itself."), code="linkage.same_record")
    if survivor.merged_into_id or merged.merged_into_id:
        raise LinkageError(
            _("One of these records was already merged into another."), code="linkage.already_merged"
        )
    person_rows = _rows_pointing(merge_config.person_relations(), merged.pk)
    retire = (
        merged.household_id != survivor.household_id
        and not Person.objects.filter(household_id=merged.household_id, merged_into__isnull=True)
        .exclude(pk=merged.pk)
        .exists()
    )
    household_rows = _rows_pointing(merge_config.household_relations(), merged.household_id) if retire else {}
    undeclared = _undeclared(person_rows, merge_config.PERSON_RELATIONS) + _undeclared(
        {k: v for k, v in household_rows.items() if k != "registry.Person.household"},
        merge_config.HOUSEHOLD_RELATIONS,
    )
    if undeclared:
        raise LinkageError(
            _("Merge refused: these relations are not in the merge configuration: %(relations)s."),
            code="linkage.undeclared_relation",
            relations=", ".join(undeclared),
        )
    taken = sorted(
        label
        for label, model, name in merge_config.person_relations()
        if merge_config.PERSON_RELATIONS.get(label) == merge_config.MOVE
        and person_rows.get(label)
        and getattr(model._meta.get_field(name), "unique", False)
        and model._default_manager.filter(**{f"{name}_id": survivor.pk}).exists()
    )
    if taken:  # a one-to-one relation (e.g. a citizen account) on both records: a person must choose
        raise LinkageError(
            _("Merge refused: both records have %(relations)s; resolve that first."),
            code="linkage.both_related",
            relations=", ".join(taken),
        )
    moved: dict[str, list[int]] = {}
    for label, model, name in merge_config.person_relations():
        if merge_config.PERSON_RELATIONS.get(label) == merge_config.MOVE and person_rows.get(label):
            model._default_manager.filter(pk__in=person_rows[label]).update(**{f"{name}_id": survivor.pk})
            moved[f"person:{label}"] = person_rows[label]
    household_status_before = ""
    if retire:
        for label, model, name in merge_config.household_relations():
            if merge_config.HOUSEHOLD_RELATIONS.get(label) == merge_config.MOVE and household_rows.get(label):
                model._default_manager.filter(pk__in=household_rows[label]).update(
                    **{f"{name}_id": survivor.household_id}
                )
                moved[f"household:{label}"] = household_rows[label]
        household = Household.objects.select_for_update().get(pk=merged.household_id)
        household_status_before = household.status
        household.status = Household.Status.MERGED
        household.save(update_fields=["status", "updated_at"])
    merged.merged_into = survivor
    merged.save(update_fields=["merged_into", "updated_at"])
    done = Merge.objects.create(
        pair=pair,
        survivor=survivor,
        merged=merged,
        moved=moved,
        household_status_before=household_status_before,
        actor_label=actor_label(actor),
    )
    if pair is not None:
        _decided(pair, CandidatePair.Status.MERGED, actor, "")
    record(
        actor=actor,
        event_type="linkage.person_merged",
        subject=done,
        details={
            "survivor": survivor.pk,
            "merged": merged.pk,
            "pair": pair.pk if pair else None,
            "moved": {k: len(v) for k, v in moved.items()},
            "household_retired": merged.household_id if retire else None,
        },
    )
    return done


def pair_merge(*, pair: CandidatePair, actor: Actor, keep: str = "left") -> Merge:
    """Confirm a pair as one person; ``keep`` ("left" or "right") names the surviving record."""
    with transaction.atomic():
        pair = CandidatePair.objects.select_for_update().get(pk=pair.pk)
        _require_pending(pair)
        if keep not in ("left", "right"):
            raise LinkageError(_("Choose which record to keep."), code="linkage.keep_invalid")
        survivor, merged = (pair.left, pair.right) if keep == "left" else (pair.right, pair.left)
        return person_merge(survivor=survivor, merged=merged, actor=actor, pair=pair)


@transaction.atomic
def merge_undo(*, merge: Merge, actor: Actor) -> Merge:
    """Un-merge: every moved row goes back, the merged record and its household are restored and the pair
    waits for review again."""
    merge = Merge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise LinkageError(_("This merge was already undone."), code="linkage.already_undone")
    merged = Person.objects.select_for_update().get(pk=merge.merged_id)
    for key, ids in merge.moved.items():
        scope, label = key.split(":", 1)
        relations = (
            merge_config.person_relations() if scope == "person" else merge_config.household_relations()
        )
        target = merged.pk if scope == "person" else merged.household_id
        for rel_label, model, name in relations:
            if rel_label == label:
                model._default_manager.filter(pk__in=ids).update(**{f"{name}_id": target})
    if merge.household_status_before:
        Household.objects.filter(pk=merged.household_id).update(
            status=merge.household_status_before, updated_at=timezone.now()
        )
    merged.merged_into = None
    merged.save(update_fields=["merged_into", "updated_at"])
    merge.undone_at = timezone.now()
    merge.undone_by = actor_label(actor)
    merge.save(update_fields=["undone_at", "undone_by"])
    if merge.pair_id:
        CandidatePair.objects.filter(pk=merge.pair_id).update(
            status=CandidatePair.Status.PENDING, decided_at=None, decided_by="", note=""
        )
    record(
        actor=actor,
        event_type="linkage.person_unmerged",
        subject=merge,
        details={"survivor": merge.survivor_id, "merged": merge.merged_id, "pair": merge.pair_id},
    )
    return merge
