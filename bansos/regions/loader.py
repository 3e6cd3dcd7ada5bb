"""Load the bundled Kemendagri region CSVs (bansos/regions/data, MIT, see SOURCE.txt) into the database.

Idempotent: rows are upserted by code in large batches, so a second run changes nothing and a renamed
region is updated in place. All 83,762 villages load in a few seconds."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.db import models, transaction

from bansos.core.audit import Actor, record
from bansos.regions.models import District, Province, Regency, Village

DATA_DIR = Path(__file__).resolve().parent / "data"
BATCH_SIZE = 5000

LEVELS: list[tuple[str, type[models.Model], str | None]] = [
    ("provinces.csv", Province, None),
    ("regencies.csv", Regency, "province_id"),
    ("districts.csv", District, "regency_id"),
    ("villages.csv", Village, "district_id"),
]


@dataclass(frozen=True)
class LoadResult:
    provinces: int
    regencies: int
    districts: int
    villages: int


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        yield from csv.DictReader(handle)


def regions_load(*, actor: Actor, data_dir: Path = DATA_DIR) -> LoadResult:
    counts: list[int] = []
    with transaction.atomic():
        for filename, model, parent_field in LEVELS:
            objects = []
            for row in read_rows(data_dir / filename):
                fields = {"code": row["code"], "name": row["name"]}
                if parent_field:
                    fields[parent_field] = row["parent_code"]
                objects.append(model(**fields))
            model.objects.bulk_create(  # type: ignore[attr-defined]
                objects,
                batch_size=BATCH_SIZE,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["name", parent_field] if parent_field else ["name"],
            )
            counts.append(len(objects))
        result = LoadResult(*counts)
        record(
            actor=actor,
            event_type="regions.loaded",
            subject=("regions.dataset", "kemendagri"),
            details=result.__dict__,
        )
    return result
