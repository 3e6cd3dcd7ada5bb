import datetime

import pytest

from bansos.core.models import AuditEvent
from bansos.programs import services
from bansos.programs.defaults import DEFAULT_PMT_WEIGHTS
from bansos.programs.models import PmtModel, RankingRun
from bansos.programs.ranking import PmtError, ranking_run, validate_weights
from bansos.programs.services import ProgramError
from bansos.registry import services as registry
from bansos.registry.models import Household
from bansos.registry.tests.factories import ACTOR, KEUDE_BAKONGAN, make_household, make_person

pytestmark = pytest.mark.django_db
ON = datetime.date(2026, 1, 1)


def _households(n: int, village: str = "3171011001") -> list[Household]:
    made = []
    for i in range(n):
        # i grows with wealth: better floors, a car for the richest
        household = make_household(
            village,
            floor_type=["earth", "bamboo", "cement", "tile", "marble"][i % 5],
            floor_area_m2=20 + 10 * i,
            has_car=i >= 15,
            has_refrigerator=i >= 8,
        )
        make_person(household, birth_date=datetime.date(1980, 1, 1), education="sd" if i < 10 else "bachelor")
        made.append(household)
    return made


def test_ranking_scores_everyone_and_assigns_equal_deciles_in_score_order() -> None:
    households = _households(20)
    run = ranking_run(actor=ACTOR, on=ON)
    assert run.status == "completed" and run.model_version == "pmt-2026.1"
    assert run.households_ranked == 20
    assert run.decile_counts == {str(d): 2 for d in range(1, 11)}
    rows = list(Household.objects.order_by("welfare_score", "id").values_list("id", "decile"))
    assert [d for _id, d in rows] == [d for d in range(1, 11) for _ in range(2)]
    poorest = Household.objects.get(pk=households[0].pk)
    richest = Household.objects.get(pk=households[19].pk)
    assert poorest.decile == 1 and richest.decile == 10
    event = AuditEvent.objects.get(event_type="programs.ranking_run")
    assert event.subject_id == str(run.pk) and event.details["ranked"] == 20


def test_score_follows_the_weights_exactly() -> None:
    household = make_household(floor_type="earth", has_car=True, floor_area_m2=50, lighting="pln_450")
    make_person(household, birth_date=datetime.date(1980, 1, 1), education="sma", occupation="labourer")
    make_person(household, full_name="ANAK", relationship="child", marital_status="single",
                birth_date=datetime.date(2020, 1, 1), chronic_illness=True)  # fmt: skip
    services.pmt_model_create(
        version="t1",
        weights={
            "intercept": 1.0,
            "household": {"floor_type": {"earth": -0.5}, "has_car": 2.0, "floor_area_m2": 0.01},
            "members": {"size": -0.1, "dependency_ratio": -1.0, "working": 0.3, "chronic_illness": -0.2,
                        "head_education": {"sma": 0.4}},
        },
        actor=ACTOR,
    )  # fmt: skip
    ranking_run(actor=ACTOR, on=ON)
    household.refresh_from_db()
    # 1 - 0.5 + 2 + 0.5 - 0.2 (size 2) - 1.0 (1 dependant / 1 working-age) + 0.3 - 0.2 + 0.4
    assert household.welfare_score == pytest.approx(2.3)


def test_regency_model_applies_to_its_households_only() -> None:
    jakarta = make_household(floor_type="earth")
    aceh = make_household(KEUDE_BAKONGAN, floor_type="earth")
    for household in (jakarta, aceh):
        make_person(household, birth_date=datetime.date(1980, 1, 1))
    services.pmt_model_create(
        version="aceh-selatan-1", regency_code="1101", weights={"intercept": 100.0}, actor=ACTOR
    )
    run = ranking_run(actor=ACTOR, on=ON)
    assert run.regional_versions == {"1101": "aceh-selatan-1"}
    jakarta.refresh_from_db()
    aceh.refresh_from_db()
    assert aceh.welfare_score == 100.0
    assert jakarta.welfare_score != 100.0
    assert (aceh.decile or 0) > (jakarta.decile or 0) > 0


def test_households_that_left_lose_their_decile() -> None:
    households = _households(3)
    ranking_run(actor=ACTOR, on=ON)
    registry.household_archive(household=households[0], status="moved", reason="test", actor=ACTOR)
    run = ranking_run(actor=ACTOR, on=ON)
    households[0].refresh_from_db()
    assert (households[0].welfare_score, households[0].decile) == (None, None)
    assert (run.households_ranked, run.households_cleared) == (2, 1)


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"household": {"income": 1}}, "unknown attribute household.income"),
        ({"household": {"floor_type": {"gold": 1}}}, "unknown value 'gold' for household.floor_type"),
        ({"household": {"has_car": "yes"}}, "weight household.has_car must be a number"),
        ({"members": {"head_education": 1}}, "must map values to numbers"),
        ({"other": {}}, "weights have the keys"),
    ],
)
def test_bad_weights_are_refused_and_nothing_changes(weights: dict, message: str) -> None:
    with pytest.raises(PmtError) as error:
        validate_weights(weights)
    assert message in error.value.message
    before = list(PmtModel.objects.values_list("version", "active"))
    with pytest.raises(ProgramError):
        services.pmt_model_create(version="bad", weights=weights, actor=ACTOR)
    assert list(PmtModel.objects.values_list("version", "active")) == before


def test_new_national_model_replaces_the_active_one() -> None:
    services.pmt_model_create(version="pmt-2026.2", weights=DEFAULT_PMT_WEIGHTS, actor=ACTOR)
    assert list(PmtModel.objects.filter(active=True).values_list("version", flat=True)) == ["pmt-2026.2"]
    _households(2)
    assert ranking_run(actor=ACTOR, on=ON).model_version == "pmt-2026.2"
    assert RankingRun.objects.count() == 1
