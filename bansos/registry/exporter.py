"""``registry_export``: write households and people in the exchange format (the files import reads).

CSV or Parquet by the file extension. Rows stream from the database (a server-side cursor on
PostgreSQL) and NIK/KK are decrypted on the way out, so the output files hold identifiers in clear:
they are as sensitive as the registry itself. Importing an export into an empty registry reproduces every
column of the format (``last_verified_at``, the welfare computation's inputs outside the format, ids and
timestamps are not part of it).
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bansos.core import crypto
from bansos.core.errors import DomainError
from bansos.registry import formats
from bansos.registry.models import Household, Person

ITERATOR_CHUNK = 5_000
PARQUET_BATCH = 50_000

# Model fields read for each column of the format (in format order); KK/NIK come encrypted.
HOUSEHOLD_FIELDS: tuple[str, ...] = ("kk_encrypted", "village_id", *formats.HOUSEHOLD_COLUMNS[2:])
PERSON_FIELDS: tuple[str, ...] = (
    "nik_encrypted",
    "household__kk_encrypted",
    *formats.PERSON_COLUMNS[2:],
)

MSG_EXPORT_FORMAT = _("The file %(file)s must end in .csv or .parquet.")
MSG_EXPORT_FOLDER = _("The folder for %(file)s does not exist.")


class RegistryExportError(DomainError):
    code = "export.invalid"


@dataclass(frozen=True)
class ExportCounts:
    households: int
    people: int


def registry_export(
    *,
    households_path: Path | str,
    people_path: Path | str,
    village_codes: Sequence[str] | None = None,
) -> ExportCounts:
    """Write all households and people (or those of ``village_codes``) to the two files."""
    households_file, people_file = Path(households_path), Path(people_path)
    for path in (households_file, people_file):
        _check_target(path)
    ring = crypto.keyring()
    households = Household.objects.order_by("id")
    people = Person.objects.order_by("household_id", "id")
    if village_codes:
        households = households.filter(village_id__in=list(village_codes))
        people = people.filter(household__village_id__in=list(village_codes))
    household_count = _write(households_file, formats.HOUSEHOLD_COLUMNS, _household_rows(households, ring))
    people_count = _write(people_file, formats.PERSON_COLUMNS, _person_rows(people, ring))
    return ExportCounts(households=household_count, people=people_count)


def _check_target(path: Path) -> None:
    if path.suffix.lower() not in (".csv", ".parquet"):
        raise RegistryExportError(MSG_EXPORT_FORMAT, code="export.file_format", file=path.name)
    if not path.parent.is_dir():
        raise RegistryExportError(MSG_EXPORT_FOLDER, code="export.folder_missing", file=path.name)


def _household_rows(queryset: QuerySet[Household], ring: crypto.Keyring) -> Iterator[tuple[Any, ...]]:
    decrypt = crypto.decrypt
    for row in queryset.values_list(*HOUSEHOLD_FIELDS).iterator(chunk_size=ITERATOR_CHUNK):
        yield (decrypt(row[0], ring), *row[1:])


def _person_rows(queryset: QuerySet[Person], ring: crypto.Keyring) -> Iterator[tuple[Any, ...]]:
    decrypt = crypto.decrypt
    last_token: bytes | None = None
    last_kk = ""
    for row in queryset.values_list(*PERSON_FIELDS).iterator(chunk_size=ITERATOR_CHUNK):
        token = bytes(row[1])
        if token != last_token:  # people come household by household: decrypt each KK once
            last_token, last_kk = token, decrypt(token, ring)
        yield (decrypt(row[0], ring), last_kk, *row[2:])


def _write(path: Path, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> int:
    if path.suffix.lower() == ".parquet":
        return _write_parquet(path, columns, rows)
    return _write_csv(path, columns, rows)


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if value is True:
        return 1
    if value is False:
        return 0
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back as the same float
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _write_csv(path: Path, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        cell = _csv_cell
        for row in rows:
            writer.writerow([cell(value) for value in row])
            count += 1
    return count


def _arrow_schema(columns: tuple[str, ...]) -> Any:
    import pyarrow as pa

    types: dict[str, Callable[[], Any]] = {
        "floor_area_m2": pa.int32,
        "welfare_score": pa.float64,
        "decile": pa.int16,
        "birth_date": pa.date32,
        "deceased_date": pa.date32,
    }
    booleans = formats.HOUSEHOLD_BOOL_COLUMNS | formats.PERSON_BOOL_COLUMNS
    return pa.schema(
        [(column, pa.bool_() if column in booleans else types.get(column, pa.string)()) for column in columns]
    )


def _write_parquet(path: Path, columns: tuple[str, ...], rows: Iterator[tuple[Any, ...]]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _arrow_schema(columns)
    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(row)
            if len(batch) == PARQUET_BATCH:
                writer.write_table(_table(pa, schema, batch))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(_table(pa, schema, batch))
            count += len(batch)
    return count


def _table(pa: Any, schema: Any, rows: list[tuple[Any, ...]]) -> Any:
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [() for _ in schema.names]
    return pa.Table.from_arrays(
        [pa.array(values, type=schema.field(i).type) for i, values in enumerate(columns)], schema=schema
    )
