# ruff: noqa: S608  -- SQL is assembled from whitelisted identifiers and validated numbers; values are params
"""Benefit formulas as data (Program.benefit), validated on save and applied set-based to enrolments.

Shapes::

    {"type": "none"}                                   no money (e.g. a service)
    {"type": "flat", "per_month": 200000}              per family: per_month x months in the period
    {"type": "per_member", "per_month": 42000}         per living member: per_month x months
    {"type": "components", "max_components": 4, "components": [
        {"code": "pregnant", "per_year": 3000000, "when": {"field": "is_pregnant", "op": "=", "value": true}},
        ...]}                                          per family: the best max_components member components,
                                                       per_year x months / 12 (a quarterly stage = 1/4)

A member counts for at most one component (the highest amount it qualifies for); only living members
count; ``when`` is a member condition in the rule language (bansos.programs.rules).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from bansos.core.errors import DomainError
from bansos.programs.rules import PERSON_TABLE, RuleError, compile_member_condition, validate_member_condition


class BenefitError(DomainError):
    code = "programs.benefit_invalid"


def _amount(value: Any, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise BenefitError(_("%(where)s must be a whole number of rupiah, zero or more"), where=where)
    return value


def validate_benefit(benefit: Any) -> None:
    if benefit in (None, {}):
        return
    if not isinstance(benefit, dict) or benefit.get("type") not in (
        "none",
        "flat",
        "per_member",
        "components",
    ):
        raise BenefitError(_("the benefit needs a type: none, flat, per_member or components"))
    kind = benefit["type"]
    expected = {
        "none": {"type"},
        "flat": {"type", "per_month"},
        "per_member": {"type", "per_month"},
        "components": {"type", "max_components", "components"},
    }[kind]
    if set(benefit) != expected:
        raise BenefitError(
            _("a %(type)s benefit has exactly these keys: %(keys)s"),
            type=kind,
            keys=", ".join(sorted(expected)),
        )
    if kind in ("flat", "per_member"):
        _amount(benefit["per_month"], "per_month")
        return
    if kind == "components":
        cap = benefit["max_components"]
        if not isinstance(cap, int) or isinstance(cap, bool) or cap < 1:
            raise BenefitError(_("max_components must be a whole number, 1 or more"))
        components = benefit["components"]
        if not isinstance(components, list) or not components:
            raise BenefitError(_("components must be a non-empty list"))
        codes = set()
        for i, component in enumerate(components):
            where = f"components[{i}]"
            if not isinstance(component, dict) or set(component) != {"code", "per_year", "when"}:
                raise BenefitError(_("%(where)s has exactly these keys: code, per_year, when"), where=where)
            if not isinstance(component["code"], str) or component["code"] in codes:
                raise BenefitError(_("%(where)s needs a unique code"), where=where)
            codes.add(component["code"])
            _amount(component["per_year"], f"{where}.per_year")
            try:
                validate_member_condition(component["when"])
            except RuleError as exc:
                raise BenefitError(
                    _("%(where)s.when: %(problem)s"), where=where, problem=exc.message
                ) from exc


@dataclass(frozen=True)
class BenefitSql:
    """How the enrolment INSERT computes the benefit: an optional subquery joined as ``b`` on household_id
    and the amount and component-count expressions over it."""

    amount: str
    components: str = "0"
    join: str = ""
    params: list[Any] = field(default_factory=list)


def benefit_sql(benefit: dict[str, Any], *, months: int, on: datetime.date) -> BenefitSql:
    """The benefit of one period as SQL, so the enrolment INSERT writes amounts in the same statement."""
    kind = benefit.get("type", "none")
    if kind == "flat":
        return BenefitSql(amount=str(int(benefit["per_month"]) * months))
    if kind == "per_member":
        join = (
            f"SELECT household_id, COUNT(*) AS living FROM {PERSON_TABLE} WHERE deceased_date IS NULL "
            "AND merged_into_id IS NULL GROUP BY household_id"
        )
        return BenefitSql(amount=f"{int(benefit['per_month']) * months} * COALESCE(b.living, 0)", join=join)
    if kind != "components":
        return BenefitSql(amount="0")
    params: list[Any] = []
    whens = []
    for component in sorted(benefit["components"], key=lambda c: -c["per_year"]):
        condition, condition_params = compile_member_condition(component["when"], on=on)
        whens.append(f"WHEN {condition} THEN {int(component['per_year'])}")
        params.extend(condition_params)
    per_member = f"CASE {' '.join(whens)} ELSE 0 END"
    # each living member counts once (its best component); the family keeps its best max_components
    join = f"""
        SELECT household_id, COUNT(*) AS n, SUM(per_year) AS per_year FROM (
            SELECT household_id, per_year,
                   ROW_NUMBER() OVER (PARTITION BY household_id ORDER BY per_year DESC) AS rn
            FROM (
                SELECT p.household_id, {per_member} AS per_year
                FROM {PERSON_TABLE} p WHERE p.deceased_date IS NULL AND p.merged_into_id IS NULL
            ) x WHERE per_year > 0
        ) y WHERE rn <= {int(benefit["max_components"])}
        GROUP BY household_id
    """
    return BenefitSql(
        amount=f"(COALESCE(b.per_year, 0) * {int(months)}) / 12",
        components="COALESCE(b.n, 0)",
        join=join,
        params=params,
    )
