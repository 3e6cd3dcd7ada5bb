"""The synthetic population generator: determinism, identifiers, household structure, plausible shares.

Pure-generator tests need no database; the one database test writes a small population twice."""

from __future__ import annotations

import collections
import datetime
from typing import Any

import pytest

from bansos.registry import formats
from bansos.registry.identifiers import parse_kk, parse_nik
from bansos.registry.synth import REFERENCE_DATE, Population, generate

H = {name: i for i, name in enumerate(formats.HOUSEHOLD_COLUMNS)}
P = {name: i for i, name in enumerate(formats.PERSON_COLUMNS)}
TODAY = REFERENCE_DATE
# Villages in Bogor (Jawa Barat), Tapanuli Utara (Sumut), Badung (Bali), Jayawijaya (Papua Pegunungan).
EXPLICIT_VILLAGES = ["3201011001", "3201011002", "1202012008", "5103022001", "9501012002"]


def _age(birth: datetime.date, on: datetime.date = TODAY) -> float:
    return (on - birth).days / 365.2425


@pytest.fixture(scope="module")
def population() -> Population:
    return generate(people=20_000, seed=20260101)


@pytest.fixture(scope="module")
def members(population: Population) -> dict[str, list[tuple[Any, ...]]]:
    by_kk: dict[str, list[tuple[Any, ...]]] = collections.defaultdict(list)
    for person in population.people:
        by_kk[person[P["kk"]]].append(person)
    return by_kk


# --- determinism and size -----------------------------------------------------------------------------------


def test_same_seed_gives_identical_output() -> None:
    first = generate(people=3_000, seed=7)
    second = generate(people=3_000, seed=7)
    assert first.villages == second.villages
    assert first.households == second.households
    assert first.people == second.people


def test_different_seed_gives_different_output() -> None:
    first = generate(people=3_000, seed=7)
    second = generate(people=3_000, seed=8)
    assert first.villages != second.villages
    assert {p[P["full_name"]] for p in first.people} != {p[P["full_name"]] for p in second.people}


def test_does_not_depend_on_the_calendar_unless_asked() -> None:
    assert generate(people=300, seed=1).today == TODAY
    moved = generate(people=300, seed=1, today=datetime.date(2030, 6, 30))
    assert max(p[P["birth_date"]] for p in moved.people) > TODAY


@pytest.mark.parametrize("people", [0, 1, 2, 7, 251, 1_234])
def test_exactly_the_number_of_people_asked_for(people: int) -> None:
    population = generate(people=people, seed=3, villages=EXPLICIT_VILLAGES[:2])
    assert len(population.people) == people
    assert sum(1 for p in population.people if p[P["relationship"]] == "head") == len(population.households)


def test_rows_follow_the_exchange_format(population: Population) -> None:
    assert {len(row) for row in population.households} == {len(formats.HOUSEHOLD_COLUMNS)}
    assert {len(row) for row in population.people} == {len(formats.PERSON_COLUMNS)}
    household, person = population.households[0], population.people[0]
    assert all(isinstance(household[H[c]], bool) for c in formats.HOUSEHOLD_BOOL_COLUMNS)
    assert all(isinstance(person[P[c]], bool) for c in formats.PERSON_BOOL_COLUMNS)
    assert isinstance(person[P["birth_date"]], datetime.date)
    assert isinstance(household[H["welfare_score"]], float)
    assert {h[H["status"]] for h in population.households} == {"active"}


# --- villages ---------------------------------------------------------------------------------------------


def test_villages_spread_over_every_province_about_per_village_people_each() -> None:
    population = generate(people=2_000, seed=5, per_village=50)
    assert len(population.villages) == 40
    assert len({code[:2] for code in population.villages}) == 38
    per_village = collections.Counter(h[H["village_code"]] for h in population.households)
    assert set(per_village) == set(population.villages)


def test_default_village_count_follows_per_village(population: Population) -> None:
    assert len(population.villages) == 20_000 // 250


def test_explicit_villages_are_used_and_unknown_ones_refused() -> None:
    population = generate(people=500, seed=5, villages=EXPLICIT_VILLAGES)
    assert {h[H["village_code"]] for h in population.households} == set(EXPLICIT_VILLAGES)
    with pytest.raises(ValueError, match="unknown village"):
        generate(people=10, seed=5, villages=["9999999999"])


# --- identifiers ------------------------------------------------------------------------------------------


def test_niks_and_kks_are_unique(population: Population) -> None:
    niks = [p[P["nik"]] for p in population.people]
    kks = [h[H["kk"]] for h in population.households]
    assert len(set(niks)) == len(niks)
    assert len(set(kks)) == len(kks)


def test_runs_with_different_arguments_do_not_share_identifiers() -> None:
    runs = [
        generate(people=1_500, seed=1, villages=EXPLICIT_VILLAGES[:1]),
        generate(people=1_500, seed=2, villages=EXPLICIT_VILLAGES[:1]),
        generate(people=1_600, seed=1, villages=EXPLICIT_VILLAGES[:1]),
        generate(people=1_500, seed=1, villages=EXPLICIT_VILLAGES[:1], today=datetime.date(2026, 1, 2)),
    ]
    niks = [{p[P["nik"]] for p in run.people} for run in runs]
    kks = [{h[H["kk"]] for h in run.households} for run in runs]
    for i in range(len(runs)):
        for j in range(i + 1, len(runs)):
            assert not niks[i] & niks[j]
            assert not kks[i] & kks[j]


def test_every_nik_agrees_with_sex_birth_date_and_village_district(population: Population) -> None:
    village_of = {h[H["kk"]]: h[H["village_code"]] for h in population.households}
    for person in population.people:
        parsed = parse_nik(
            person[P["nik"]], sex=person[P["sex"]], birth_date=person[P["birth_date"]], today=TODAY
        )
        assert parsed.district_code == village_of[person[P["kk"]]][:6]


def test_every_kk_is_valid_issued_in_the_village_district_after_its_members_were_born(
    population: Population, members: dict[str, list[tuple[Any, ...]]]
) -> None:
    for household in population.households:
        parsed = parse_kk(household[H["kk"]], today=TODAY)
        assert parsed.district_code == household[H["village_code"]][:6]
        youngest = max(p[P["birth_date"]] for p in members[household[H["kk"]]])
        assert youngest < parsed.issued_on <= TODAY


# --- households -------------------------------------------------------------------------------------------


def test_every_household_has_exactly_one_head_and_only_its_own_members(
    population: Population, members: dict[str, list[tuple[Any, ...]]]
) -> None:
    assert set(members) == {h[H["kk"]] for h in population.households}
    for people in members.values():
        assert [p[P["relationship"]] for p in people].count("head") == 1
        assert people[0][P["relationship"]] == "head"
        assert _age(people[0][P["birth_date"]]) >= 18


def test_spouses_are_married_and_of_the_other_sex(members: dict[str, list[tuple[Any, ...]]]) -> None:
    for people in members.values():
        head = people[0]
        for spouse in (p for p in people if p[P["relationship"]] == "spouse"):
            assert spouse[P["sex"]] != head[P["sex"]]
            assert spouse[P["marital_status"]] == head[P["marital_status"]] == "married"


def test_children_are_at_least_15_years_younger_than_their_mother(
    members: dict[str, list[tuple[Any, ...]]],
) -> None:
    checked = 0
    for people in members.values():
        mothers = [p for p in people if p[P["relationship"]] in ("head", "spouse") and p[P["sex"]] == "F"]
        if not mothers:
            continue
        mother_birth = mothers[0][P["birth_date"]]
        for child in (p for p in people if p[P["relationship"]] == "child"):
            assert (child[P["birth_date"]] - mother_birth).days >= 15 * 365
            checked += 1
    assert checked > 5_000


def test_household_size_and_composition_are_plausible(
    population: Population, members: dict[str, list[tuple[Any, ...]]]
) -> None:
    average = len(population.people) / len(population.households)
    assert 2.7 <= average <= 3.5
    sizes = collections.Counter(len(people) for people in members.values())
    assert 0.08 <= sizes[1] / len(members) <= 0.25  # single-person households, many of them elderly
    female_heads = sum(1 for people in members.values() if people[0][P["sex"]] == "F")
    assert 0.10 <= female_heads / len(members) <= 0.25
    relationships = {p[P["relationship"]] for p in population.people}
    assert {"grandchild", "parent", "parent_in_law", "child_in_law"} <= relationships


# --- welfare ----------------------------------------------------------------------------------------------


def test_deciles_are_one_to_ten_and_equal_sized_by_score(population: Population) -> None:
    counts = collections.Counter(h[H["decile"]] for h in population.households)
    assert sorted(counts) == list(range(1, 11))
    assert max(counts.values()) - min(counts.values()) <= 1
    ranked = sorted(population.households, key=lambda h: h[H["welfare_score"]])
    assert [h[H["decile"]] for h in ranked] == sorted(h[H["decile"]] for h in ranked)


def test_welfare_score_follows_living_conditions(population: Population) -> None:
    def mean_decile(rows: list[tuple[Any, ...]]) -> float:
        return sum(h[H["decile"]] for h in rows) / len(rows)

    households = population.households
    assert mean_decile([h for h in households if h[H["has_car"]]]) > 7.0
    assert mean_decile([h for h in households if h[H["floor_type"]] == "earth"]) < 3.0


# --- people -----------------------------------------------------------------------------------------------


def test_plausible_shares(population: Population) -> None:
    people = population.people
    adults = [p for p in people if _age(p[P["birth_date"]]) >= 18]
    deceased = sum(1 for p in people if p[P["deceased_date"]] is not None) / len(people)
    assert 0.005 <= deceased <= 0.016
    state = sum(1 for p in adults if p[P["is_civil_servant"]] or p[P["is_military"]] or p[P["is_police"]])
    assert 0.015 <= state / len(adults) <= 0.045
    elderly = sum(1 for p in people if _age(p[P["birth_date"]]) >= 60) / len(people)
    assert 0.08 <= elderly <= 0.16
    disabled = sum(1 for p in people if p[P["disability"]] != "none") / len(people)
    assert 0.01 <= disabled <= 0.035
    assert any(p[P["disability"]] == "severe" for p in people)
    assert 0.45 <= sum(1 for p in people if p[P["sex"]] == "F") / len(people) <= 0.55


def test_person_attributes_are_consistent(population: Population) -> None:
    flags = {"civil_servant": "is_civil_servant", "military": "is_military", "police": "is_police"}
    for p in population.people:
        age = _age(p[P["birth_date"]])
        died = p[P["deceased_date"]]
        if died is not None:
            assert p[P["birth_date"]] < died <= TODAY
        if p[P["is_pregnant"]]:
            assert p[P["sex"]] == "F" and 18 <= age <= 46 and died is None
        occupation = p[P["occupation"]]
        raised = [flag for flag in flags.values() if p[P[flag]]]
        if occupation in flags:
            assert raised == [flags[occupation]]
        elif occupation == "pensioner":
            assert len(raised) == 1 and age >= 58
        else:
            assert raised == []
        if 8 <= age < 12:
            assert p[P["schooling"]] in ("sd", "left")
        if age < 5:
            assert (p[P["schooling"]], p[P["education"]]) == ("not_yet", "none")
        if p[P["education"]] == "bachelor":
            assert age >= 22


def test_names_look_like_a_ktp(population: Population) -> None:
    names = [p[P["full_name"]] for p in population.people]
    assert all(name == name.upper() and name.strip() == name and "  " not in name for name in names)
    first_words = collections.Counter(name.split()[0] for name in names)
    assert first_words["MUHAMMAD"] + first_words["SITI"] > 0.01 * len(names)
    assert any(len(name.split()) == 1 for name in names)
    assert any(len(name.split()) >= 3 for name in names)
    assert len(set(names)) > 0.5 * len(names)


def test_regional_naming_customs() -> None:
    population = generate(people=3_000, seed=11, villages=["1202012008", "5103022001", "9501012002"])
    names: dict[str, list[str]] = {code: [] for code in ("12", "51", "95")}
    village_of = {h[H["kk"]]: h[H["village_code"]] for h in population.households}
    for person in population.people:
        names[village_of[person[P["kk"]]][:2]].append(person[P["full_name"]])
    assert any(" BR " in name for name in names["12"])  # Batak women: BR <marga>
    assert sum(name.startswith(("I ", "NI ")) for name in names["51"]) > 0.5 * len(names["51"])
    assert sum(name.split()[-1] in {"WENDA", "KOGOYA", "TABUNI"} for name in names["95"]) > 0


# --- writing to the database ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_population_synthesize_writes_the_population_once() -> None:
    from bansos.core.audit import SystemActor
    from bansos.core.models import AuditEvent
    from bansos.registry import selectors
    from bansos.registry.models import Household, Person, Provenance
    from bansos.registry.synth import population_synthesize

    actor = SystemActor("command:synth")
    first = population_synthesize(people=500, seed=42, actor=actor, villages=EXPLICIT_VILLAGES[:3])
    households = Household.objects.count()
    assert Person.objects.count() == 500 == first["people"] == first["people_inserted"]
    assert households == first["households"] == first["households_inserted"]
    assert set(Household.objects.values_list("village_id", flat=True)) == set(EXPLICIT_VILLAGES[:3])
    assert set(Person.objects.values_list("provenance", flat=True)) == {Provenance.SYNTHETIC}
    assert Household.objects.filter(decile__isnull=True).count() == 0

    expected = generate(people=500, seed=42, villages=EXPLICIT_VILLAGES[:3])
    sample = expected.people[123]
    stored = selectors.person_by_nik(sample[P["nik"]])
    assert stored is not None
    assert (stored.full_name, stored.birth_date, stored.household.kk) == (
        sample[P["full_name"]],
        sample[P["birth_date"]],
        sample[P["kk"]],
    )
    assert stored.village_id == stored.household.village_id

    snapshot = list(Person.objects.order_by("pk").values_list("pk", "updated_at", "household_id"))
    second = population_synthesize(people=500, seed=42, actor=actor, villages=EXPLICIT_VILLAGES[:3])
    assert second["people_inserted"] == second["people_updated"] == 0
    assert second["households_inserted"] == second["households_updated"] == 0
    assert list(Person.objects.order_by("pk").values_list("pk", "updated_at", "household_id")) == snapshot
    assert Household.objects.count() == households

    events = list(AuditEvent.objects.filter(event_type="registry.synthesized").order_by("pk"))
    assert [(e.actor_label, e.subject_type, e.subject_id) for e in events] == [
        ("command:synth", "registry.synth", "42")
    ] * 2
    assert events[0].details["people"] == 500 and events[0].details["seed"] == 42
    assert sample[P["nik"]] not in str(events[0].details)
