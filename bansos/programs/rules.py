# ruff: noqa: S608  -- SQL is assembled from whitelisted identifiers and validated numbers; values are params
"""The eligibility rule language: JSON stored in the database, validated on save, compiled to SQL.

Grammar (a node is a JSON object with exactly one of these shapes)::

    {"all": [node, ...]}                      every node holds (non-empty list)
    {"any": [node, ...]}                      at least one node holds (non-empty list)
    {"not": node}                             the node does not hold
    {"field": F, "op": OP, "value": V}        comparison on a household field ("household.decile")
    {"any_member": member_node}               at least one member of the family satisfies member_node
    {"flag": GROUND}                          the household carries an active flag (HouseholdFlag)

Inside ``any_member`` the same all/any/not/comparison shapes apply to member fields ("age",
"occupation", "is_civil_servant", "deceased", ...); ``any_member`` and ``flag`` cannot nest there.
Operators: = != < <= > >= in not_in (``in``/``not_in`` take a non-empty list; booleans and region codes
take = != in not_in only; numbers take every comparison, ``age`` no lists). Values are checked against the
field's type and choices. A comparison on an empty (NULL) field is false, and ``not`` of it true.
Members merged into another record (Person.merged_into, bansos.linkage) are not members here.

``compile_rule`` produces a WHERE fragment over the household alias ``h`` and its parameters (``%s``
placeholders, for a Django cursor). ``age`` compares the birth date with the reference date (the start of
the period), so it uses plain date comparisons that work on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from bansos.core.errors import DomainError
from bansos.programs.models import Ground, HouseholdFlag
from bansos.registry.models import Household, Person

HOUSEHOLD_TABLE = Household._meta.db_table
PERSON_TABLE = Person._meta.db_table
FLAG_TABLE = HouseholdFlag._meta.db_table

COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
LIST_OPS = ("in", "not_in")
SQL_OPS = {"=": "=", "!=": "<>", "<": "<", "<=": "<=", ">": ">", ">=": ">="}


class RuleError(DomainError):
    code = "programs.rule_invalid"


@dataclass(frozen=True)
class Field:
    kind: str  # "int", "float", "bool", "choice", "region", "age"
    sql: str  # column expression
    choices: tuple[str, ...] = ()
    nullable: bool = False
    length: int = 0  # region code length


def _choices(model: Any, name: str) -> tuple[str, ...]:
    return tuple(str(value) for value, _label in model._meta.get_field(name).choices)


HOUSEHOLD_FIELDS: dict[str, Field] = {
    "household.decile": Field("int", "h.decile", nullable=True),
    "household.welfare_score": Field("float", "h.welfare_score", nullable=True),
    "household.floor_area_m2": Field("int", "h.floor_area_m2", nullable=True),
    "household.members": Field(
        "int",
        f"(SELECT COUNT(*) FROM {PERSON_TABLE} m"
        " WHERE m.household_id = h.id AND m.deceased_date IS NULL AND m.merged_into_id IS NULL)",
    ),
    "household.province": Field("region", "SUBSTR(h.village_id, 1, 2)", length=2),
    "household.regency": Field("region", "SUBSTR(h.village_id, 1, 4)", length=4),
    "household.district": Field("region", "SUBSTR(h.village_id, 1, 6)", length=6),
    "household.village": Field("region", "h.village_id", length=10),
    **{
        f"household.{name}": Field("choice", f"h.{name}", _choices(Household, name))
        for name in (
            "floor_type", "wall_type", "roof_type", "water_source", "sanitation", "lighting",
            "cooking_fuel", "tenure",
        )
    },
    **{
        f"household.{name}": Field("bool", f"h.{name}")
        for name in ("has_motorcycle", "has_car", "has_refrigerator", "has_land", "has_livestock")
    },
}  # fmt: skip

MEMBER_FIELDS: dict[str, Field] = {
    "age": Field("age", "p.birth_date"),
    "deceased": Field("bool", "(p.deceased_date IS NOT NULL)"),
    **{
        name: Field("choice", f"p.{name}", _choices(Person, name))
        for name in (
            "sex", "relationship", "marital_status", "education", "schooling", "occupation", "disability",
        )
    },
    **{
        name: Field("bool", f"p.{name}")
        for name in ("is_civil_servant", "is_military", "is_police", "chronic_illness", "is_pregnant")
    },
}  # fmt: skip


def _fail(message: Any, where: str, **params: Any) -> RuleError:
    return RuleError(message, where=where or "the top level", **params)


def _child(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def _validate_value(field_name: str, field: Field, op: str, value: Any, where: str) -> None:
    allowed: tuple[str, ...] = COMPARISONS + LIST_OPS
    if field.kind in ("bool", "choice", "region"):
        allowed = ("=", "!=", *LIST_OPS)
    elif field.kind == "age":
        allowed = COMPARISONS
    if op not in allowed:
        raise _fail(
            _("operator '%(op)s' is not allowed for field '%(field)s' at %(where)s (use one of: %(ops)s)"),
            where,
            op=op,
            field=field_name,
            ops=" ".join(allowed),
        )
    values = value if op in LIST_OPS else [value]
    if op in LIST_OPS and (not isinstance(value, list) or not value):
        raise _fail(_("operator '%(op)s' needs a non-empty list of values at %(where)s"), where, op=op)
    for item in values:
        ok = True
        if field.kind == "bool":
            ok = isinstance(item, bool)
        elif field.kind in ("int", "age"):
            ok = isinstance(item, int) and not isinstance(item, bool) and item >= 0
        elif field.kind == "float":
            ok = isinstance(item, int | float) and not isinstance(item, bool)
        elif field.kind == "choice":
            ok = isinstance(item, str) and item in field.choices
        elif field.kind == "region":
            ok = isinstance(item, str) and item.isdigit() and len(item) == field.length
        if not ok:
            raise _fail(
                _("value %(value)s does not fit field '%(field)s' at %(where)s (expected %(expected)s)"),
                where,
                value=repr(item),
                field=field_name,
                expected=_expected(field),
            )


def _expected(field: Field) -> str:
    if field.kind == "choice":
        return "one of: " + ", ".join(c for c in field.choices if c)
    if field.kind == "region":
        return f"a {field.length}-digit region code"
    return {"bool": "true or false", "int": "a whole number", "age": "a whole number", "float": "a number"}[
        field.kind
    ]


def _validate(node: Any, where: str, member: bool) -> None:
    if not isinstance(node, dict):
        raise _fail(_("expected an object at %(where)s"), where)
    keys = set(node)
    if keys == {"field", "op", "value"}:
        fields = MEMBER_FIELDS if member else HOUSEHOLD_FIELDS
        name = node["field"]
        if not isinstance(name, str) or name not in fields:
            hint = "member fields" if member else "household fields"
            raise _fail(
                _("unknown field '%(field)s' at %(where)s (known %(kind)s: %(known)s)"),
                where,
                field=name,
                kind=hint,
                known=", ".join(sorted(fields)),
            )
        if node["op"] not in COMPARISONS + LIST_OPS:
            raise _fail(_("unknown operator '%(op)s' at %(where)s"), where, op=node["op"])
        _validate_value(name, fields[name], node["op"], node["value"], where)
        return
    if len(keys) != 1:
        raise _fail(
            _("expected one of all, any, not, any_member, flag or field/op/value at %(where)s"),
            where,
        )
    (key,) = keys
    inner = node[key]
    if key in ("all", "any"):
        if not isinstance(inner, list) or not inner:
            raise _fail(_("'%(key)s' needs a non-empty list at %(where)s"), where, key=key)
        for i, item in enumerate(inner):
            _validate(item, f"{_child(where, key)}[{i}]", member)
    elif key == "not":
        _validate(inner, _child(where, "not"), member)
    elif key == "any_member" and not member:
        _validate(inner, _child(where, "any_member"), True)
    elif key == "flag" and not member:
        if inner not in Ground.values:
            raise _fail(_("unknown flag '%(flag)s' at %(where)s"), where, flag=inner)
    elif key in ("any_member", "flag"):
        raise _fail(_("'%(key)s' cannot be used inside any_member at %(where)s"), where, key=key)
    else:
        raise _fail(_("unknown key '%(key)s' at %(where)s"), where, key=key)


def validate_rule(rule: Any) -> None:
    """Raise RuleError saying what is wrong and where (e.g. "unknown field 'household.income' at all[1]")."""
    _validate(rule, "", member=False)


def validate_member_condition(condition: Any) -> None:
    """Validate a condition on one member (used by benefit components)."""
    _validate(condition, "", member=True)


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class _Compiler:
    def __init__(self, on: datetime.date, rule_set: RuleSetCompiler | None = None) -> None:
        self.on = on
        self.params: list[Any] = []
        self.rule_set = rule_set

    def node(self, node: dict[str, Any], member: bool) -> str:
        if "all" in node:
            return "(" + " AND ".join(self.node(n, member) for n in node["all"]) + ")"
        if "any" in node:
            return "(" + " OR ".join(self.node(n, member) for n in node["any"]) + ")"
        if "not" in node:
            return f"(NOT {self.node(node['not'], member)})"
        if "any_member" in node and self.rule_set is not None:
            sub = _Compiler(self.on)
            inner = sub.node(node["any_member"], True)
            return f"(COALESCE(a.{self.rule_set.member_column(inner, sub.params)}, 0) = 1)"
        if "any_member" in node:
            inner = self.node(node["any_member"], True)
            return (
                f"EXISTS (SELECT 1 FROM {PERSON_TABLE} p WHERE p.household_id = h.id"
                f" AND p.merged_into_id IS NULL AND {inner})"
            )
        if "flag" in node:
            self.params.extend([node["flag"], True])
            return (
                f"EXISTS (SELECT 1 FROM {FLAG_TABLE} f WHERE f.household_id = h.id AND f.ground = %s"
                " AND f.active = %s)"
            )
        field = (MEMBER_FIELDS if member else HOUSEHOLD_FIELDS)[node["field"]]
        return self.comparison(field, node["op"], node["value"])

    def comparison(self, field: Field, op: str, value: Any) -> str:
        if field.kind == "age":
            return self.age(field.sql, op, int(value))
        if op in LIST_OPS:
            marks = ", ".join(["%s"] * len(value))
            self.params.extend(value)
            sql = f"{field.sql} {'IN' if op == 'in' else 'NOT IN'} ({marks})"
        else:
            self.params.append(value)
            sql = f"{field.sql} {SQL_OPS[op]} %s"
        return f"({field.sql} IS NOT NULL AND {sql})" if field.nullable else f"({sql})"

    def age(self, column: str, op: str, years: int) -> str:
        def at_least(n: int) -> str:  # born on or before the day they turned n
            return self._date(f"{column} <= %s", _years_before(self.on, n))

        def below(n: int) -> str:
            return self._date(f"{column} > %s", _years_before(self.on, n))

        if op == ">=":
            return f"({at_least(years)})"
        if op == ">":
            return f"({at_least(years + 1)})"
        if op == "<":
            return f"({below(years)})"
        if op == "<=":
            return f"({below(years + 1)})"
        same = f"({at_least(years)} AND {below(years + 1)})"
        return same if op == "=" else f"(NOT {same})"

    def _date(self, sql: str, day: datetime.date) -> str:
        self.params.append(day)
        return sql


def compile_rule(rule: Any, *, on: datetime.date) -> tuple[str, list[Any]]:
    """Validate and compile a rule to (WHERE fragment over household alias ``h``, parameters)."""
    validate_rule(rule)
    compiler = _Compiler(on)
    return compiler.node(rule, member=False), compiler.params


def compile_member_condition(condition: Any, *, on: datetime.date) -> tuple[str, list[Any]]:
    """Compile a condition on one member (alias ``p``)."""
    validate_member_condition(condition)
    compiler = _Compiler(on)
    return compiler.node(condition, member=True), compiler.params


class RuleSetCompiler:
    """Compiles several rules for one pass over the household table: every distinct ``any_member``
    condition becomes one column of a single member aggregate (one scan of people, grouped by household)
    instead of one EXISTS subquery per condition. Join it as ``LEFT JOIN (<member_aggregate>) a ON
    a.household_id = h.id``."""

    def __init__(self, *, on: datetime.date) -> None:
        self.on = on
        self._columns: dict[tuple[str, tuple[Any, ...]], str] = {}
        self._conditions: list[tuple[str, list[Any]]] = []

    def member_column(self, sql: str, params: list[Any]) -> str:
        key = (sql, tuple(params))
        if key not in self._columns:
            self._columns[key] = f"m{len(self._conditions)}"
            self._conditions.append((sql, params))
        return self._columns[key]

    def add(self, rule: Any) -> tuple[str, list[Any]]:
        validate_rule(rule)
        compiler = _Compiler(self.on, self)
        return compiler.node(rule, member=False), compiler.params

    def member_aggregate(self) -> tuple[str, list[Any]] | None:
        if not self._conditions:
            return None
        params: list[Any] = []
        columns = []
        for sql, condition_params in self._conditions:
            columns.append(
                f"MAX(CASE WHEN {sql} THEN 1 ELSE 0 END) AS {self._columns[(sql, tuple(condition_params))]}"
            )
            params.extend(condition_params)
        return (
            f"SELECT p.household_id, {', '.join(columns)} FROM {PERSON_TABLE} p"
            " WHERE p.merged_into_id IS NULL GROUP BY p.household_id",
            params,
        )
