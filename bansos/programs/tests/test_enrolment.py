import datetime
from typing import Any

import pytest

from bansos.core.models import AuditEvent
from bansos.programs import services
from bansos.programs.enrolment import eligibility_dry_run, enrolment_run
from bansos.programs.models import Enrolment, EnrolmentRun, Period
from bansos.programs.services import PeriodStateError
from bansos.registry.models import Household
from bansos.registry.tests.factories import ACTOR, KEUDE_BAKONGAN, make_household, make_person

pytestmark = pytest.mark.django_db
START = datetime.date(2026, 1, 1)


def period(program: str = "PKH", year: int = 2026, stage: int = 1) -> Period:
    return Period.objects.select_related("program").get(program__code=program, year=year, stage=stage)


def family(decile: int | None = 2, village: str = "3171011001", **head: Any) -> Household:
    """A family with a head and a child in SD (one PKH component)."""
    household = make_household(village)
    Household.objects.filter(pk=household.pk).update(decile=decile)
    make_person(household, **head)
    make_person(household, full_name="ANAK", relationship="child", marital_status="single",
                birth_date=datetime.date(2015, 5, 5), schooling="sd")  # fmt: skip
    household.refresh_from_db()
    return household


def outcome(household: Household, program: str = "PKH", stage: int = 1) -> Enrolment:
    return Enrolment.objects.get(household=household, period=period(program, stage=stage))


def test_poor_family_is_enrolled_in_pkh_and_bpnt_with_amounts() -> None:
    household = family()
    rich = family(decile=8)
    run = enrolment_run(period=period(), actor=ACTOR)
    e = outcome(household)
    assert (e.status, e.reason, e.components, e.amount, e.channel) == ("enrolled", "", 1, 225_000, "BRI")
    assert not Enrolment.objects.filter(household=rich).exists()  # never eligible: no row
    assert run.enrolled >= 1
    enrolment_run(period=period("BPNT"), actor=ACTOR)
    assert outcome(household, "BPNT").amount == 600_000
    event = AuditEvent.objects.filter(event_type="programs.enrolment_run").latest("id")
    assert event.details["program"] == "BPNT" and event.details["period"] == "2026-1"


# one case per exclusion ground: how to make a family fall under it
OCCUPATION_GROUNDS = [
    ("civil_servant", {"is_civil_servant": True}),
    ("civil_servant", {"occupation": "civil_servant"}),
    ("military", {"is_military": True}),
    ("police", {"occupation": "police"}),
    ("pensioner", {"occupation": "pensioner"}),
    ("village_official", {"occupation": "village_official"}),
    ("certified_teacher", {"occupation": "teacher"}),
    ("health_worker", {"occupation": "health_worker"}),
    ("company_officer", {"occupation": "entrepreneur"}),
]
FLAG_GROUNDS = [
    "state_budget_paid", "income_above_minimum_wage", "refused_aid", "duplicate", "address_not_found",
    "person_not_found",
]  # fmt: skip


@pytest.mark.parametrize(("ground", "head"), OCCUPATION_GROUNDS)
def test_occupation_exclusion_grounds(ground: str, head: dict[str, Any]) -> None:
    household = family(**head)
    clean = family()
    enrolment_run(period=period(), actor=ACTOR)
    e = outcome(household)
    assert (e.status, e.reason, e.amount, e.channel) == ("excluded", ground, 0, "")
    assert outcome(clean).status == "enrolled"


@pytest.mark.parametrize("ground", FLAG_GROUNDS)
def test_flag_exclusion_grounds_and_withdrawal(ground: str) -> None:
    household = family()
    flag = services.household_flag_add(household=household, ground=ground, source="test", actor=ACTOR)
    enrolment_run(period=period(), actor=ACTOR)
    assert (outcome(household).status, outcome(household).reason) == ("excluded", ground)
    services.household_flag_withdraw(flag=flag, actor=ACTOR)
    enrolment_run(period=period(), actor=ACTOR)
    assert outcome(household).status == "enrolled"


def test_deceased_ground_and_dead_civil_servant_does_not_count() -> None:
    household = make_household()
    Household.objects.filter(pk=household.pk).update(decile=1)
    make_person(household, birth_date=datetime.date(1950, 1, 1), deceased_date=datetime.date(2025, 1, 1))
    widow = family(is_civil_servant=True, deceased_date=datetime.date(2025, 2, 1))
    enrolment_run(period=period("BPNT"), actor=ACTOR)
    assert (outcome(household, "BPNT").status, outcome(household, "BPNT").reason) == ("excluded", "deceased")
    assert outcome(widow, "BPNT").status == "enrolled"


def test_every_reason_is_recorded_in_rule_order() -> None:
    household = family(occupation="village_official")
    services.household_flag_add(household=household, ground="refused_aid", actor=ACTOR)
    enrolment_run(period=period(), actor=ACTOR)
    e = outcome(household)
    assert (e.reason, e.reason_list) == ("village_official", ["village_official", "refused_aid"])


def test_pkh_components_are_capped_at_four_per_family() -> None:
    household = make_household()
    Household.objects.filter(pk=household.pk).update(decile=1)
    make_person(household, sex="F", is_pregnant=True, birth_date=datetime.date(1995, 1, 1))  # 3.0 M
    kids = [("sma", 2_000_000), ("smp", 1_500_000), ("sd", 900_000), ("sd", 900_000)]
    for i, (schooling, _amount) in enumerate(kids):
        make_person(household, full_name=f"ANAK {i}", relationship="child", marital_status="single",
                    birth_date=datetime.date(2010 + i, 1, 1), schooling=schooling)  # fmt: skip
    make_person(household, full_name="BAYI", relationship="child", marital_status="single",
                birth_date=datetime.date(2024, 1, 1))  # child 0-6: 3.0 M  # fmt: skip
    make_person(household, full_name="NENEK", relationship="parent", marital_status="widowed", sex="F",
                birth_date=datetime.date(1950, 1, 1), disability="severe")  # 2.4 M, counted once  # fmt: skip
    enrolment_run(period=period(), actor=ACTOR)
    e = outcome(household)
    # 7 qualifying members; the best four: 3.0 + 3.0 + 2.4 + 2.0 = 10.4 M a year, a quarter per stage
    assert (e.components, e.amount) == (4, 2_600_000)


def test_pkh_requires_a_component() -> None:
    household = make_household()
    Household.objects.filter(pk=household.pk).update(decile=1)
    make_person(household, birth_date=datetime.date(1980, 1, 1))
    enrolment_run(period=period(), actor=ACTOR)
    assert not Enrolment.objects.filter(household=household).exists()
    enrolment_run(period=period("BPNT"), actor=ACTOR)
    assert outcome(household, "BPNT").status == "enrolled"


def test_who_left_and_why() -> None:
    stays = family()
    leaves = family()
    first = period("BPNT", stage=1)
    enrolment_run(period=first, actor=ACTOR)
    services.period_transition(period=first, to="open", actor=ACTOR)
    Household.objects.filter(pk=leaves.pk).update(decile=7)
    run = enrolment_run(period=period("BPNT", stage=2), actor=ACTOR)
    left = outcome(leaves, "BPNT", stage=2)
    assert (left.status, left.reason, left.was_enrolled) == ("ineligible", "decile", True)
    assert (outcome(stays, "BPNT", 2).status, outcome(stays, "BPNT", 2).was_enrolled) == ("enrolled", True)
    assert run.left == 1


def test_dry_run_counts_per_region_and_writes_nothing() -> None:
    family()
    family()
    family(village=KEUDE_BAKONGAN)
    family(village=KEUDE_BAKONGAN, occupation="teacher")
    family(decile=9)
    before = (Enrolment.objects.count(), EnrolmentRun.objects.count(), AuditEvent.objects.count())
    counts = eligibility_dry_run(period=period())
    assert counts == [
        {"province": "11", "regency": "1101", "enrolled": 1, "excluded": 1, "left": 0},
        {"province": "31", "regency": "3171", "enrolled": 2, "excluded": 0, "left": 0},
    ]
    assert (Enrolment.objects.count(), EnrolmentRun.objects.count(), AuditEvent.objects.count()) == before


def test_channel_by_region_and_pbi_per_member() -> None:
    aceh = family(village=KEUDE_BAKONGAN)
    jakarta = family()
    program = period().program
    services.program_update(program=program, channel_by_region={"11": "BNI", "1101": "POS"}, actor=ACTOR)
    enrolment_run(period=period(), actor=ACTOR)
    assert (outcome(aceh).channel, outcome(jakarta).channel) == ("POS", "BRI")
    enrolment_run(period=period("PBI-JK"), actor=ACTOR)
    assert outcome(jakarta, "PBI-JK").amount == 2 * 42_000  # two living members, one month


def test_locked_period_refuses_a_new_enrolment_run_and_nothing_changes() -> None:
    family()
    p = period()
    enrolment_run(period=p, actor=ACTOR)
    services.period_transition(period=p, to="open", actor=ACTOR)
    services.period_transition(period=p, to="locked", actor=ACTOR)
    family()
    before = (
        list(Enrolment.objects.order_by("id").values()),
        EnrolmentRun.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(PeriodStateError) as error:
        enrolment_run(period=p, actor=ACTOR)
    assert error.value.code == "programs.period_locked"
    after = (
        list(Enrolment.objects.order_by("id").values()),
        EnrolmentRun.objects.count(),
        AuditEvent.objects.count(),
    )
    assert after == before
