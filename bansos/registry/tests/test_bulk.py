"""The set-based writer: upsert by blind index, idempotent, encrypted, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from bansos.core import crypto
from bansos.registry import bulk, formats, synth
from bansos.registry.identifiers import kk_for, nik_for
from bansos.registry.models import Household, ImportRun, Person
from bansos.registry.names import name_key

pytestmark = pytest.mark.django_db

GAMBIR = "3171011001"  # Kelurahan Gambir, Jakarta Pusat
CIDENG = "3171011002"  # Kelurahan Cideng, Jakarta Pusat
KEUDE_BAKONGAN = "1101012001"  # Desa Keude Bakongan, Aceh Selatan


def kk_number(serial: int, village: str = GAMBIR) -> str:
    return kk_for(district_code=village[:6], issued_on=datetime.date(2015, 3, 2), serial=serial)


def nik_number(
    serial: int,
    *,
    village: str = GAMBIR,
    sex: str = "M",
    birth_date: datetime.date = datetime.date(1985, 6, 15),
) -> str:
    return nik_for(district_code=village[:6], birth_date=birth_date, sex=sex, serial=serial)


def household_row(kk: str, village: str = GAMBIR, **values: Any) -> tuple[Any, ...]:
    """A typed household row in HOUSEHOLD_COLUMNS order."""
    row: dict[str, Any] = dict.fromkeys(formats.HOUSEHOLD_COLUMNS, "")
    row |= dict.fromkeys(formats.HOUSEHOLD_BOOL_COLUMNS, False)
    row |= {
        "kk": kk,
        "village_code": village,
        "address": "Jl. Merdeka Barat No. 5",
        "rt": "001",
        "rw": "002",
        "floor_area_m2": 36,
        "floor_type": "cement",
        "welfare_score": None,
        "decile": None,
        "status": "active",
    }
    row |= values
    return tuple(row[column] for column in formats.HOUSEHOLD_COLUMNS)


def person_row(nik: str, kk: str, **values: Any) -> tuple[Any, ...]:
    """A typed person row in PERSON_COLUMNS order (a married man born 15 June 1985 by default)."""
    row: dict[str, Any] = dict.fromkeys(formats.PERSON_COLUMNS, "")
    row |= dict.fromkeys(formats.PERSON_BOOL_COLUMNS, False)
    row |= {
        "nik": nik,
        "kk": kk,
        "full_name": "BUDI SANTOSO",
        "sex": "M",
        "birth_date": datetime.date(1985, 6, 15),
        "birth_place": "JAKARTA",
        "relationship": "head",
        "marital_status": "married",
        "disability": "none",
        "deceased_date": None,
    }
    row |= values
    return tuple(row[column] for column in formats.PERSON_COLUMNS)


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every stored column of every household and person (ciphertext as bytes), ordered by id."""
    return {
        "households": [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                       for row in Household.objects.order_by("id").values_list()],
        "people": [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                   for row in Person.objects.order_by("id").values_list()],
    }  # fmt: skip


def family() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    kk1, kk2 = kk_number(1), kk_number(2, KEUDE_BAKONGAN)
    households = [household_row(kk1), household_row(kk2, KEUDE_BAKONGAN, has_motorcycle=True, decile=3)]
    wife_born = datetime.date(1988, 1, 9)
    people = [
        person_row(nik_number(1), kk1, full_name="MOCHAMMAD DJOKO"),
        person_row(
            nik_number(2, sex="F", birth_date=wife_born),
            kk1,
            full_name="SITI AMINAH",
            sex="F",
            birth_date=wife_born,
            relationship="spouse",
            is_pregnant=True,
        ),
        person_row(nik_number(3, village=KEUDE_BAKONGAN), kk2, education="sma", occupation="farmer"),
    ]
    return households, people


def test_upsert_writes_encrypted_indexed_rows() -> None:
    households, people = family()
    run = ImportRun.objects.create(fingerprint="f" * 64, source="test", actor_label="test")

    h = bulk.upsert_households(households, provenance="import", import_run_id=run.pk)
    p = bulk.upsert_people(people, provenance="import", import_run_id=run.pk)

    assert (h.inserted, h.updated, h.unchanged, h.missing_household) == (2, 0, 0, [])
    assert (p.inserted, p.updated, p.unchanged, p.missing_household, p.written) == (3, 0, 0, [], 3)
    first = Household.objects.get(kk_index=crypto.blind_index(households[0][0]))
    assert first.kk == households[0][0]
    assert households[0][0].encode() not in bytes(first.kk_encrypted)
    assert (first.village_id, first.address, first.rt, first.floor_area_m2, first.floor_type) == (
        GAMBIR, "Jl. Merdeka Barat No. 5", "001", 36, "cement"
    )  # fmt: skip
    assert (first.provenance, first.import_run_id, first.status, first.decile) == (
        "import",
        run.pk,
        "active",
        None,
    )
    joko = Person.objects.get(nik_index=crypto.blind_index(people[0][0]))
    assert (joko.nik, joko.household_id, joko.village_id) == (people[0][0], first.pk, GAMBIR)
    assert (joko.full_name, joko.name_key) == ("MOCHAMMAD DJOKO", name_key("MOCHAMMAD DJOKO"))
    assert joko.name_key == "muhamad joko"
    siti = Person.objects.get(nik_index=crypto.blind_index(people[1][0]))
    assert (siti.sex, siti.birth_date, siti.is_pregnant, siti.deceased_date) == (
        "F", datetime.date(1988, 1, 9), True, None
    )  # fmt: skip
    farmer = Person.objects.get(nik_index=crypto.blind_index(people[2][0]))
    assert (farmer.village_id, farmer.education, farmer.occupation, farmer.disability) == (
        KEUDE_BAKONGAN, "sma", "farmer", "none"
    )  # fmt: skip
    assert joko.created_at == joko.updated_at


def test_second_identical_upsert_changes_nothing() -> None:
    households, people = family()
    bulk.upsert_households(households, provenance="import")
    bulk.upsert_people(people, provenance="import")
    before = snapshot()

    h = bulk.upsert_households(households, provenance="import")
    p = bulk.upsert_people(people, provenance="import")

    assert (h.inserted, h.updated, h.unchanged) == (0, 0, 2)
    assert (p.inserted, p.updated, p.unchanged) == (0, 0, 3)
    assert snapshot() == before  # timestamps and the stored ciphertext included


def test_one_changed_attribute_updates_exactly_that_row() -> None:
    households, people = family()
    bulk.upsert_households(households, provenance="import")
    bulk.upsert_people(people, provenance="import")
    before = snapshot()
    changed = list(people)
    changed[2] = person_row(people[2][0], people[2][1], education="diploma", occupation="farmer")

    result = bulk.upsert_people(changed, provenance="import")

    assert (result.inserted, result.updated, result.unchanged) == (0, 1, 2)
    after = snapshot()
    assert after["households"] == before["households"]
    assert after["people"][:2] == before["people"][:2]
    farmer = Person.objects.get(nik_index=crypto.blind_index(people[2][0]))
    assert farmer.education == "diploma"
    assert farmer.updated_at > farmer.created_at
    old = dict(zip([f.attname for f in Person._meta.concrete_fields], before["people"][2], strict=True))
    assert bytes(farmer.nik_encrypted) == old["nik_encrypted"]  # the ciphertext is kept


def test_people_without_household_are_reported_by_position_and_not_written() -> None:
    households, people = family()
    bulk.upsert_households(households[:1], provenance="import")

    result = bulk.upsert_people(people, provenance="import")

    assert result.missing_household == [2]
    assert (result.inserted, result.updated, result.unchanged) == (2, 0, 0)
    assert Person.objects.count() == 2


def test_positions_count_across_internal_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk, "BATCH_SIZE", 2)
    households, people = family()
    bulk.upsert_households(households[:1], provenance="import")
    orphan = person_row(nik_number(9, village=KEUDE_BAKONGAN), households[1][0])

    result = bulk.upsert_people([orphan, *people, orphan], provenance="import")

    assert result.missing_household == [0, 3, 4]
    assert (result.inserted, result.unchanged) == (2, 0)


def test_equal_keys_in_one_call_last_row_wins() -> None:
    households, _people = family()
    renamed = household_row(households[0][0], address="Jl. Baru 1")

    result = bulk.upsert_households([households[0], renamed], provenance="import")

    assert (result.inserted, result.duplicates) == (1, 1)
    assert Household.objects.get().address == "Jl. Baru 1"


def test_moving_a_household_moves_its_members_search_village() -> None:
    households, people = family()
    bulk.upsert_households(households, provenance="import")
    bulk.upsert_people(people, provenance="import")

    result = bulk.upsert_households([household_row(households[0][0], CIDENG)], provenance="import")

    assert (result.updated, result.inserted) == (1, 0)
    assert sorted(Person.objects.values_list("village_id", flat=True)) == [KEUDE_BAKONGAN, CIDENG, CIDENG]


def test_blank_optional_values_are_stored_as_the_model_defaults() -> None:
    kk = kk_number(5)
    household = household_row(kk, address=None, rt=None, rw=None, floor_type=None, status=None)
    person = person_row(nik_number(5), kk, birth_place=None, education=None, disability=None)

    bulk.upsert_households([household], provenance="import")
    bulk.upsert_people([person], provenance="import")

    stored = Household.objects.get()
    assert (stored.address, stored.rt, stored.floor_type, stored.status) == ("", "", "", "active")
    assert Person.objects.values_list("birth_place", "education", "disability").get() == ("", "", "none")


def test_synthetic_population_round_trips_through_the_writer() -> None:
    population = synth.generate(people=60, seed=7, villages=[GAMBIR, KEUDE_BAKONGAN])

    h = bulk.upsert_households(population.households, provenance="synthetic")
    p = bulk.upsert_people(population.people, provenance="synthetic")

    assert h.inserted == len(population.households)
    assert (p.inserted, p.missing_household) == (60, [])
    again = bulk.upsert_people(population.people, provenance="synthetic")
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 60)
    sample = population.people[17]
    stored = Person.objects.get(nik_index=crypto.blind_index(sample[0]))
    assert [getattr(stored, column) for column in formats.PERSON_COLUMNS[2:]] == [
        value if value is not None or column == "deceased_date" else ""
        for column, value in zip(formats.PERSON_COLUMNS[2:], sample[2:], strict=True)
    ]


def test_prepare_needs_no_database_and_write_reports_prepared_positions(
    django_assert_num_queries: Any,
) -> None:
    households, people = family()
    bulk.upsert_households(households[:1], provenance="import")
    orphan = person_row(nik_number(8, village=KEUDE_BAKONGAN), households[1][0])

    with django_assert_num_queries(0):
        prepared = bulk.prepare_people([people[0], orphan, people[1], people[0]])
    result = bulk.write_people(prepared, provenance="import")

    assert len(prepared) == 4
    assert prepared.keys[0] == crypto.blind_index(people[0][0])
    assert prepared.kk_indexes[1] == crypto.blind_index(households[1][0])
    assert (result.inserted, result.duplicates, result.missing_household) == (2, 1, [1])


def test_a_batch_of_new_and_existing_rows_inserts_the_new_and_keeps_the_rest() -> None:
    households, people = family()
    bulk.upsert_households(households, provenance="import")
    bulk.upsert_people(people[:1], provenance="import")
    before = snapshot()["people"]

    result = bulk.upsert_people(people, provenance="import")  # the first exists, two are new

    assert (result.inserted, result.updated, result.unchanged) == (2, 0, 1)
    assert snapshot()["people"][:1] == before
    assert Person.objects.count() == 3


def test_free_text_with_copy_special_characters_is_stored_as_given() -> None:
    """Backslashes, tabs, line breaks and quotes survive the COPY text format (PostgreSQL) unchanged, and
    an identical second write is still no change."""
    kk = kk_number(9)
    tricky = 'Jl. A\\B\t"C"\nD\r\\N'
    households = [household_row(kk, address=tricky, rt="\\", rw="\t", welfare_score=0.1 + 0.2, decile=10)]
    people = [
        person_row(nik_number(9), kk, full_name="O\\'BRIEN \\N", birth_place=tricky),
        person_row(
            nik_number(10), kk, relationship="child", birth_place="", deceased_date=datetime.date(2020, 1, 2)
        ),
    ]

    bulk.upsert_households(households, provenance="import")
    bulk.upsert_people(people, provenance="import")
    again = bulk.upsert_people(people, provenance="import")

    household = Household.objects.get()
    assert (household.address, household.rt, household.rw) == (tricky, "\\", "\t")
    assert (household.welfare_score, household.decile) == (0.1 + 0.2, 10)
    first, second = Person.objects.order_by("id")
    assert (first.full_name, first.birth_place, first.deceased_date) == ("O\\'BRIEN \\N", tricky, None)
    assert (second.birth_place, second.deceased_date) == ("", datetime.date(2020, 1, 2))
    assert (first.nik, second.nik) == (nik_number(9), nik_number(10))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("text", ["SITI AMINAH", "", "A\\B", "A\tB", "A\nB", "A\rB", "\\N", "ÄÖ\\\t\n\r"])
def test_copy_text_escaping_changes_exactly_the_special_characters(text: str) -> None:
    expected = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    assert bulk._escape(text) == expected
