"""Probabilistic duplicates with Splink (Fellegi-Sunter): comparisons, blocking, training and prediction.

Input: a DataFrame of bansos.linkage.frame.COLUMNS (identifiers as blind indexes only). Backend: DuckDB
embedded by default; Spark when ``LINKAGE_BACKEND=spark`` (or ``backend="spark"``) for national scale —
pyspark is imported only then and is not a dependency of the project (install ``splink[spark]`` and give a
SparkSession through ``spark=``).

Comparisons (each level's m/u probabilities are learnt):
* name: normalised key (bansos.registry.names: Muhammad/Moh./M., Siti/Sitti, doubled letters, old spelling
  folded) exact; same words in another order; Jaro-Winkler >= 0.95 / 0.88 on the key and on the sorted key.
* birth date: exact; one edit (typo, transposed digits); day and month swapped; within 31 days; same year.
* sex: exact. Region: same village; same district; same regency. Identifier (blind index): exact, when the
  input has one (external lists, benchmarks); the KK is used for blocking only: family members share it,
  so equal KKs are no evidence of one person (an early model that compared it scored spouses as duplicates).

Blocking rules (pairs are compared only when one holds) keep a national run bounded. Name-key prefix (3
letters; also of the sorted words) with the birth month anywhere in the country, or with the birth year in
the same regency; birth date + village; village + birth year; sorted name + district; same KK. For
1,000,000 synthetic people that is about 14 million pairs (the plain "prefix + birth year" rule alone
would be 69 million: MUHAMMAD and SITI make huge blocks), within DuckDB's memory on a 2-core, 24 GB
machine (bench/linkage.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext_noop

DEFAULT_THRESHOLD = 0.5


def _splink() -> Any:
    import splink

    return splink


def comparisons() -> list[Any]:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    name = cl.CustomComparison(
        output_column_name="name",
        comparison_levels=[
            cll.NullLevel("name_key"),
            cll.ExactMatchLevel("name_key").configure(tf_adjustment_column="name_key", m_probability=0.7),
            cll.ExactMatchLevel("name_sorted").configure(m_probability=0.06),
            cll.JaroWinklerLevel("name_key", 0.95).configure(m_probability=0.09),
            cll.JaroWinklerLevel("name_sorted", 0.95).configure(m_probability=0.03),
            cll.JaroWinklerLevel("name_key", 0.88).configure(m_probability=0.06),
            cll.JaroWinklerLevel("name_sorted", 0.88).configure(m_probability=0.02),
            cll.ElseLevel().configure(m_probability=0.04),
        ],
        comparison_description="normalised name",
    )
    swapped = (
        "SUBSTR(birth_date_l, 1, 4) = SUBSTR(birth_date_r, 1, 4)"
        " AND SUBSTR(birth_date_l, 6, 2) = SUBSTR(birth_date_r, 9, 2)"
        " AND SUBSTR(birth_date_l, 9, 2) = SUBSTR(birth_date_r, 6, 2)"
    )
    birth = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_date"),
            cll.ExactMatchLevel("birth_date").configure(m_probability=0.8),
            cll.DamerauLevenshteinLevel("birth_date", 1).configure(m_probability=0.06),
            cll.CustomLevel(swapped, label_for_charts="day and month swapped").configure(m_probability=0.02),
            cll.AbsoluteDateDifferenceLevel(
                "birth_date", input_is_string=True, threshold=31, metric="day"
            ).configure(m_probability=0.06),
            cll.ExactMatchLevel("birth_year").configure(m_probability=0.03),
            cll.ElseLevel().configure(m_probability=0.03),
        ],
        comparison_description="birth date",
    )
    region = cl.CustomComparison(
        output_column_name="region",
        comparison_levels=[
            cll.NullLevel("village"),
            cll.ExactMatchLevel("village").configure(m_probability=0.75),
            cll.ExactMatchLevel("district").configure(m_probability=0.12),
            cll.ExactMatchLevel("regency").configure(m_probability=0.06),
            cll.ElseLevel().configure(m_probability=0.07),
        ],
        comparison_description="village, district, regency",
    )
    sex = cl.ExactMatch("sex").configure(m_probabilities=[0.97, 0.03])
    identifier = cl.ExactMatch("identifier").configure(m_probabilities=[0.9, 0.1])
    return [name, birth, sex, region, identifier]


def blocking_rules() -> list[Any]:
    from splink import block_on

    return [
        block_on("substr(name_key, 1, 3)", "substr(birth_date, 1, 7)"),
        block_on("substr(name_sorted, 1, 3)", "substr(birth_date, 1, 7)"),
        block_on("substr(name_key, 1, 3)", "birth_year", "regency"),
        block_on("substr(name_sorted, 1, 3)", "birth_year", "regency"),
        block_on("birth_date", "village"),
        block_on("village", "birth_year"),
        block_on("name_sorted", "district"),
        block_on("kk"),
    ]


def settings_creator(link_type: str = "dedupe_only") -> Any:
    splink = _splink()
    return splink.SettingsCreator(
        link_type=link_type,
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        retain_intermediate_calculation_columns=True,  # gamma_* levels: the evidence shown to reviewers
        retain_matching_columns=True,
    )


def backend_name(backend: str | None = None) -> str:
    return str(backend or getattr(settings, "LINKAGE_BACKEND", "duckdb"))


def db_api(backend: str | None = None, spark: Any = None) -> Any:
    """The Splink database API: DuckDB in-process (memory limit from LINKAGE_DUCKDB_MEMORY, temporary files
    under var/linkage/tmp), or Spark (lazy import)."""
    if backend_name(backend) == "spark":
        from splink.backends.spark import SparkAPI  # pragma: no cover - needs pyspark

        if spark is None:  # pragma: no cover
            from pyspark.sql import SparkSession

            spark = SparkSession.builder.getOrCreate()
        return SparkAPI(spark_session=spark)  # pragma: no cover
    import duckdb
    from splink import DuckDBAPI

    tmp = Path(settings.VAR_DIR) / "linkage" / "tmp"
    tmp.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"SET temp_directory = '{tmp}'")
    memory = getattr(settings, "LINKAGE_DUCKDB_MEMORY", "")
    if memory:
        con.execute(f"SET memory_limit = '{memory}'")
    return DuckDBAPI(connection=con)


@dataclass
class Trained:
    settings: dict[str, Any]
    records: int


def _linker(df: pd.DataFrame, model: Any, backend: str | None, spark: Any = None) -> Any:
    splink = _splink()
    return splink.Linker(df, model, db_api(backend, spark))


def train(
    df: pd.DataFrame,
    *,
    backend: str | None = None,
    spark: Any = None,
    max_pairs: float = 2e6,
    seed: int = 1,
    em: bool | None = None,
) -> Trained:
    """Learn u by random sampling, the prior from deterministic rules, m by EM (two blocking passes, each
    leaving some comparisons free). EM needs duplicates in the data to learn from; on a registry with
    almost none (or a small test registry) ``em=False`` (setting LINKAGE_TRAIN_EM) keeps the m priors
    declared in :func:`comparisons`."""
    from splink import block_on
    from splink.internals.exceptions import EMTrainingException

    linker = _linker(df, settings_creator(), backend, spark)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_key", "birth_date"), block_on("name_sorted", "birth_date", "village")], recall=0.8
    )
    obj = linker._settings_obj  # pinned splink: the prior is not exposed otherwise
    if not obj._probability_two_random_records_match:
        # no deterministic matches (a clean registry): assume about 1% of records have a duplicate
        obj._probability_two_random_records_match = min(0.5, 0.02 / max(len(df), 2))
    prior = obj._probability_two_random_records_match
    linker.training.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    em = em if em is not None else bool(getattr(settings, "LINKAGE_TRAIN_EM", True))
    # EM passes whose blocks hold duplicates next to many non-duplicates that the free comparisons
    # separate: same birth date and village (name, sex, KK free), same sorted name and district (birth
    # date, sex, KK and village-vs-district free). Levels a pass cannot see keep their priors.
    passes = (block_on("birth_date", "village"),)
    for rule in passes if em else ():
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except EMTrainingException:  # no pairs under this rule: keep the priors for its comparisons
            continue
    obj._probability_two_random_records_match = prior  # EM's in-block rate is not the global prior
    model = linker.misc.save_model_to_json(None)
    return Trained(settings=model, records=len(df))


def predict(
    df: pd.DataFrame,
    model: dict[str, Any],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    backend: str | None = None,
    spark: Any = None,
) -> pd.DataFrame:
    """Scored pairs above ``threshold`` (match probability): unique_id_l, unique_id_r, match_probability,
    match_weight and the comparison levels gamma_<comparison>."""
    linker = _linker(df, json.loads(json.dumps(model)), backend, spark)
    result = linker.inference.predict(threshold_match_probability=threshold)
    frame = result.as_pandas_dataframe()
    keep = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
    keep += [c for c in frame.columns if c.startswith("gamma_")]
    return frame[keep]


LEVELS: dict[str, dict[int, str]] = {
    "name": {
        6: gettext_noop("exact"),
        5: gettext_noop("same words, other order"),
        4: gettext_noop("very similar"),
        3: gettext_noop("very similar (other order)"),
        2: gettext_noop("similar"),
        1: gettext_noop("similar (other order)"),
        0: gettext_noop("different"),
        -1: gettext_noop("missing"),
    },
    "birth_date": {
        5: gettext_noop("exact"),
        4: gettext_noop("one digit apart"),
        3: gettext_noop("day and month swapped"),
        2: gettext_noop("within a month"),
        1: gettext_noop("same year"),
        0: gettext_noop("different"),
    },
    "sex": {1: gettext_noop("same"), 0: gettext_noop("different")},
    "region": {
        3: gettext_noop("same village"),
        2: gettext_noop("same district"),
        1: gettext_noop("same regency"),
        0: gettext_noop("different"),
    },
    "identifier": {1: gettext_noop("same identifier"), 0: gettext_noop("different identifier")},
}


def evidence(row: dict[str, Any]) -> dict[str, str]:
    """Comparison levels of one scored pair in words (no values: the page shows them masked as needed)."""
    out: dict[str, str] = {}
    for name, labels in LEVELS.items():
        gamma = row.get(f"gamma_{name}")
        if gamma is None or pd.isna(gamma):
            continue
        out[name] = labels.get(int(gamma), "missing")
    return out
