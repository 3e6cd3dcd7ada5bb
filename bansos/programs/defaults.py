"""Default programs, rules and PMT weights (seeded by migration 0002; all editable as data afterwards).

Pure data and pure functions only: the seed migration imports this module, so it must not import models.
Amounts: 2025 figures from the design brief (DESIGN.md); PBI-JK premium per Perpres 64/2020; BLT Dana Desa.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any

MONTHS_ID = ["JAN", "FEB", "MAR", "APR", "MEI", "JUN", "JUL", "AGU", "SEP", "OKT", "NOV", "DES"]
BANKS_AND_POS = ["BRI", "BNI", "MANDIRI", "BTN", "POS"]


def _m(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


LIVING = _m("deceased", "=", False)

PKH_BENEFIT: dict[str, Any] = {
    "type": "components",
    "max_components": 4,
    "components": [
        {"code": "pregnant", "per_year": 3_000_000, "when": _m("is_pregnant", "=", True)},
        {"code": "child_0_6", "per_year": 3_000_000, "when": _m("age", "<=", 6)},
        {"code": "sd", "per_year": 900_000, "when": _m("schooling", "=", "sd")},
        {"code": "smp", "per_year": 1_500_000, "when": _m("schooling", "=", "smp")},
        {"code": "sma", "per_year": 2_000_000, "when": _m("schooling", "=", "sma")},
        {"code": "severe_disability", "per_year": 2_400_000, "when": _m("disability", "=", "severe")},
        {"code": "elderly", "per_year": 2_400_000, "when": _m("age", ">=", 60)},
    ],
}
BPNT_BENEFIT: dict[str, Any] = {"type": "flat", "per_month": 200_000}
PBI_JK_BENEFIT: dict[str, Any] = {"type": "per_member", "per_month": 42_000}
BLT_BENEFIT: dict[str, Any] = {"type": "flat", "per_month": 300_000}

PROGRAMS: list[dict[str, Any]] = [
    {
        "code": "PKH",
        "name": "Program Keluarga Harapan",
        "kind": "cash",
        "frequency": "quarterly",
        "channels": BANKS_AND_POS,
        "benefit": PKH_BENEFIT,
    },
    {
        "code": "BPNT",
        "name": "Bantuan Pangan Non-Tunai (Sembako)",
        "kind": "in_kind",
        "frequency": "quarterly",
        "channels": BANKS_AND_POS,
        "benefit": BPNT_BENEFIT,
    },
    {
        "code": "PBI-JK",
        "name": "Penerima Bantuan Iuran Jaminan Kesehatan",
        "kind": "premium_subsidy",
        "frequency": "monthly",
        "channels": [],
        "benefit": PBI_JK_BENEFIT,
    },
    {
        "code": "BLT",
        "name": "Bantuan Langsung Tunai",
        "kind": "cash",
        "frequency": "monthly",
        "channels": ["POS"],
        "benefit": BLT_BENEFIT,
    },
]


def _living_member(*conditions: dict[str, Any]) -> dict[str, Any]:
    return {"any_member": {"all": [LIVING, *conditions]}}


def _occupation(*values: str) -> dict[str, Any]:
    return _m("occupation", "in", list(values))


def _or_flag(ground: str, rule: dict[str, Any]) -> dict[str, Any]:
    return {"any": [rule, {"flag": ground}]}


# The 15 exclusion grounds (DESIGN.md): reason code, name, rule. Occupation-based grounds look at living
# members (a whole KK is excluded when one member is ASN/TNI/Polri, pensioners too); grounds with no
# registry column are household flags written by cross-checks and field verification. Deceased and
# ASN/TNI/Polri also hold when the household carries the flag a cross-check raised (bansos.linkage).
EXCLUSIONS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "deceased",
        "Every member of the family has died",
        _or_flag(
            "deceased",
            {"all": [{"any_member": _m("deceased", "=", True)}, {"not": {"any_member": LIVING}}]},
        ),
    ),
    (
        "civil_servant",
        "A family member is a civil servant (ASN)",
        _or_flag(
            "civil_servant",
            _living_member({"any": [_m("is_civil_servant", "=", True), _occupation("civil_servant")]}),
        ),
    ),
    (
        "military",
        "A family member is TNI",
        _or_flag(
            "military", _living_member({"any": [_m("is_military", "=", True), _occupation("military")]})
        ),
    ),
    (
        "police",
        "A family member is Polri",
        _or_flag("police", _living_member({"any": [_m("is_police", "=", True), _occupation("police")]})),
    ),
    ("pensioner", "A family member is an ASN/TNI/Polri pensioner", _living_member(_occupation("pensioner"))),
    (
        "village_official",
        "A family member is a village official",
        _living_member(_occupation("village_official")),
    ),
    ("state_budget_paid", "Paid from the state budget (cross-check)", {"flag": "state_budget_paid"}),
    ("certified_teacher", "A family member is a certified teacher", _living_member(_occupation("teacher"))),
    ("health_worker", "A family member is a health worker", _living_member(_occupation("health_worker"))),
    (
        "company_officer",
        "A family member owns or runs a company",
        _living_member(_occupation("entrepreneur")),
    ),
    (
        "income_above_minimum_wage",
        "Income above the regional minimum wage (cross-check)",
        {"flag": "income_above_minimum_wage"},
    ),
    ("refused_aid", "The family refused the aid", {"flag": "refused_aid"}),
    ("duplicate", "Duplicate record", {"flag": "duplicate"}),
    ("address_not_found", "Address not found in verification", {"flag": "address_not_found"}),
    ("person_not_found", "Person not found in verification", {"flag": "person_not_found"}),
]


def _decile_at_most(n: int) -> tuple[str, str, dict[str, Any]]:
    return ("decile", f"Welfare decile 1-{n}", _m("household.decile", "<=", n))


PKH_HAS_COMPONENT = {
    "any_member": {"all": [LIVING, {"any": [c["when"] for c in PKH_BENEFIT["components"]]}]},
}

ELIGIBILITY: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "PKH": [
        _decile_at_most(4),
        ("no_component", "At least one member in a PKH component", PKH_HAS_COMPONENT),
    ],
    "BPNT": [_decile_at_most(4)],
    "PBI-JK": [_decile_at_most(5)],
    "BLT": [_decile_at_most(4)],
}


def plan_periods(frequency: str, year: int) -> list[dict[str, Any]]:
    """Stages of one year: quarterly -> JAN-MAR ... OKT-DES; monthly -> JAN ... DES; yearly -> JAN-DES."""
    span = {"monthly": 1, "quarterly": 3, "yearly": 12}[frequency]
    periods = []
    for stage, first in enumerate(range(1, 13, span), start=1):
        last = first + span - 1
        starts = datetime.date(year, first, 1)
        ends = datetime.date(year, last, calendar.monthrange(year, last)[1])
        label = MONTHS_ID[first - 1] if span == 1 else f"{MONTHS_ID[first - 1]}-{MONTHS_ID[last - 1]}"
        periods.append({"stage": stage, "starts_on": starts, "ends_on": ends, "label": f"{label} {year}"})
    return periods


DEFAULT_PMT_VERSION = "pmt-2026.1"
DEFAULT_PMT_WEIGHTS: dict[str, Any] = {
    "intercept": 0.0,
    "household": {
        "floor_type": {"earth": -0.6, "bamboo": -0.4, "cement": 0.0, "tile": 0.4, "marble": 0.8},
        "wall_type": {"bamboo": -0.5, "wood": -0.3, "unplastered": -0.1, "plastered": 0.2},
        "roof_type": {"thatch": -0.5, "zinc": -0.1, "tile": 0.1, "concrete": 0.4},
        "water_source": {"surface": -0.5, "well": -0.2, "pump": 0.0, "piped": 0.2, "bottled": 0.3},
        "sanitation": {"none": -0.5, "shared": -0.2, "own": 0.2},
        "lighting": {"none": -0.6, "non_pln": -0.4, "pln_450": -0.2, "pln_900": 0.1, "pln_1300": 0.5},
        "cooking_fuel": {"wood": -0.4, "kerosene": -0.2, "lpg_3kg": 0.0, "lpg_large": 0.4},
        "tenure": {"owned": 0.1, "rented": 0.0, "family": -0.1, "other": -0.2},
        "has_motorcycle": 0.3,
        "has_car": 1.2,
        "has_refrigerator": 0.4,
        "has_land": 0.2,
        "has_livestock": 0.2,
        "floor_area_m2": 0.004,
    },
    "members": {
        "size": -0.12,
        "dependency_ratio": -0.4,
        "working": 0.25,
        "chronic_illness": -0.15,
        "severe_disability": -0.3,
        "head_education": {"none": -0.4, "sd": -0.2, "smp": 0.0, "sma": 0.2, "diploma": 0.5, "bachelor": 0.7},
        "head_occupation": {
            "none": -0.3,
            "farmer": -0.2,
            "fisher": -0.2,
            "labourer": -0.2,
            "trader": 0.1,
            "private": 0.3,
            "civil_servant": 0.6,
            "military": 0.5,
            "police": 0.5,
            "village_official": 0.3,
            "teacher": 0.4,
            "health_worker": 0.4,
            "entrepreneur": 0.6,
            "pensioner": 0.3,
        },
    },
}
