"""The registry's exchange format: two tables, households (one row per KK) and people (one row per NIK).

Import reads it (CSV with a header row, or Parquet with these column names), export writes it, the
synthetic generator produces it. Column order here is the order used in files and in bulk writes.

Typed values (after validation):  str for text and codes, int for counts, bool for flags,
datetime.date for dates, float for the welfare score, None for an empty optional cell.
In CSV, booleans are written 1/0 (true/false, ya/tidak, yes/no also read), dates ISO YYYY-MM-DD.
"""

from __future__ import annotations

HOUSEHOLD_COLUMNS: tuple[str, ...] = (
    "kk",
    "village_code",
    "address",
    "rt",
    "rw",
    "floor_area_m2",
    "floor_type",
    "wall_type",
    "roof_type",
    "water_source",
    "sanitation",
    "lighting",
    "cooking_fuel",
    "tenure",
    "has_motorcycle",
    "has_car",
    "has_refrigerator",
    "has_land",
    "has_livestock",
    "welfare_score",
    "decile",
    "status",
)

PERSON_COLUMNS: tuple[str, ...] = (
    "nik",
    "kk",
    "full_name",
    "sex",
    "birth_date",
    "birth_place",
    "relationship",
    "marital_status",
    "education",
    "schooling",
    "occupation",
    "is_civil_servant",
    "is_military",
    "is_police",
    "disability",
    "chronic_illness",
    "is_pregnant",
    "deceased_date",
)

HOUSEHOLD_BOOL_COLUMNS = frozenset(c for c in HOUSEHOLD_COLUMNS if c.startswith("has_"))
PERSON_BOOL_COLUMNS = frozenset(
    {"is_civil_servant", "is_military", "is_police", "chronic_illness", "is_pregnant"}
)
