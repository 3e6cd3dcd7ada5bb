"""The set-based registry writer: idempotent upserts of many households or people at once.

Used by the file import (:mod:`bansos.registry.importer`) and the synthetic generator
(:mod:`bansos.registry.synth`). Rows arrive validated and typed, in ``formats.HOUSEHOLD_COLUMNS`` /
``formats.PERSON_COLUMNS`` order, with the KK/NIK in clear. Here they get their blind index and
ciphertext (one keyring per call), the normalised name key, the village (a person's comes from the
household), timestamps, provenance and the import run.

* PostgreSQL: rows are prepared as COPY text lines (escaped once, when prepared, so writing a batch is
  one string join). A batch of new rows is ``COPY``ed straight into the table, in a savepoint; if a key
  already exists, the batch instead goes by ``COPY`` into a session-local TEMP staging table and one
  ``INSERT ... SELECT ... ON CONFLICT (blind index) DO UPDATE ... WHERE (...) IS DISTINCT FROM (...)``.
* SQLite: batched ``executemany`` of ``INSERT ... ON CONFLICT DO UPDATE ... WHERE (...) IS NOT (...)``.

Either way an identical row updates nothing (``updated_at`` included), so importing the same data twice
changes nothing. The ciphertext is never compared nor rewritten (every encryption uses a fresh nonce): a
row keeps the ciphertext it was created with. Each call is atomic (a savepoint inside a caller's
transaction); the caller decides how many rows make a transaction.

A person whose KK has no household is not written; their 0-based position in ``rows`` is reported in
``BulkResult.missing_household``. When a key occurs more than once in one call the last row wins and the
earlier ones are counted in ``duplicates``.
"""

# ruff: noqa: S608  -- SQL is assembled only from the constant table/column names below; values are bound.
from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

import psycopg
from django.db import connection, transaction
from django.utils import timezone

from bansos.core import crypto
from bansos.registry import formats, names
from bansos.registry.models import Household, Person

BATCH_SIZE = 50_000
"""Rows staged per statement; a call with more rows runs several batches in its one transaction."""

HOUSEHOLD_TABLE = Household._meta.db_table
PERSON_TABLE = Person._meta.db_table

# Target columns in the order the writer prepares them. The key (blind index) and ciphertext come first;
# the "compared" columns are the ones whose change makes an update.
HOUSEHOLD_VALUE_COLUMNS: tuple[str, ...] = ("village_id", *formats.HOUSEHOLD_COLUMNS[2:])
HOUSEHOLD_PREPARED: tuple[str, ...] = ("kk_index", "kk_encrypted", *HOUSEHOLD_VALUE_COLUMNS)
PERSON_VALUE_COLUMNS: tuple[str, ...] = (
    "household_id",
    "village_id",
    "full_name",
    "name_key",
    *formats.PERSON_COLUMNS[3:],
)
PERSON_PREPARED: tuple[str, ...] = ("nik_index", "nik_encrypted", *PERSON_VALUE_COLUMNS)
META_COLUMNS: tuple[str, ...] = ("provenance", "import_run_id", "created_at", "updated_at")
_LOOKED_UP = ("household_id", "village_id")

# PostgreSQL types of the staging columns.
_PG_TYPES: dict[str, str] = {
    "kk_index": "text",
    "nik_index": "text",
    "kk_encrypted": "bytea",
    "nik_encrypted": "bytea",
    "household_id": "int8",
    "floor_area_m2": "int4",
    "welfare_score": "float8",
    "decile": "int2",
    "birth_date": "date",
    "deceased_date": "date",
    **dict.fromkeys(formats.HOUSEHOLD_BOOL_COLUMNS | formats.PERSON_BOOL_COLUMNS, "bool"),
}

_name_key = functools.lru_cache(maxsize=200_000)(names.name_key)


@dataclass
class BulkResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    missing_household: list[int] = field(default_factory=list)
    duplicates: int = 0

    @property
    def written(self) -> int:
        return self.inserted + self.updated


@dataclass(frozen=True)
class _Spec:
    table: str
    key: str
    prepared: tuple[str, ...]
    values: tuple[str, ...]

    @property
    def insert_columns(self) -> tuple[str, ...]:
        return (*self.prepared, *META_COLUMNS)

    @property
    def text_columns(self) -> tuple[str, ...]:
        """The columns of a COPY text line: a person's household and village first (added when written),
        then the key, the ciphertext and the rest."""
        if self.key == "nik_index":
            return ("household_id", "village_id", *(c for c in self.prepared if c not in _LOOKED_UP))
        return self.prepared

    def __reduce__(self) -> tuple[Any, ...]:
        # Unpickled (from the import's worker process) as the module's own constant: ``spec is PEOPLE``.
        return (_spec_for_table, (self.table,))


HOUSEHOLDS = _Spec(HOUSEHOLD_TABLE, "kk_index", HOUSEHOLD_PREPARED, HOUSEHOLD_VALUE_COLUMNS)
PEOPLE = _Spec(PERSON_TABLE, "nik_index", PERSON_PREPARED, PERSON_VALUE_COLUMNS)


def _spec_for_table(table: str) -> _Spec:
    return HOUSEHOLDS if table == HOUSEHOLDS.table else PEOPLE


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


@dataclass
class Prepared:
    """Rows with their blind index, ciphertext and name key computed: the CPU-heavy half of a write, which
    needs no database (so a caller may prepare the next batch in a thread or process while the database
    writes).

    ``keys`` holds each row's blind index and, for people, ``kk_indexes`` their KK's. The rows themselves
    are either ``rows`` (tuples in ``spec.prepared`` order, for SQLite) or ``lines``: each row's columns
    as PostgreSQL COPY text (``spec.text_columns`` without the household and village of a person, which
    are looked up when written), so that the writer sends them with one string join per batch."""

    spec: _Spec
    keys: list[str]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    lines: list[str] | None = None
    kk_indexes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.keys)


def upsert_households(
    rows: Iterable[Sequence[Any]], *, provenance: str, import_run_id: int | None = None
) -> BulkResult:
    """Insert or update households by KK (rows in ``formats.HOUSEHOLD_COLUMNS`` order).

    When a household moves to another village, its members' denormalised village follows."""
    return _upsert(prepare_households, write_households, rows, provenance, import_run_id)


def upsert_people(
    rows: Iterable[Sequence[Any]], *, provenance: str, import_run_id: int | None = None
) -> BulkResult:
    """Insert or update people by NIK (rows in ``formats.PERSON_COLUMNS`` order); their household is
    found by KK. People whose KK has no household are skipped and reported by position."""
    return _upsert(prepare_people, write_people, rows, provenance, import_run_id)


def prepare_households(rows: Sequence[Sequence[Any]], *, text: bool | None = None) -> Prepared:
    """Household rows in target-column order: (kk_index, kk_encrypted, village_id, ...). ``text``: COPY
    text lines (the default on PostgreSQL) instead of tuples."""
    ring = crypto.keyring()
    blind_index, encrypt = crypto.blind_index, crypto.encrypt
    keys = [blind_index(r[0], ring) for r in rows]
    if _text_wanted(text):
        sealed = crypto.encrypt_many([r[0] for r in rows], ring)
        lines = [
            "\t".join((
                key, _bytea(token), r[1],
                _escape(r[2] or ""), _escape(r[3] or ""), _escape(r[4] or ""), _int_text(r[5]),
                r[6] or "", r[7] or "", r[8] or "", r[9] or "", r[10] or "", r[11] or "", r[12] or "",
                r[13] or "",
                _TF[bool(r[14])], _TF[bool(r[15])], _TF[bool(r[16])], _TF[bool(r[17])], _TF[bool(r[18])],
                _NULL if r[19] is None else repr(float(r[19])), _int_text(r[20]), r[21] or "active",
            ))
            for key, token, r in zip(keys, sealed, rows, strict=True)
        ]  # fmt: skip
        return Prepared(HOUSEHOLDS, keys, lines=lines)
    prepared = [
        (
            key, encrypt(r[0], ring), r[1],
            r[2] or "", r[3] or "", r[4] or "", r[5],
            r[6] or "", r[7] or "", r[8] or "", r[9] or "", r[10] or "", r[11] or "", r[12] or "",
            r[13] or "",
            bool(r[14]), bool(r[15]), bool(r[16]), bool(r[17]), bool(r[18]),
            r[19], r[20], r[21] or "active",
        )
        for key, r in zip(keys, rows, strict=True)
    ]  # fmt: skip
    return Prepared(HOUSEHOLDS, keys, rows=prepared)


def prepare_people(rows: Sequence[Sequence[Any]], *, text: bool | None = None) -> Prepared:
    """Person rows in target-column order, but with the KK's blind index where the household id and
    village go (they are looked up when written): (nik_index, nik_encrypted, kk_index, full_name, ...).
    ``text``: COPY text lines (the default on PostgreSQL) instead of tuples."""
    ring = crypto.keyring()
    blind_index, encrypt, name_key = crypto.blind_index, crypto.encrypt, _name_key
    kk_cache: dict[str, str] = {}
    kk_indexes = []
    for r in rows:
        kk_index = kk_cache.get(r[1])
        if kk_index is None:
            kk_index = kk_cache[r[1]] = blind_index(r[1], ring)
        kk_indexes.append(kk_index)
    keys = [blind_index(r[0], ring) for r in rows]
    if _text_wanted(text):
        sealed = crypto.encrypt_many([r[0] for r in rows], ring)
        lines = [
            "\t".join((
                key, _bytea(token), _escape(r[2]), name_key(r[2]),
                r[3], r[4].isoformat(), _escape(r[5] or ""), r[6], r[7], r[8] or "", r[9] or "",
                r[10] or "", _TF[bool(r[11])], _TF[bool(r[12])], _TF[bool(r[13])], r[14] or "none",
                _TF[bool(r[15])], _TF[bool(r[16])], _NULL if r[17] is None else r[17].isoformat(),
            ))
            for key, token, r in zip(keys, sealed, rows, strict=True)
        ]  # fmt: skip
        return Prepared(PEOPLE, keys, lines=lines, kk_indexes=kk_indexes)
    prepared = [
        (
            key, encrypt(r[0], ring), kk_index, r[2], name_key(r[2]),
            r[3], r[4], r[5] or "", r[6], r[7], r[8] or "", r[9] or "", r[10] or "",
            bool(r[11]), bool(r[12]), bool(r[13]), r[14] or "none", bool(r[15]), bool(r[16]), r[17],
        )
        for key, kk_index, r in zip(keys, kk_indexes, rows, strict=True)
    ]  # fmt: skip
    return Prepared(PEOPLE, keys, rows=prepared, kk_indexes=kk_indexes)


# PostgreSQL COPY text format: tab-separated, \N for NULL, backslash escapes in values.
_NULL = "\\N"
_TF = ("f", "t")
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escape(value: str) -> str:
    """Free text for a COPY text line (choices, codes, dates and numbers never need it). Four ``in`` tests
    cost a tenth of ``translate``, which builds a new string even when nothing is replaced."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_ESCAPES)
    return value


def _bytea(value: bytes) -> str:
    return "\\\\x" + value.hex()  # bytea hex input (\x...), its backslash escaped for COPY


def _int_text(value: int | None) -> str:
    return _NULL if value is None else str(int(value))


def _text_wanted(text: bool | None) -> bool:
    """COPY text lines unless told otherwise on PostgreSQL (reading the backend's name needs no query)."""
    return connection.vendor == "postgresql" if text is None else text


def write_households(prepared: Prepared, *, provenance: str, import_run_id: int | None = None) -> BulkResult:
    """Upsert prepared households (see :func:`prepare_households`) in one transaction."""
    result = BulkResult()
    now = timezone.now()
    items = _items(prepared)
    with transaction.atomic():
        for start in range(0, len(prepared), BATCH_SIZE):
            keys = prepared.keys[start : start + BATCH_SIZE]
            batch = items[start : start + BATCH_SIZE]
            unique = list(dict(zip(keys, batch, strict=True)).values())  # the last of equal keys wins
            result.duplicates += len(batch) - len(unique)
            _add(result, _write(HOUSEHOLDS, unique, provenance, import_run_id, now), len(unique))
    return result


def write_people(prepared: Prepared, *, provenance: str, import_run_id: int | None = None) -> BulkResult:
    """Upsert prepared people (see :func:`prepare_people`) in one transaction; their household and village
    come from the household with their KK. Positions in ``missing_household`` index the prepared rows."""
    result = BulkResult()
    now = timezone.now()
    items = _items(prepared)
    text = prepared.lines is not None
    with transaction.atomic():
        for start in range(0, len(prepared), BATCH_SIZE):
            keys = prepared.keys[start : start + BATCH_SIZE]
            kk_indexes = prepared.kk_indexes[start : start + BATCH_SIZE]
            batch = items[start : start + BATCH_SIZE]
            households = _households_by_kk_index(set(kk_indexes))
            unique: dict[str, Any] = {}
            missing_before = len(result.missing_household)
            for position, (key, kk_index, item) in enumerate(
                zip(keys, kk_indexes, batch, strict=True), start
            ):
                household = households.get(kk_index)
                if household is None:
                    result.missing_household.append(position)
                elif text:
                    unique[key] = f"{household[0]}\t{household[1]}\t{item}"
                else:
                    unique[key] = (item[0], item[1], *household, *item[3:])
            missing = len(result.missing_household) - missing_before
            result.duplicates += len(batch) - len(unique) - missing
            _add(result, _write(PEOPLE, list(unique.values()), provenance, import_run_id, now), len(unique))
    return result


def _items(prepared: Prepared) -> Sequence[Any]:
    return prepared.rows if prepared.lines is None else prepared.lines


def existing_kks(kks: Iterable[str]) -> set[str]:
    """The KKs (in clear) among ``kks`` that have a household."""
    ring = crypto.keyring()
    by_index = {crypto.blind_index(kk, ring): kk for kk in kks}
    return {by_index[index] for index in _households_by_kk_index(set(by_index))}


def _upsert(
    prepare: Callable[[Sequence[Sequence[Any]]], Prepared],
    write: Callable[..., BulkResult],
    rows: Iterable[Sequence[Any]],
    provenance: str,
    import_run_id: int | None,
) -> BulkResult:
    total = BulkResult()
    with transaction.atomic():
        offset = 0
        for batch in _batches(rows):
            part = write(prepare(batch), provenance=provenance, import_run_id=import_run_id)
            total.inserted += part.inserted
            total.updated += part.updated
            total.unchanged += part.unchanged
            total.duplicates += part.duplicates
            total.missing_household.extend(offset + position for position in part.missing_household)
            offset += len(batch)
    return total


def _add(result: BulkResult, written: tuple[int, int], rows: int) -> None:
    inserted, updated = written
    result.inserted += inserted
    result.updated += updated
    result.unchanged += rows - inserted - updated


def _batches(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


# ---------------------------------------------------------------------------------------------------------
# Writing: dispatch on the database
# ---------------------------------------------------------------------------------------------------------


def _write(
    spec: _Spec,
    prepared: list[Any],
    provenance: str,
    import_run_id: int | None,
    now: datetime.datetime,
) -> tuple[int, int]:
    """Upsert prepared rows (COPY text lines on PostgreSQL, tuples on SQLite); return (inserted, updated)."""
    if not prepared:
        return 0, 0
    text = isinstance(prepared[0], str)
    if connection.vendor == "postgresql" and text:
        return _pg_write(spec, prepared, provenance, import_run_id, now)
    if connection.vendor == "sqlite" and not text:
        return _sqlite_write(spec, prepared, provenance, import_run_id, now)
    if connection.vendor in ("postgresql", "sqlite"):
        raise ValueError(
            f"rows prepared as {'text' if text else 'tuples'} cannot be written to {connection.vendor}"
        )
    raise NotImplementedError(f"bulk writes are not implemented for {connection.vendor}")


def _households_by_kk_index(kk_indexes: set[str]) -> dict[str, tuple[int, str]]:
    """kk_index -> (household id, village code) for the households that exist."""
    if not kk_indexes:
        return {}
    keys = list(kk_indexes)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Blind indexes are hex: the array literal needs no quoting and is much cheaper to send than
            # a list parameter adapted element by element.
            cursor.execute(
                f"SELECT kk_index, id, village_id FROM {HOUSEHOLD_TABLE} WHERE kk_index = ANY(%s::text[])",
                ["{" + ",".join(keys) + "}"],
            )
        else:
            cursor.execute(
                f"SELECT kk_index, id, village_id FROM {HOUSEHOLD_TABLE} "
                "WHERE kk_index IN (SELECT value FROM json_each(%s))",
                [json.dumps(keys)],
            )
        return {index: (pk, village) for index, pk, village in cursor.fetchall()}


def _update_assignments(spec: _Spec) -> str:
    return ", ".join(
        f"{column} = EXCLUDED.{column}" for column in (*spec.values, *META_COLUMNS[:2], "updated_at")
    )


def _changed(spec: _Spec, *, target: str, distinct: str) -> str:
    """The condition under which an existing row is rewritten: any compared column differs."""
    current = ", ".join(f"{target}.{column}" for column in spec.values)
    excluded = ", ".join(f"EXCLUDED.{column}" for column in spec.values)
    return f"({current}) {distinct} ({excluded})"


def _follow_moved_households(household_ids: list[int], now: datetime.datetime) -> None:
    """Give the members of these households their household's village (the denormalised copy)."""
    if not household_ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {PERSON_TABLE} AS p SET village_id = h.village_id, updated_at = %s "
                f"FROM {HOUSEHOLD_TABLE} AS h WHERE h.id = ANY(%s) AND p.household_id = h.id "
                "AND p.village_id <> h.village_id",
                [now, household_ids],
            )
        else:
            cursor.execute(
                f"UPDATE {PERSON_TABLE} SET updated_at = %s, village_id = (SELECT h.village_id FROM "
                f"{HOUSEHOLD_TABLE} h WHERE h.id = {PERSON_TABLE}.household_id) "
                "WHERE household_id IN (SELECT value FROM json_each(%s)) AND village_id <> (SELECT "
                f"h.village_id FROM {HOUSEHOLD_TABLE} h WHERE h.id = {PERSON_TABLE}.household_id)",
                [connection.ops.adapt_datetimefield_value(now), json.dumps(household_ids)],
            )


# ---------------------------------------------------------------------------------------------------------
# PostgreSQL: COPY into a staging table, one INSERT ... ON CONFLICT
# ---------------------------------------------------------------------------------------------------------


def _pg_stage_table(spec: _Spec) -> str:
    return f"bansos_stage_{spec.table}"


def _pg_write(
    spec: _Spec,
    lines: list[str],
    provenance: str,
    import_run_id: int | None,
    now: datetime.datetime,
) -> tuple[int, int]:
    if _pg_copy_new(spec, lines, provenance, import_run_id, now):
        return len(lines), 0
    return _pg_upsert(spec, lines, provenance, import_run_id, now)


def _pg_copy_new(
    spec: _Spec,
    lines: list[str],
    provenance: str,
    import_run_id: int | None,
    now: datetime.datetime,
) -> bool:
    """The fast path for a batch of new rows (a first load, new people): COPY straight into the table,
    in a savepoint. On the first key that already exists (or is being inserted by someone else) the
    savepoint is rolled back and False returned: nothing was written, the upsert path takes over."""
    stamp = now.isoformat()
    run = _NULL if import_run_id is None else str(import_run_id)
    end = f"\t{provenance}\t{run}\t{stamp}\t{stamp}\n"  # the same meta columns end every line
    sql = f"COPY {spec.table} ({', '.join((*spec.text_columns, *META_COLUMNS))}) FROM STDIN"
    try:
        with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            copy.write(end.join(lines) + end)
    except psycopg.errors.UniqueViolation:
        return False
    return True


def _pg_upsert(
    spec: _Spec,
    lines: list[str],
    provenance: str,
    import_run_id: int | None,
    now: datetime.datetime,
) -> tuple[int, int]:
    stage = _pg_stage_table(spec)
    types = [_PG_TYPES.get(column, "text") for column in spec.prepared]
    columns = ", ".join(spec.prepared)
    definition = ", ".join(f"{column} {kind}" for column, kind in zip(spec.prepared, types, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE IF NOT EXISTS {stage} ({definition})")
        cursor.execute(f"TRUNCATE {stage}")
        with cursor.cursor.copy(f"COPY {stage} ({', '.join(spec.text_columns)}) FROM STDIN") as copy:
            copy.write("\n".join(lines) + "\n")
        moved = spec is HOUSEHOLDS
        cursor.execute(
            f"""
            WITH written AS (
                INSERT INTO {spec.table} AS t ({", ".join(spec.insert_columns)})
                SELECT {columns}, %s, %s, %s, %s FROM {stage}
                ON CONFLICT ({spec.key}) DO UPDATE SET {_update_assignments(spec)}
                WHERE {_changed(spec, target="t", distinct="IS DISTINCT FROM")}
                RETURNING t.id, t.xmax = 0 AS inserted
            )
            SELECT count(*) FILTER (WHERE inserted),
                   {"array_agg(id) FILTER (WHERE NOT inserted)" if moved else "NULL"},
                   count(*) FILTER (WHERE NOT inserted)
            FROM written
            """,
            [provenance, import_run_id, now, now],
        )
        inserted, updated_ids, updated = cursor.fetchone()
        cursor.execute(f"TRUNCATE {stage}")
    if updated_ids:
        _follow_moved_households(updated_ids, now)
    return inserted, updated


# ---------------------------------------------------------------------------------------------------------
# SQLite: batched executemany of INSERT ... ON CONFLICT DO UPDATE
# ---------------------------------------------------------------------------------------------------------


def _sqlite_existing(spec: _Spec, keys: list[str]) -> dict[str, tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {spec.key}, id, village_id FROM {spec.table} "
            f"WHERE {spec.key} IN (SELECT value FROM json_each(%s))",
            [json.dumps(keys)],
        )
        return {key: (pk, village) for key, pk, village in cursor.fetchall()}


def _sqlite_adapt(spec: _Spec, prepared: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Dates as Django stores them on SQLite (ISO text); everything else is stored as given."""
    if spec is not PEOPLE:
        return prepared
    birth, death = spec.prepared.index("birth_date"), spec.prepared.index("deceased_date")
    adapted = []
    for row in prepared:
        values = list(row)
        values[birth] = values[birth].isoformat()
        if values[death] is not None:
            values[death] = values[death].isoformat()
        adapted.append(tuple(values))
    return adapted


def _sqlite_write(
    spec: _Spec,
    prepared: list[tuple[Any, ...]],
    provenance: str,
    import_run_id: int | None,
    now: datetime.datetime,
) -> tuple[int, int]:
    existing = _sqlite_existing(spec, [row[0] for row in prepared])
    stamp = connection.ops.adapt_datetimefield_value(now)
    meta = (provenance, import_run_id, stamp, stamp)
    placeholders = ", ".join("?" * len(spec.insert_columns))
    sql = (
        f"INSERT INTO {spec.table} ({', '.join(spec.insert_columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT ({spec.key}) DO UPDATE SET {_update_assignments(spec)} "
        f"WHERE {_changed(spec, target=spec.table, distinct='IS NOT')}"
    )
    connection.ensure_connection()
    raw = connection.connection.cursor()  # the sqlite3 cursor: qmark parameters, no per-row wrapping
    try:
        raw.executemany(sql, (row + meta for row in _sqlite_adapt(spec, prepared)))
        changed = raw.rowcount
    finally:
        raw.close()
    inserted = len(prepared) - len(existing)
    if spec is HOUSEHOLDS:
        village = spec.prepared.index("village_id")
        moved = [
            existing[row[0]][0]
            for row in prepared
            if row[0] in existing and existing[row[0]][1] != row[village]
        ]
        _follow_moved_households(moved, now)
    return inserted, changed - inserted
