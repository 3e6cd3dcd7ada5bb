import datetime

import pytest

from bansos.core.models import AuditEvent
from bansos.programs import services
from bansos.programs.models import Period, Program, Rule
from bansos.programs.services import PeriodStateError, ProgramError
from bansos.registry.tests.factories import ACTOR

pytestmark = pytest.mark.django_db


def period(program: str = "PKH", code: str = "2026-1") -> Period:
    year, stage = code.split("-")
    return Period.objects.get(program__code=program, year=int(year), stage=int(stage))


def snapshot() -> tuple[list, int]:
    return list(Period.objects.order_by("id").values()), AuditEvent.objects.count()


def test_default_programs_periods_and_rules_are_seeded() -> None:
    programs = {p.code: p for p in Program.objects.all()}
    assert sorted(programs) == ["BLT", "BPNT", "PBI-JK", "PKH"]
    assert programs["PKH"].kind == "cash" and programs["PKH"].frequency == "quarterly"
    assert programs["BPNT"].kind == "in_kind" and programs["BPNT"].benefit == {
        "type": "flat",
        "per_month": 200_000,
    }
    assert programs["PBI-JK"].kind == "premium_subsidy"
    assert programs["PKH"].channels == ["BRI", "BNI", "MANDIRI", "BTN", "POS"]
    pkh = list(Period.objects.filter(program__code="PKH", year=2026).values_list("stage", "label", "state"))
    assert pkh == [
        (1, "JAN-MAR 2026", "planned"),
        (2, "APR-JUN 2026", "planned"),
        (3, "JUL-SEP 2026", "planned"),
        (4, "OKT-DES 2026", "planned"),
    ]
    assert Period.objects.filter(program__code="PBI-JK", year=2026).count() == 12
    assert period().months == 3
    assert Rule.objects.filter(program__code="PKH", kind="exclusion").count() == 15
    assert list(
        Rule.objects.filter(program__code="PKH", kind="eligibility").values_list("reason", flat=True)
    ) == ["decile", "no_component"]
    for rule in Rule.objects.all():
        rule.full_clean()  # every seeded rule is valid


def test_period_walks_through_its_states_with_one_event_each() -> None:
    p = period()
    for state in ("open", "locked", "paid"):
        p = services.period_transition(period=p, to=state, actor=ACTOR)
        assert p.state == state
    events = AuditEvent.objects.filter(event_type="programs.period_transition", subject_id=str(p.pk))
    assert [e.details["changes"]["state"] for e in events.order_by("id")] == [
        {"before": "planned", "after": "open"},
        {"before": "open", "after": "locked"},
        {"before": "locked", "after": "paid"},
    ]


@pytest.mark.parametrize(
    ("path", "illegal"),
    [([], "locked"), ([], "paid"), (["open", "locked"], "open"), (["open", "locked"], "planned"),
     (["open", "locked", "paid"], "open"), ([], "bogus")],
)  # fmt: skip
def test_illegal_transitions_are_refused_and_change_nothing(path: list[str], illegal: str) -> None:
    p = period()
    for state in path:
        p = services.period_transition(period=p, to=state, actor=ACTOR)
    before = snapshot()
    with pytest.raises(PeriodStateError) as error:
        services.period_transition(period=p, to=illegal, actor=ACTOR)
    assert error.value.code in ("programs.bad_transition", "programs.bad_state")
    if error.value.code == "programs.bad_transition":
        assert f"cannot go from {p.state} to {illegal}" in error.value.message
    assert snapshot() == before


@pytest.mark.parametrize("state_path", [["open", "locked"], ["open", "locked", "paid"]])
def test_a_locked_or_paid_period_cannot_be_changed(state_path: list[str]) -> None:
    p = period()
    for state in state_path:
        p = services.period_transition(period=p, to=state, actor=ACTOR)
    before = snapshot()
    with pytest.raises(PeriodStateError) as error:
        services.period_update(period=p, label="JAN-APR 2026", actor=ACTOR)
    assert error.value.code == "programs.period_locked"
    assert "cannot be changed" in error.value.message
    assert snapshot() == before


def test_open_period_can_be_edited_and_reopened() -> None:
    p = services.period_transition(period=period(), to="open", actor=ACTOR)
    p = services.period_update(period=p, ends_on=datetime.date(2026, 4, 30), actor=ACTOR)
    assert p.months == 4
    p = services.period_transition(period=p, to="planned", actor=ACTOR)
    assert p.state == "planned"


def test_new_program_without_code_changes_and_its_year_plan() -> None:
    program = services.program_create(
        code="PENA", name="Pahlawan Ekonomi Nusantara", kind="cash", frequency="yearly", actor=ACTOR,
        channels=["POS"], benefit={"type": "flat", "per_month": 100_000},
    )  # fmt: skip
    created = services.periods_plan_year(program=program, year=2027, actor=ACTOR)
    assert [(p.stage, p.label, p.months) for p in created] == [(1, "JAN-DES 2027", 12)]
    assert services.periods_plan_year(program=program, year=2027, actor=ACTOR) == []


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"channels": ["BCA"]}, "channels"),
        ({"benefit": {"type": "flat"}}, "benefit"),
        ({"benefit": {"type": "flat", "per_month": -5}}, "per_month"),
        ({"channels": ["POS"], "channel_by_region": {"11": "BRI"}}, "channel_by_region"),
    ],
)
def test_invalid_program_is_refused_and_nothing_is_written(fields: dict, problem: str) -> None:
    before = (Program.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ProgramError) as error:
        services.program_create(code="X", name="X", kind="cash", frequency="monthly", actor=ACTOR, **fields)
    assert problem in error.value.message
    assert (Program.objects.count(), AuditEvent.objects.count()) == before


def test_duplicate_period_is_refused() -> None:
    program = Program.objects.get(code="PKH")
    with pytest.raises(ProgramError) as error:
        services.period_create(
            program=program, year=2026, stage=1, starts_on=datetime.date(2026, 1, 1),
            ends_on=datetime.date(2026, 3, 31), actor=ACTOR,
        )  # fmt: skip
    assert error.value.code == "programs.period_exists"
