"""Reads of the review queue, always through the region scope (bansos.accounts.scoping): an officer sees
and acts on a pair only when both records lie in their region."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from bansos.accounts.scoping import Scope, officer_scope, scope_filter
from bansos.core.errors import NotFound
from bansos.linkage.models import CandidatePair, Merge
from bansos.regions.selectors import village_path
from bansos.registry.models import Person


def _scoped(user: object, *, write: bool = False, scope: Scope | None = None) -> QuerySet[CandidatePair]:
    scope = scope if scope is not None else officer_scope(user)
    qs = scope_filter(CandidatePair.objects.all(), user, field="left_village__code", write=write, scope=scope)
    return scope_filter(qs, user, field="right_village__code", write=write, scope=scope)


def queue(
    user: object, *, status: str = CandidatePair.Status.PENDING, rule: str = ""
) -> QuerySet[CandidatePair]:
    qs = _scoped(user).select_related("left", "right")
    if status:
        qs = qs.filter(status=status)
    if rule:
        qs = qs.filter(rule=rule)
    return qs.order_by("-score", "id")


def pair_get(user: object, pk: int, *, write: bool = False) -> CandidatePair:
    pair = _scoped(user, write=write).select_related("left", "right").filter(pk=pk).first()
    if pair is None:
        raise NotFound(_("No such record in your region."), code="scope.not_found")
    return pair


def merge_for_pair(pair: CandidatePair) -> Merge | None:
    return Merge.objects.filter(pair=pair, undone_at__isnull=True).first()


def mask_identifier(value: str) -> str:
    """ "3171014101800001" -> "317101******0001" (region kept, birth date and most of the serial hidden)."""
    return value[:6] + "*" * max(0, len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def _region(code: str) -> str:
    path = village_path(code) or {}
    return ", ".join(path[k] for k in ("village", "district", "regency") if k in path) or code


def _side(person: Person) -> dict[str, Any]:
    return {
        "id": person.pk,
        "nik_index": person.nik_index,
        "kk_index": person.household.kk_index,
        "name": person.full_name,
        "nik": mask_identifier(person.nik),
        "kk": mask_identifier(person.household.kk),
        "birth_date": person.birth_date.isoformat(),
        "sex": person.get_sex_display(),
        "relationship": person.get_relationship_display(),
        "village": _region(person.village_id),
        "household": person.household_id,
        "household_status": person.household.get_status_display(),
        "deceased": person.deceased_date is not None,
    }


FIELDS = (
    ("name", "name"),
    ("nik", "nik"),
    ("kk", "kk_level"),
    ("birth_date", "birth_date"),
    ("sex", "sex"),
    ("relationship", "relationship"),
    ("village", "region"),
)


# Masked values can coincide for different numbers: compare the blind indexes instead.
SAME_ON = {"nik": "nik_index", "kk": "kk_index"}


def pair_evidence(pair: CandidatePair) -> dict[str, Any]:
    """Both records side by side (NIK and KK masked) with the comparison level of each field."""
    people = Person.objects.select_related("household").in_bulk([pair.left_id, pair.right_id])
    left, right = _side(people[pair.left_id]), _side(people[pair.right_id])
    levels = pair.evidence or {}
    rows = [
        {
            "field": name,
            "left": left[name],
            "right": right[name],
            "same": left[SAME_ON.get(name, name)] == right[SAME_ON.get(name, name)],
            "level": gettext(levels[level_key]) if levels.get(level_key) else "",
        }
        for name, level_key in FIELDS
    ]
    for side in (left, right):  # blind indexes are for the comparison only, not for display
        del side["nik_index"], side["kk_index"]
    return {"left": left, "right": right, "rows": rows}
