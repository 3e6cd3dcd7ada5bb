# ruff: noqa: S608  -- table names come from model metadata; no values are interpolated
"""The registry as a linkage DataFrame: one row per person record that is not merged, identifiers only as
blind indexes (the KK's; NIKs are unique per record and never leave the database in clear).

Columns (the pipeline's input, see bansos.linkage.pipeline): unique_id, name_key, name_sorted,
name_first, birth_date (ISO text), birth_year, sex, village, district, regency, kk (blocking only: family
members share it, so it is no evidence that two records are one person), identifier (a person-level
identifier as a blind index, compared exactly; empty for the registry, where NIKs are unique per record).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from django.db import connection

from bansos.registry.models import Household, Person
from bansos.registry.names import name_key as normalise_name

COLUMNS = [
    "unique_id",
    "name_key",
    "name_sorted",
    "name_first",
    "birth_date",
    "birth_year",
    "sex",
    "village",
    "district",
    "regency",
    "kk",
    "identifier",
]


def add_derived(df: pd.DataFrame) -> pd.DataFrame:
    """Derived columns from name_key, birth_date (ISO text) and village (10-digit code)."""
    keys = df["name_key"].fillna("")
    df["name_sorted"] = [" ".join(sorted(k.split())) for k in keys]
    df["name_first"] = [k.split(" ", 1)[0] for k in keys]
    df["birth_year"] = df["birth_date"].str.slice(0, 4)
    df["district"] = df["village"].str.slice(0, 6)
    df["regency"] = df["village"].str.slice(0, 4)
    for column in (
        "name_key",
        "name_sorted",
        "name_first",
        "birth_date",
        "village",
        "kk",
        "sex",
        "identifier",
    ):
        df[column] = df[column].replace("", None)
    return df


def frame_from_rows(rows: Iterable[tuple[Any, ...]]) -> pd.DataFrame:
    """Rows of (id, name_key, birth_date, sex, village code, kk blind index[, identifier])."""
    records = [tuple(row) if len(row) == 7 else (*row, "") for row in rows]
    df = pd.DataFrame.from_records(
        records, columns=["unique_id", "name_key", "birth_date", "sex", "village", "kk", "identifier"]
    )
    df["birth_date"] = df["birth_date"].astype(str)
    return add_derived(df)[COLUMNS]


def frame_from_names(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """For lists, tests and benchmarks: dicts with unique_id, full name (``name``), birth_date, sex,
    village, kk and optionally identifier."""
    rows = [
        (
            r["unique_id"],
            normalise_name(r.get("name", "")),
            str(r.get("birth_date") or ""),
            r.get("sex", ""),
            r.get("village", ""),
            r.get("kk", ""),
            r.get("identifier", ""),
        )
        for r in records
    ]
    return frame_from_rows(rows)


def registry_frame() -> pd.DataFrame:
    """Every person record not merged into another, in active or moved households."""
    sql = f"""
        SELECT p.id, p.name_key, p.birth_date, p.sex, p.village_id, h.kk_index
        FROM {Person._meta.db_table} p JOIN {Household._meta.db_table} h ON h.id = p.household_id
        WHERE p.merged_into_id IS NULL AND h.status IN ('active', 'moved')
    """
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql)
        while chunk := cursor.fetchmany(50_000):
            rows.extend(chunk)
    return frame_from_rows(rows)
