# ruff: noqa: S608  -- SQL is assembled from whitelisted identifiers and validated numbers; values are params
"""Welfare ranking: a configurable proxy-means test and national deciles, set-based.

Weights (PmtModel.weights)::

    {"intercept": 0.0,
     "household": {"floor_type": {"earth": -0.6, ...},   categorical: added for that value
                   "has_car": 1.2,                         yes/no: added when true
                   "floor_area_m2": 0.004},                number: coefficient x value (empty = 0)
     "members":   {"size": -0.12, "dependency_ratio": -0.4, "working": 0.25, "chronic_illness": -0.15,
                   "severe_disability": -0.3,               coefficients on living-member aggregates
                   "head_education": {...}, "head_occupation": {...}}}   categorical, of the head

A higher score means better off; decile 1 is the poorest tenth of active households nationally.

``ranking_run`` is ONE UPDATE: member aggregates (one GROUP BY over people) are joined to households,
the score is a CASE expression built from the weights (a regency with its own active model uses it,
everyone else the national model), and NTILE(10) OVER (ORDER BY score, id) gives the decile, all in an
``UPDATE ... FROM (subquery)`` that SQLite (3.33+) and PostgreSQL both run. A second statement clears the
score of households that left the registry.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.core.audit import Actor, actor_label, record
from bansos.core.errors import DomainError
from bansos.programs.models import PmtModel, RankingRun
from bansos.programs.rules import HOUSEHOLD_TABLE, PERSON_TABLE, _years_before
from bansos.registry.models import Household, Person

HOUSEHOLD_CATEGORICAL = (
    "floor_type", "wall_type", "roof_type", "water_source", "sanitation", "lighting", "cooking_fuel",
    "tenure",
)  # fmt: skip
HOUSEHOLD_BOOLEAN = ("has_motorcycle", "has_car", "has_refrigerator", "has_land", "has_livestock")
HOUSEHOLD_NUMBER = ("floor_area_m2",)
MEMBER_NUMBER = ("size", "dependency_ratio", "working", "chronic_illness", "severe_disability")
MEMBER_CATEGORICAL = {"head_education": "education", "head_occupation": "occupation"}


class PmtError(DomainError):
    code = "programs.pmt_invalid"


def _number(value: Any, where: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise PmtError(_("weight %(where)s must be a number"), where=where)
    return float(value)


def _choices(model: Any, name: str) -> set[str]:
    return {str(v) for v, _label in model._meta.get_field(name).choices if v}


def validate_weights(weights: Any) -> None:
    if not isinstance(weights, dict) or not set(weights) <= {"intercept", "household", "members"}:
        raise PmtError(_("weights have the keys intercept, household and members"))
    _number(weights.get("intercept", 0), "intercept")
    household = weights.get("household", {})
    members = weights.get("members", {})
    if not isinstance(household, dict) or not isinstance(members, dict):
        raise PmtError(_("household and members weights are objects"))
    groups: list[tuple[str, dict, tuple[str, ...], dict[str, set[str]]]] = [
        (
            "household",
            household,
            HOUSEHOLD_BOOLEAN + HOUSEHOLD_NUMBER,
            {name: _choices(Household, name) for name in HOUSEHOLD_CATEGORICAL},
        ),
        (
            "members",
            members,
            MEMBER_NUMBER,
            {name: _choices(Person, column) for name, column in MEMBER_CATEGORICAL.items()},
        ),
    ]
    for group, values, scalars, categoricals in groups:
        for name, weight in values.items():
            where = f"{group}.{name}"
            if name in scalars:
                _number(weight, where)
            elif name in categoricals:
                if not isinstance(weight, dict):
                    raise PmtError(_("weight %(where)s must map values to numbers"), where=where)
                for value, number in weight.items():
                    if value not in categoricals[name]:
                        raise PmtError(
                            _("unknown value '%(value)s' for %(where)s (known: %(known)s)"),
                            value=value,
                            where=where,
                            known=", ".join(sorted(categoricals[name])),
                        )
                    _number(number, f"{where}.{value}")
            else:
                raise PmtError(
                    _("unknown attribute %(where)s (known: %(known)s)"),
                    where=where,
                    known=", ".join(sorted([*scalars, *categoricals])),
                )


def _lit(value: float) -> str:
    # PostgreSQL types a decimal literal as numeric (slow arithmetic, slow sort): make it float8
    text = repr(float(value))
    return f"{text}::float8" if connection.vendor == "postgresql" else text


def _case(column: str, mapping: dict[str, Any]) -> str:
    # values are validated choices (identifier-like strings), safe to inline as literals
    whens = " ".join(f"WHEN '{value}' THEN {_lit(weight)}" for value, weight in sorted(mapping.items()))
    return f"(CASE {column} {whens} ELSE {_lit(0.0)} END)"


def score_expression(weights: dict[str, Any]) -> str:
    """SQL expression of the score over household alias ``h`` and member aggregates alias ``a``."""
    validate_weights(weights)
    terms = [_lit(weights.get("intercept", 0.0))]
    for name, weight in sorted(weights.get("household", {}).items()):
        if name in HOUSEHOLD_CATEGORICAL:
            terms.append(_case(f"h.{name}", weight))
        elif name in HOUSEHOLD_BOOLEAN:
            terms.append(f"(CASE WHEN h.{name} THEN {_lit(weight)} ELSE {_lit(0.0)} END)")
        else:
            terms.append(f"(COALESCE(h.{name}, 0) * {_lit(weight)})")
    for name, weight in sorted(weights.get("members", {}).items()):
        if name in MEMBER_CATEGORICAL:
            terms.append(_case(f"a.head_{MEMBER_CATEGORICAL[name]}", weight))
        elif name == "dependency_ratio":
            ratio = (
                f"(COALESCE(a.dependants, 0) * {_lit(1.0)} / "
                "(CASE WHEN COALESCE(a.size, 0) - COALESCE(a.dependants, 0) > 0 "
                "THEN COALESCE(a.size, 0) - COALESCE(a.dependants, 0) ELSE 1 END))"
            )
            terms.append(f"({ratio} * {_lit(weight)})")
        else:
            terms.append(f"(COALESCE(a.{name}, 0) * {_lit(weight)})")
    return " + ".join(terms)


def member_aggregates_sql(on: datetime.date) -> tuple[str, list[Any]]:
    """One pass over people: living members, dependants (under 15 or 65+), working, ill, disabled, and the
    head's education and occupation, per household."""
    under_15 = _years_before(on, 15)
    over_65 = _years_before(on, 65)
    living = "deceased_date IS NULL"
    sql = f"""
        SELECT household_id,
            SUM(CASE WHEN {living} THEN 1 ELSE 0 END) AS size,
            SUM(CASE WHEN {living} AND (birth_date > %s OR birth_date <= %s) THEN 1 ELSE 0 END) AS dependants,
            SUM(CASE WHEN {living} AND occupation NOT IN ('', 'none', 'school', 'household', 'pensioner')
                THEN 1 ELSE 0 END) AS working,
            SUM(CASE WHEN {living} AND chronic_illness THEN 1 ELSE 0 END) AS chronic_illness,
            SUM(CASE WHEN {living} AND disability = 'severe' THEN 1 ELSE 0 END) AS severe_disability,
            MAX(CASE WHEN relationship = 'head' THEN education END) AS head_education,
            MAX(CASE WHEN relationship = 'head' THEN occupation END) AS head_occupation
        FROM {PERSON_TABLE} GROUP BY household_id
    """
    return sql, [under_15, over_65]


def ranking_statement(
    national: dict[str, Any], regional: dict[str, dict[str, Any]], *, on: datetime.date
) -> tuple[str, list[Any]]:
    """The single UPDATE that scores every active household and assigns national deciles."""
    score = score_expression(national)
    if regional:
        whens = " ".join(
            f"WHEN '{code}' THEN ({score_expression(weights)})" for code, weights in sorted(regional.items())
        )
        score = f"(CASE SUBSTR(h.village_id, 1, 4) {whens} ELSE ({score}) END)"
    aggregates, params = member_aggregates_sql(on)
    # rows whose score and decile are unchanged are not rewritten (no dead tuples, no index churn)
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    sql = f"""
        UPDATE {HOUSEHOLD_TABLE} SET welfare_score = r.score, decile = r.decile
        FROM (
            SELECT id, score, NTILE(10) OVER (ORDER BY score, id) AS decile FROM (
                SELECT h.id AS id, {score} AS score
                FROM {HOUSEHOLD_TABLE} h LEFT JOIN ({aggregates}) a ON a.household_id = h.id
                WHERE h.status = 'active'
            ) s
        ) r
        WHERE {HOUSEHOLD_TABLE}.id = r.id
          AND ({HOUSEHOLD_TABLE}.welfare_score {differs} r.score
               OR {HOUSEHOLD_TABLE}.decile {differs} r.decile)
    """
    return sql, params


def active_models(model: PmtModel | None = None) -> tuple[PmtModel, dict[str, PmtModel]]:
    national = model or PmtModel.objects.filter(active=True, regency__isnull=True).first()
    if national is None:
        raise PmtError(_("There is no active national PMT model."), code="programs.pmt_missing")
    regional = {
        m.regency_id: m for m in PmtModel.objects.filter(active=True, regency__isnull=False) if m.regency_id
    }
    return national, regional


def batch_work_mem() -> str:
    """Memory for the sorts and hashes of one batch statement (PostgreSQL), BANSOS_BATCH_WORK_MEM."""
    return str(getattr(settings, "BANSOS_BATCH_WORK_MEM", "256MB"))


def ranking_run(
    *, actor: Actor, model: PmtModel | None = None, on: datetime.date | None = None
) -> RankingRun:
    """Score every active household and assign deciles 1-10 nationally; record the run."""
    national, regional = active_models(model)
    on = on or timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic():
        run = RankingRun.objects.create(
            model_version=national.version,
            regional_versions={code: m.version for code, m in sorted(regional.items())},
            actor_label=actor_label(actor),
        )
        sql, params = ranking_statement(national.weights, {c: m.weights for c, m in regional.items()}, on=on)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # the window sort fits in memory; planner stats follow
                cursor.execute("SELECT set_config('work_mem', %s, true)", [batch_work_mem()])
            cursor.execute(sql, params)
            run.households_changed = max(cursor.rowcount, 0)
            cursor.execute(f"SELECT COUNT(*) FROM {HOUSEHOLD_TABLE} WHERE status = 'active'")
            run.households_ranked = cursor.fetchone()[0]
            cursor.execute(
                f"UPDATE {HOUSEHOLD_TABLE} SET welfare_score = NULL, decile = NULL "
                "WHERE status <> 'active' AND (decile IS NOT NULL OR welfare_score IS NOT NULL)"
            )
            run.households_cleared = max(cursor.rowcount, 0)
            cursor.execute(
                f"SELECT decile, COUNT(*) FROM {HOUSEHOLD_TABLE} WHERE decile IS NOT NULL GROUP BY decile"
            )
            run.decile_counts = {str(d): n for d, n in sorted(cursor.fetchall())}
            if connection.vendor == "postgresql":
                cursor.execute(f"ANALYZE {HOUSEHOLD_TABLE}")  # eligibility plans depend on the deciles
        run.status = RankingRun.Status.COMPLETED
        run.finished_at = timezone.now()
        run.seconds = round(time.perf_counter() - started, 3)
        run.save()
        record(
            actor=actor,
            event_type="programs.ranking_run",
            subject=run,
            details={
                "model": national.version,
                "regional_models": run.regional_versions,
                "ranked": run.households_ranked,
                "changed": run.households_changed,
                "cleared": run.households_cleared,
            },
        )
    return run
