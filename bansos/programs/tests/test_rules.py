# ruff: noqa: E501
import datetime

import pytest
from django.db import connection

from bansos.core.models import AuditEvent
from bansos.programs import services
from bansos.programs.models import Program, Rule
from bansos.programs.rules import RuleError, compile_rule, validate_rule
from bansos.programs.services import ProgramError
from bansos.registry.models import Household
from bansos.registry.tests.factories import ACTOR, make_household, make_person

ON = datetime.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {"all": [{"field": "household.decile", "op": "<=", "value": 4},
                     {"field": "household.income", "op": ">", "value": 1}]},
            "unknown field 'household.income' at all[1]",
        ),
        ({"field": "household.decile", "op": "~", "value": 4}, "unknown operator '~' at the top level"),
        ({"field": "household.decile", "op": "<=", "value": "4"}, "value '4' does not fit field 'household.decile'"),
        ({"field": "household.has_car", "op": "<", "value": True}, "operator '<' is not allowed"),
        ({"field": "household.floor_type", "op": "=", "value": "gold"}, "expected one of: earth"),
        ({"field": "household.regency", "op": "=", "value": "31"}, "a 4-digit region code"),
        ({"field": "household.decile", "op": "in", "value": []}, "needs a non-empty list"),
        ({"all": []}, "'all' needs a non-empty list at the top level"),
        ({"any": [{"not": {"bogus": 1}}]}, "unknown key 'bogus' at any[0].not"),
        ({"any_member": {"field": "household.decile", "op": "=", "value": 1}}, "unknown field 'household.decile' at any_member (known member fields"),
        ({"any_member": {"any_member": {"field": "age", "op": ">", "value": 1}}}, "'any_member' cannot be used inside any_member"),
        ({"any_member": {"field": "age", "op": "in", "value": [1]}}, "operator 'in' is not allowed for field 'age'"),
        ({"flag": "rich"}, "unknown flag 'rich'"),
        ({"all": [1]}, "expected an object at all[0]"),
        ({"field": "household.decile", "op": "<="}, "expected one of all, any, not"),
        ([], "expected an object at the top level"),
    ],
)  # fmt: skip
def test_bad_rules_are_rejected_with_a_clear_message(rule: object, message: str) -> None:
    with pytest.raises(RuleError) as error:
        validate_rule(rule)
    assert error.value.code == "programs.rule_invalid"
    assert message in error.value.message


def _matching(rule: dict) -> set[int]:
    sql, params = compile_rule(rule, on=ON)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT h.id FROM registry_household h WHERE {sql}", params)
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
def test_compiled_rules_select_the_right_households() -> None:
    poor = make_household(has_car=False, floor_type="earth")
    rich = make_household(has_car=True, floor_type="tile")
    Household.objects.filter(pk=poor.pk).update(decile=2)
    Household.objects.filter(pk=rich.pk).update(decile=9)
    make_person(poor, birth_date=datetime.date(1960, 1, 1))  # 66 on ON
    make_person(rich, is_civil_servant=True)
    make_person(rich, full_name="ANAK", relationship="child", marital_status="single",
                birth_date=datetime.date(2020, 1, 2))  # 5 on ON  # fmt: skip
    unranked = make_household()
    ids = {poor.pk, rich.pk, unranked.pk}

    def match(rule: dict) -> set[int]:
        return _matching(rule) & ids

    assert match({"field": "household.decile", "op": "<=", "value": 4}) == {poor.pk}
    # a comparison on an empty decile is false, so its negation is true (two-valued logic)
    assert match({"not": {"field": "household.decile", "op": ">", "value": 4}}) == {poor.pk, unranked.pk}
    assert match({"field": "household.decile", "op": "in", "value": [9, 10]}) == {rich.pk}
    assert match({"field": "household.has_car", "op": "=", "value": True}) == {rich.pk}
    assert match({"field": "household.floor_type", "op": "not_in", "value": ["tile"]}) == {
        poor.pk,
        unranked.pk,
    }
    assert match({"any_member": {"field": "is_civil_servant", "op": "=", "value": True}}) == {rich.pk}
    assert match({"not": {"any_member": {"field": "is_civil_servant", "op": "=", "value": True}}}) == {
        poor.pk,
        unranked.pk,
    }
    assert match({"any_member": {"field": "age", "op": ">=", "value": 66}}) == {poor.pk}
    assert match({"any_member": {"field": "age", "op": ">", "value": 66}}) == set()
    assert match({"any_member": {"field": "age", "op": "<=", "value": 5}}) == {rich.pk}
    assert match({"any_member": {"field": "age", "op": "<", "value": 5}}) == set()
    assert match({"any_member": {"field": "age", "op": "=", "value": 5}}) == {rich.pk}
    assert match({"field": "household.members", "op": ">=", "value": 2}) == {rich.pk}
    assert match({"field": "household.regency", "op": "=", "value": "3171"}) == ids
    assert match(
        {"any": [{"field": "household.decile", "op": "=", "value": 9}, {"field": "household.decile", "op": "=", "value": 2}]}
    ) == {poor.pk, rich.pk}  # fmt: skip
    services.household_flag_add(household=poor, ground="refused_aid", actor=ACTOR)
    assert match({"flag": "refused_aid"}) == {poor.pk}


@pytest.mark.django_db
def test_rule_is_validated_on_save_and_nothing_is_written() -> None:
    program = Program.objects.get(code="PKH")
    before = (Rule.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ProgramError) as error:
        services.rule_create(
            program=program, kind="exclusion", reason="duplicate", name="bad",
            expression={"field": "household.income", "op": ">", "value": 1}, actor=ACTOR,
        )  # fmt: skip
    assert "unknown field 'household.income' at the top level" in error.value.message
    assert (Rule.objects.count(), AuditEvent.objects.count()) == before
    rule = services.rule_create(
        program=program, kind="exclusion", reason="duplicate", name="ok", expression={"flag": "duplicate"},
        actor=ACTOR,
    )  # fmt: skip
    with pytest.raises(ProgramError):
        services.rule_update(rule=rule, expression={"not": []}, actor=ACTOR)
    rule.refresh_from_db()
    assert rule.expression == {"flag": "duplicate"}


@pytest.mark.django_db
def test_rule_set_compiler_agrees_with_exists_subqueries() -> None:
    from bansos.programs.rules import RuleSetCompiler

    made = []
    for i, occupation in enumerate(["teacher", "farmer", "pensioner", "none"]):
        household = make_household()
        Household.objects.filter(pk=household.pk).update(decile=i + 1)
        make_person(household, occupation=occupation, birth_date=datetime.date(1950 + 20 * (i % 2), 1, 1))
        made.append(household.pk)
    make_household()  # no members at all
    for rule in Rule.objects.filter(program__code="PKH"):
        rule_set = RuleSetCompiler(on=ON)
        sql, params = rule_set.add(rule.expression)
        aggregate = rule_set.member_aggregate()
        join, join_params = ("", []) if aggregate is None else (
            f"LEFT JOIN ({aggregate[0]}) a ON a.household_id = h.id", aggregate[1]
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT h.id FROM registry_household h {join} WHERE {sql}", join_params + params)
            aggregated = {row[0] for row in cursor.fetchall()}
        assert aggregated == _matching(rule.expression), rule.name
