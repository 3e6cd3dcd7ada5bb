"""Reads of the region tree. ``children`` serves the cascading selectors: one query per call."""

from __future__ import annotations

from django.db import models

from bansos.regions.models import District, Province, Regency, Village

CODE_LENGTHS = {2: Province, 4: Regency, 6: District, 10: Village}
CHILD_OF: dict[int, tuple[type[models.Model], str]] = {
    0: (Province, ""),
    2: (Regency, "province_id"),
    4: (District, "regency_id"),
    6: (Village, "district_id"),
}


def children(code: str = "") -> list[tuple[str, str]]:
    """(code, name) of the regions directly below ``code`` ("" for the provinces), ordered by code.
    An unknown or leaf code gives an empty list."""
    spec = CHILD_OF.get(len(code))
    if spec is None or (code and not code.isdigit()):
        return []
    model, parent_field = spec
    queryset = model.objects.all()  # type: ignore[attr-defined]
    if parent_field:
        queryset = queryset.filter(**{parent_field: code})
    return list(queryset.order_by("code").values_list("code", "name"))


def region_exists(code: str) -> bool:
    model = CODE_LENGTHS.get(len(code))
    return bool(model and code.isdigit() and model.objects.filter(code=code).exists())  # type: ignore[attr-defined]


def village_path(code: str) -> dict[str, str] | None:
    """Names of a village and its ancestors, in one query."""
    row = (
        Village.objects.filter(code=code)
        .values_list("name", "district__name", "district__regency__name", "district__regency__province__name")
        .first()
    )
    if row is None:
        return None
    return {"village": row[0], "district": row[1], "regency": row[2], "province": row[3]}
