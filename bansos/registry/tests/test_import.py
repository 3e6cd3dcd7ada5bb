"""File import: validation and rejects, idempotency, updates, resuming an interrupted run, Parquet,
file-level errors and the ``import`` command."""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone, translation

from bansos.core import crypto
from bansos.core.audit import SystemActor
from bansos.core.errors import DomainError
from bansos.core.models import AuditEvent
from bansos.registry import bulk, formats, importer
from bansos.registry.identifiers import IdentifierError, parse_kk, parse_nik
from bansos.registry.importer import ImportReport, Prefetch, Validator, reference_data, registry_import
from bansos.registry.models import Household, ImportRun, Person
from bansos.registry.tests.test_bulk import (
    GAMBIR,
    KEUDE_BAKONGAN,
    household_row,
    kk_number,
    nik_number,
    person_row,
    snapshot,
)

pytestmark = pytest.mark.django_db

ACTOR = SystemActor("test-import")
BORN = datetime.date(1985, 6, 15)
WIFE_BORN = datetime.date(1988, 1, 9)
CHILD_BORN = datetime.date(2015, 2, 3)


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


# --- building files ---------------------------------------------------------------------------------------


def household_cells(kk: str, village: str = GAMBIR, **values: str) -> dict[str, str]:
    cells = {
        "kk": kk, "village_code": village, "address": "Jl. Kebon Sirih 1", "rt": "001", "rw": "002",
        "floor_area_m2": "36", "floor_type": "cement", "wall_type": "plastered", "roof_type": "tile",
        "water_source": "piped", "sanitation": "own", "lighting": "pln_900", "cooking_fuel": "lpg_3kg",
        "tenure": "owned", "has_motorcycle": "1", "has_car": "0", "has_refrigerator": "1", "has_land": "0",
        "has_livestock": "0", "welfare_score": "", "decile": "", "status": "active",
    }  # fmt: skip
    return cells | values


def person_cells(nik: str, kk: str, **values: str) -> dict[str, str]:
    cells = {
        "nik": nik, "kk": kk, "full_name": "Budi Santoso", "sex": "M", "birth_date": BORN.isoformat(),
        "birth_place": "JAKARTA", "relationship": "head", "marital_status": "married", "education": "sma",
        "schooling": "", "occupation": "trader", "is_civil_servant": "0", "is_military": "0",
        "is_police": "0", "disability": "none", "chronic_illness": "0", "is_pregnant": "0",
        "deceased_date": "",
    }  # fmt: skip
    return cells | values


def write_csv(path: Path, columns: tuple[str, ...], rows: Sequence[dict[str, str] | list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row[c] for c in columns] if isinstance(row, dict) else row)
    return path


KK1, KK2, KK3 = kk_number(101), kk_number(102, KEUDE_BAKONGAN), kk_number(103)
HEAD1 = nik_number(201)
WIFE1 = nik_number(202, sex="F", birth_date=WIFE_BORN)
CHILD1 = nik_number(203, sex="F", birth_date=CHILD_BORN)
HEAD2 = nik_number(204, village=KEUDE_BAKONGAN)


def valid_people() -> list[dict[str, str]]:
    return [
        person_cells(HEAD1, KK1, full_name="Mochammad  Djoko"),
        person_cells(
            WIFE1, KK1, full_name="Siti Aminah", sex="F", birth_date=WIFE_BORN.isoformat(),
            relationship="spouse", occupation="household", is_pregnant="1",
        ),
        person_cells(
            CHILD1, KK1, full_name="Putri Lestari", sex="F", birth_date=CHILD_BORN.isoformat(),
            relationship="child", marital_status="single", education="", schooling="sd", occupation="school",
        ),
        person_cells(HEAD2, KK2, full_name="Teuku Ridwan", occupation="farmer", chronic_illness="ya"),
    ]  # fmt: skip


def valid_files(directory: Path) -> tuple[Path, Path]:
    households = write_csv(
        directory / "households.csv",
        formats.HOUSEHOLD_COLUMNS,
        [household_cells(KK1), household_cells(KK2, KEUDE_BAKONGAN, floor_type="earth", decile="2")],
    )
    return households, write_csv(directory / "people.csv", formats.PERSON_COLUMNS, list(valid_people()))


def run_import(households: Path, people: Path, **options: Any) -> ImportReport:
    return registry_import(
        households_path=households, people_path=people, actor=ACTOR, progress=False, **options
    )


def read_rejects(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def logical_state() -> dict[str, Any]:
    """The registry by identifier, every column of the format plus derived ones (no ids/timestamps)."""
    households = {
        h.kk: (h.village_id, *(getattr(h, c) for c in formats.HOUSEHOLD_COLUMNS[2:]), h.provenance)
        for h in Household.objects.all()
    }
    people = {
        p.nik: (
            p.household.kk, p.village_id, p.name_key, p.provenance,
            *(getattr(p, c) for c in formats.PERSON_COLUMNS[2:]),
        )
        for p in Person.objects.select_related("household")
    }  # fmt: skip
    return {"households": households, "people": people}


def identifier_reason(parse: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(IdentifierError) as caught:
        parse(*args, **kwargs)
    return caught.value.message


# --- a valid import ---------------------------------------------------------------------------------------


def test_valid_files_are_imported_with_every_value(tmp_path: Path) -> None:
    households, people = valid_files(tmp_path)

    report = run_import(households, people)

    assert (report.households.read, report.households.inserted, report.households.rejected) == (2, 2, 0)
    assert (report.people.read, report.people.inserted, report.people.rejected) == (4, 4, 0)
    assert report.rejects_path == tmp_path / "people.rejects.csv"
    assert read_rejects(report.rejects_path) == [["file", "row", "code", "reason", "column"]]
    state = logical_state()
    assert state["households"][KK2] == (
        KEUDE_BAKONGAN, "Jl. Kebon Sirih 1", "001", "002", 36, "earth", "plastered", "tile", "piped", "own",
        "pln_900", "lpg_3kg", "owned", True, False, True, False, False, None, 2, "active", "import",
    )  # fmt: skip
    assert state["people"][HEAD1] == (
        KK1, GAMBIR, "muhamad joko", "import", "MOCHAMMAD DJOKO", "M", BORN, "JAKARTA", "head", "married",
        "sma", "", "trader", False, False, False, "none", False, False, None,
    )  # fmt: skip
    assert state["people"][WIFE1][3:] == (
        "import", "SITI AMINAH", "F", WIFE_BORN, "JAKARTA", "spouse", "married", "sma", "", "household",
        False, False, False, "none", False, True, None,
    )  # fmt: skip
    assert state["people"][HEAD2][1] == KEUDE_BAKONGAN
    assert state["people"][HEAD2][-3] is True  # chronic_illness "ya"
    run = ImportRun.objects.get()
    assert (run.status, run.households_done, run.people_done, run.households_written, run.people_written) == (
        "completed", 2, 4, 2, 4
    )  # fmt: skip
    assert run.finished_at is not None
    assert set(Person.objects.values_list("import_run_id", flat=True)) == {run.pk}
    assert set(Household.objects.values_list("provenance", flat=True)) == {"import"}


def test_one_audit_event_per_run_with_counts_and_no_identifiers(tmp_path: Path) -> None:
    households, people = valid_files(tmp_path)

    report = run_import(households, people)

    events = list(AuditEvent.objects.order_by("id").values_list("event_type", "subject_type", "subject_id"))
    assert events == [
        ("registry.import_started", "registry.importrun", str(report.run_id)),
        ("registry.imported", "registry.importrun", str(report.run_id)),
    ]
    details = AuditEvent.objects.get(event_type="registry.imported").details
    assert details["people"] == {
        "read": 4, "inserted": 4, "updated": 0, "unchanged": 0, "rejected": 0, "skipped": 0
    }  # fmt: skip
    assert (details["households_written"], details["people_written"], details["rejected"]) == (2, 4, 0)
    text = json.dumps(list(AuditEvent.objects.values_list("details", flat=True)))
    for identifier in (KK1, KK2, HEAD1, WIFE1, CHILD1, HEAD2):
        assert identifier not in text


# --- rejects ----------------------------------------------------------------------------------------------


def test_every_kind_of_invalid_row_is_rejected_with_row_code_reason_and_column(tmp_path: Path) -> None:
    # Something already in the registry that the import must leave alone.
    other_kk = kk_number(150, KEUDE_BAKONGAN)
    bulk.upsert_households([household_row(other_kk, KEUDE_BAKONGAN)], provenance="admin")
    bulk.upsert_people([person_row(nik_number(250, village=KEUDE_BAKONGAN), other_kk)], provenance="admin")
    before = snapshot()
    today = timezone.localdate()
    future = today.replace(year=today.year + 1)
    households = write_csv(
        tmp_path / "households.csv",
        formats.HOUSEHOLD_COLUMNS,
        [
            household_cells(KK1),  # row 2: valid
            household_cells("12345"),  # row 3: not 16 digits
            household_cells(kk_number(104), "3171019999"),  # row 4: no such village
            household_cells(KK1),  # row 5: the same KK again
            household_cells(kk_number(105), floor_type="dirt"),  # row 6: not a floor type
            household_cells(KK2, KEUDE_BAKONGAN),  # row 7: valid
            household_cells(KK3, floor_area_m2="-5"),  # row 8: negative area
            household_cells(kk_number(106), has_car=KK2),  # row 9: a KK where a yes/no belongs
        ],
    )
    female_code = nik_number(206, sex="F")
    people = write_csv(
        tmp_path / "people.csv",
        formats.PERSON_COLUMNS,
        [
            person_cells(HEAD1, KK1),  # row 2: valid
            person_cells("31710112", KK1, relationship="child"),  # row 3: NIK too short
            person_cells("9999991506850001", KK1, relationship="child"),  # row 4: no such district
            person_cells(female_code, KK1, relationship="child"),  # row 5: NIK says female, sex says M
            person_cells(nik_number(207), KK1, relationship="child", birth_date="15/06/1985"),  # row 6
            person_cells(nik_number(208), KK1, relationship="child", birth_date=future.isoformat()),  # row 7
            person_cells(nik_number(209), KK1, relationship="uncle"),  # row 8: not a relationship
            person_cells(HEAD1, KK1, relationship="child"),  # row 9: the same NIK again
            person_cells(nik_number(210), KK1),  # row 10: a second head for KK1
            person_cells(nik_number(211), kk_number(199)),  # row 11: KK nowhere
            [nik_number(212), KK1, "Too Short"],  # row 12: a broken row
            person_cells(nik_number(213), KK3),  # row 13: KK of a rejected household
            person_cells(nik_number(214), KK2, deceased_date="1980-01-01"),  # row 14: died before birth
            person_cells(  # row 15: valid
                WIFE1, KK1, sex="F", birth_date=WIFE_BORN.isoformat(), relationship="spouse"
            ),
            person_cells(HEAD2, KK2),  # row 16: valid
            person_cells(nik_number(215), KK2, relationship="child", birth_date="1985-06-16"),  # row 17
        ],
    )

    report = run_import(households, people)

    wrong_kk = identifier_reason(parse_kk, "12345")
    assert read_rejects(tmp_path / "people.rejects.csv") == [
        ["file", "row", "code", "reason", "column"],
        ["households.csv", "3", "kk.format", wrong_kk, "kk"],
        ["households.csv", "4", "village.unknown", "“3171019999” is not a known village code (10 digits, "
         "Kemendagri).", "village_code"],
        ["households.csv", "5", "kk.duplicate", "This family card (KK) number already appeared in an "
         "earlier row of this file.", "kk"],
        ["households.csv", "6", "value.choice", "“dirt” is not allowed here. Allowed values: bamboo, cement, "
         "earth, marble, tile.", "floor_type"],
        ["households.csv", "8", "value.integer", "“-5” is not a whole number from 0 to 2147483647.",
         "floor_area_m2"],
        ["households.csv", "9", "value.boolean",
         f"“{KK2[:4]}************” is not a yes/no value. Use 1 or 0.", "has_car"],
        ["people.csv", "3", "nik.format", identifier_reason(parse_nik, "31710112"), "nik"],
        ["people.csv", "4", "nik.area_unknown", identifier_reason(parse_nik, "9999991506850001"), "nik"],
        ["people.csv", "5", "nik.sex_mismatch", identifier_reason(parse_nik, female_code, sex="M"), "nik"],
        ["people.csv", "6", "value.date", "“15/06/1985” is not a date. Use the form YYYY-MM-DD, for "
         "example 1985-06-15.", "birth_date"],
        ["people.csv", "7", "value.future_date", "This date is in the future.", "birth_date"],
        ["people.csv", "8", "value.choice", "“uncle” is not allowed here. Allowed values: child, "
         "child_in_law, grandchild, head, other, other_family, parent, parent_in_law, spouse.",
         "relationship"],
        ["people.csv", "9", "nik.duplicate", "This NIK already appeared in an earlier row of this file.",
         "nik"],
        ["people.csv", "10", "person.second_head", "This family card (KK) already has a head of family in an "
         "earlier row of this file.", "relationship"],
        ["people.csv", "11", "person.household_missing", "No household with this family card (KK) number "
         "is in the households file or in the registry.", "kk"],
        ["people.csv", "12", "row.columns", "This row has 3 cells but the header has 18 columns.", ""],
        ["people.csv", "13", "person.household_missing", "No household with this family card (KK) number "
         "is in the households file or in the registry.", "kk"],
        ["people.csv", "14", "person.death_before_birth", "The date of death is before the birth date.",
         "deceased_date"],
        ["people.csv", "17", "nik.birth_date_mismatch",
         identifier_reason(parse_nik, nik_number(215), birth_date=datetime.date(1985, 6, 16)), "nik"],
    ]  # fmt: skip
    assert (report.households.read, report.households.inserted, report.households.rejected) == (8, 2, 6)
    assert (report.people.read, report.people.inserted, report.people.rejected) == (16, 3, 13)
    assert ImportRun.objects.get().rejected == 19
    after = snapshot()
    assert after["households"][0] == before["households"][0]  # the existing rows are untouched
    assert after["people"][0] == before["people"][0]
    assert set(logical_state()["households"]) == {other_kk, KK1, KK2}
    assert set(logical_state()["people"]) == {nik_number(250, village=KEUDE_BAKONGAN), HEAD1, WIFE1, HEAD2}


def test_rejects_file_can_be_placed_elsewhere(tmp_path: Path) -> None:
    households, people = valid_files(tmp_path)
    write_csv(people, formats.PERSON_COLUMNS, [*valid_people(), person_cells(nik_number(230), KK3)])
    target = tmp_path / "out" / "rejected.csv"
    target.parent.mkdir()

    report = run_import(households, people, rejects_path=target)

    assert report.rejects_path == target
    assert [row[:3] for row in read_rejects(target)[1:]] == [["people.csv", "6", "person.household_missing"]]
    assert not (tmp_path / "people.rejects.csv").exists()


def test_people_may_belong_to_households_already_in_the_registry(tmp_path: Path) -> None:
    bulk.upsert_households([household_row(KK3)], provenance="counter")
    households = write_csv(tmp_path / "households.csv", formats.HOUSEHOLD_COLUMNS, [])
    people = write_csv(tmp_path / "people.csv", formats.PERSON_COLUMNS, [person_cells(nik_number(231), KK3)])

    report = run_import(households, people)

    assert (report.people.inserted, report.rejected) == (1, 0)
    assert Person.objects.get().household.kk == KK3


# --- idempotency and updates ------------------------------------------------------------------------------


def test_importing_the_same_files_twice_changes_nothing(tmp_path: Path) -> None:
    households, people = valid_files(tmp_path)
    first = run_import(households, people)
    before, events = snapshot(), AuditEvent.objects.count()

    again = run_import(households, people)

    assert again.already_imported and again.run_id == first.run_id
    assert snapshot() == before
    assert (ImportRun.objects.count(), AuditEvent.objects.count()) == (1, events)


def test_forced_reimport_writes_nothing(tmp_path: Path) -> None:
    households, people = valid_files(tmp_path)
    run_import(households, people)
    before = snapshot()

    again = run_import(households, people, force=True)

    assert not again.already_imported
    assert (again.households.inserted, again.households.updated, again.households.unchanged) == (0, 0, 2)
    assert (again.people.inserted, again.people.updated, again.people.unchanged) == (0, 0, 4)
    assert snapshot() == before  # updated_at, import_run and ciphertext included
    assert ImportRun.objects.count() == 2


def test_same_data_in_other_column_order_changes_nothing(tmp_path: Path) -> None:
    households, people = valid_files(tmp_path)
    run_import(households, people)
    before = snapshot()
    reordered = tuple(reversed(formats.PERSON_COLUMNS))
    other = write_csv(tmp_path / "people2.csv", reordered, list(valid_people()))

    report = run_import(households, other)

    assert (report.people.inserted, report.people.updated, report.people.unchanged) == (0, 0, 4)
    assert snapshot() == before


def test_one_changed_value_updates_exactly_that_row(tmp_path: Path) -> None:
    households, people = valid_files(tmp_path)
    run_import(households, people)
    before = snapshot()
    rows = valid_people()
    rows[2]["schooling"] = "smp"
    changed = write_csv(tmp_path / "people2.csv", formats.PERSON_COLUMNS, list(rows))

    report = run_import(households, changed)

    assert (report.people.inserted, report.people.updated, report.people.unchanged) == (0, 1, 3)
    after = snapshot()
    assert after["households"] == before["households"]
    child = Person.objects.get(schooling="smp")
    assert child.nik == CHILD1
    assert child.updated_at > child.created_at
    assert child.import_run_id == report.run_id
    unchanged_before = [row for row in before["people"] if row[0] != child.pk]
    assert [row for row in after["people"] if row[0] != child.pk] == unchanged_before


# --- interrupted imports ----------------------------------------------------------------------------------


class Rollback(Exception):
    pass


def bigger_files(directory: Path) -> tuple[Path, Path]:
    """Three households and eight people, one of whom (row 3) has no household."""
    households, _ = valid_files(directory)
    write_csv(
        households,
        formats.HOUSEHOLD_COLUMNS,
        [household_cells(KK1), household_cells(KK2, KEUDE_BAKONGAN), household_cells(KK3, rt="009")],
    )
    people = [
        *valid_people()[:1],
        person_cells(nik_number(240), kk_number(198)),
        *valid_people()[1:],
        person_cells(nik_number(241), KK3),
        person_cells(nik_number(242, sex="F"), KK3, sex="F", relationship="spouse"),
        person_cells(nik_number(243), KK3, relationship="child", marital_status="single"),
    ]
    return households, write_csv(directory / "people.csv", formats.PERSON_COLUMNS, people)


def uninterrupted(households: Path, people: Path) -> tuple[dict[str, Any], list[list[str]]]:
    """The state and rejects an uninterrupted import gives (then rolled back)."""
    with pytest.raises(Rollback), transaction.atomic():
        report = run_import(households, people, chunk_size=2)
        assert report.rejects_path is not None
        state, rejects = logical_state(), read_rejects(report.rejects_path)
        raise Rollback
    assert not Person.objects.exists()
    return state, rejects


def crash_people_on_second_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[list[int], Callable[..., bulk.BulkResult]]:
    """Make the second chunk of people fail to write, like a power cut. Returns the sizes of the chunks
    written so far (a list that keeps filling) and the real writer, to put back."""
    real_write = bulk.write_people
    calls: list[int] = []

    def crash_on_second_chunk(prepared: bulk.Prepared, **options: Any) -> bulk.BulkResult:
        calls.append(len(prepared))
        if len(calls) == 2:
            raise RuntimeError("power cut")
        return real_write(prepared, **options)

    monkeypatch.setattr(bulk, "write_people", crash_on_second_chunk)
    return calls, real_write


@pytest.mark.parametrize("worker_process", [False, True], ids=["thread", "process"])
def test_interrupted_import_resumes_from_its_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker_process: bool
) -> None:
    households, people = bigger_files(tmp_path)
    expected_state, expected_rejects = uninterrupted(households, people)
    monkeypatch.setattr(
        "bansos.registry.importer._use_worker_process", lambda requested, *sources: worker_process
    )
    calls, real_write = crash_people_on_second_chunk(monkeypatch)
    with pytest.raises(RuntimeError, match="power cut"):
        run_import(households, people, chunk_size=2, initial_load=False)
    run = ImportRun.objects.get()
    assert (run.status, run.households_done, run.people_done, run.rejected) == ("failed", 3, 2, 1)
    assert Person.objects.count() == 1  # the first chunk: one person written, one rejected
    first_chunk = snapshot()["people"]
    calls.clear()

    def spy(prepared: bulk.Prepared, **options: Any) -> bulk.BulkResult:
        calls.append(len(prepared))
        return real_write(prepared, **options)

    monkeypatch.setattr(bulk, "write_people", spy)

    report = run_import(households, people, chunk_size=2, initial_load=False)

    assert report.resumed and report.run_id == run.pk
    assert (report.people.skipped, report.people.inserted, report.people.unchanged) == (2, 6, 0)
    assert calls == [2, 2, 2]  # the first chunk was not written again
    assert logical_state() == expected_state
    assert snapshot()["people"][:1] == first_chunk
    assert read_rejects(tmp_path / "people.rejects.csv") == expected_rejects
    run.refresh_from_db()
    assert (run.status, run.people_done, run.people_written, run.rejected) == ("completed", 8, 7, 1)
    assert ImportRun.objects.count() == 1
    assert Person.objects.count() == 7


def test_import_interrupted_among_households_resumes_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    households, people = bigger_files(tmp_path)
    expected_state, _ = uninterrupted(households, people)
    real_write = bulk.write_households
    kk3_index = crypto.blind_index(KK3)

    def crash(prepared: bulk.Prepared, **options: Any) -> bulk.BulkResult:
        if kk3_index in prepared.keys:
            raise KeyboardInterrupt
        return real_write(prepared, **options)

    monkeypatch.setattr(bulk, "write_households", crash)
    with pytest.raises(KeyboardInterrupt):
        run_import(households, people, chunk_size=2, initial_load=False)
    assert (ImportRun.objects.get().households_done, Household.objects.count()) == (2, 2)
    monkeypatch.setattr(bulk, "write_households", real_write)

    report = run_import(households, people, chunk_size=5)  # another chunk size resumes just as well

    assert (report.households.skipped, report.households.inserted) == (2, 1)
    assert logical_state() == expected_state


# --- the usual-row path of the validator --------------------------------------------------------------


def outcome(validate: Callable[[list[str]], Any], row: list[str]) -> Any:
    """What a validator makes of a row: its result, or the kind, code and column of its error."""
    try:
        return validate(row)
    except Exception as error:
        return (type(error), getattr(error, "code", None), getattr(error, "column", None))


@pytest.mark.parametrize(
    "cells",
    [
        {},
        {"sex": "L"},
        {"full_name": "  budi   santoso "},
        {"full_name": "   "},
        {"birth_date": " 1985-06-15"},
        {"birth_date": "19850615"},
        {"deceased_date": "2020-01-02"},
        {"deceased_date": "1980-01-02"},
        {"deceased_date": "2020-1-2"},
        {"birth_place": " JAKARTA "},
        {"birth_place": "J" * 101},
        {"education": "SMA"},
        {"disability": ""},
        {"is_police": "ya"},
        {"nik": f" {HEAD1} "},
        {"nik": HEAD1.replace("0001", "0000")},
        {"kk": "12345"},
        {"full_name": "X" * 151},
    ],
)
def test_the_usual_row_path_gives_what_the_full_checks_give(cells: dict[str, str]) -> None:
    """Validator.person takes a short path for the usual row; any row gives the row or the error the
    full checks give."""
    row = [(person_cells(HEAD1, KK1) | cells)[c] for c in formats.PERSON_COLUMNS]
    assert outcome(Validator(*reference_data()).person, row) == outcome(
        Validator(*reference_data())._person, row
    )


@pytest.mark.parametrize(
    "cells",
    [
        {},
        {"village_code": f" {GAMBIR} "},
        {"village_code": "3171019999"},
        {"address": "  Jl. Kebon Sirih 1  "},
        {"address": "A" * 256},
        {"rt": "0001"},
        {"floor_area_m2": ""},
        {"floor_area_m2": " 36"},
        {"floor_area_m2": "-5"},
        {"floor_area_m2": "3_6"},
        {"floor_area_m2": "36.0"},
        {"floor_type": "Cement"},
        {"floor_type": ""},
        {"has_car": "ya"},
        {"has_car": "maybe"},
        {"welfare_score": "0.25"},
        {"welfare_score": "nan"},
        {"welfare_score": "x"},
        {"decile": "11"},
        {"decile": "10"},
        {"status": ""},
        {"status": "ACTIVE"},
        {"kk": f" {KK1}"},
        {"kk": "12345"},
    ],
)
def test_the_usual_household_path_gives_what_the_full_checks_give(cells: dict[str, str]) -> None:
    row = [(household_cells(KK1) | cells)[c] for c in formats.HOUSEHOLD_COLUMNS]
    assert outcome(Validator(*reference_data()).household, row) == outcome(
        Validator(*reference_data())._household, row
    )


# --- the worker process ----------------------------------------------------------------------------------


def mixed_files(directory: Path) -> tuple[Path, Path]:
    """bigger_files plus rows of several invalid kinds, among the valid ones."""
    households, people = bigger_files(directory)
    with households.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([household_cells(KK1)[c] for c in formats.HOUSEHOLD_COLUMNS])  # KK twice
        writer.writerow([household_cells("12345")[c] for c in formats.HOUSEHOLD_COLUMNS])
    with people.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for cells in (
            person_cells(HEAD1, KK1),  # NIK twice
            person_cells("31710112", KK1, relationship="child"),
            person_cells(nik_number(244), KK3, relationship="uncle"),
            person_cells(nik_number(245), KK3, relationship="child", birth_date="15/06/1985"),
        ):
            writer.writerow([cells[c] for c in formats.PERSON_COLUMNS])
        writer.writerow(["1", "2"])  # too few cells
    return households, people


def test_worker_process_writes_the_same_rows_and_byte_identical_rejects(tmp_path: Path) -> None:
    households, people = mixed_files(tmp_path)
    with translation.override("id"), pytest.raises(Rollback), transaction.atomic():
        serial = run_import(households, people, chunk_size=3, worker_process=False)
        expected_state, expected_rejects = logical_state(), (tmp_path / "people.rejects.csv").read_bytes()
        raise Rollback

    with translation.override("id"):
        report = run_import(households, people, chunk_size=3, worker_process=True)

    assert logical_state() == expected_state
    assert (tmp_path / "people.rejects.csv").read_bytes() == expected_rejects
    assert (report.households, report.people) == (serial.households, serial.people)
    assert report.rejected == 8
    assert "tidak" in expected_rejects.decode()  # the reasons are in the caller's language


def test_an_error_in_the_worker_process_reaches_the_caller(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    households, people = bigger_files(tmp_path)

    def broken(rows: Sequence[Sequence[Any]]) -> bulk.Prepared:
        raise ValueError("no keys here")

    monkeypatch.setattr(bulk, "prepare_people", broken)
    with pytest.raises(ValueError, match="no keys here"):
        run_import(households, people, chunk_size=2, worker_process=True, initial_load=False)
    run = ImportRun.objects.get()
    assert (run.status, run.households_done, run.people_done) == ("failed", 3, 0)
    assert Household.objects.count() == 3


# --- formats and file-level errors ------------------------------------------------------------------------


@pytest.mark.parametrize("worker_process", [False, True], ids=["thread", "process"])
def test_parquet_files_import_like_csv(tmp_path: Path, worker_process: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv_households, csv_people = valid_files(tmp_path)
    with pytest.raises(Rollback), transaction.atomic():
        run_import(csv_households, csv_people)
        expected = logical_state()
        raise Rollback
    households = tmp_path / "households.parquet"
    people = tmp_path / "people.parquet"
    with csv_households.open(newline="") as handle:
        pq.write_table(pa.Table.from_pylist(list(csv.DictReader(handle))), households)
    typed = [
        {
            **row,
            "birth_date": datetime.date.fromisoformat(row["birth_date"]),
            "is_pregnant": row["is_pregnant"] == "1",
            "deceased_date": None,
        }
        for row in valid_people()
    ]
    pq.write_table(pa.Table.from_pylist(typed), people)

    report = run_import(households, people, worker_process=worker_process)

    assert (report.households.inserted, report.people.inserted, report.rejected) == (2, 4, 0)
    assert logical_state() == expected


def test_a_parquet_file_read_in_many_batches_through_the_worker_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row groups and batches much smaller than the file, and pyarrow's threads already busy in the parent
    before the worker is forked: the same rows as the CSV import, and the worker's row numbers in the
    rejects."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    csv_households, csv_people = bigger_files(tmp_path)
    with pytest.raises(Rollback), transaction.atomic():
        expected_report = run_import(csv_households, csv_people, worker_process=False)
        expected = logical_state()
        csv_rejects = (tmp_path / "people.rejects.csv").read_text()
        raise Rollback
    assert expected_report.rejected == 1  # row 3: a person without a household
    households, people = tmp_path / "households.parquet", tmp_path / "people.parquet"
    for source, target in ((csv_households, households), (csv_people, people)):
        with source.open(newline="") as handle:
            pq.write_table(pa.Table.from_pylist(list(csv.DictReader(handle))), target, row_group_size=2)
        assert pq.read_table(target, use_threads=True).num_rows  # pyarrow's thread pool started here
    monkeypatch.setattr(importer, "DEFAULT_CHUNK_SIZE", 3)  # batches of 3 rows (the worker inherits it)

    report = run_import(households, people, worker_process=True, chunk_size=2)

    assert report.preparation == "process"
    assert (report.households, report.people, report.rejected) == (
        expected_report.households,
        expected_report.people,
        expected_report.rejected,
    )
    assert logical_state() == expected
    rejects = (tmp_path / "people.rejects.csv").read_text()
    assert [line.split(",")[1:3] for line in rejects.splitlines()[1:]] == [
        line.split(",")[1:3] for line in csv_rejects.splitlines()[1:]
    ]


@pytest.mark.parametrize(
    ("problem", "message"),
    [
        ("missing", "The file people.csv does not exist or cannot be read."),
        ("columns", "The file people.csv lacks the required column(s): sex, birth_date."),
        ("unknown", "The file people.csv has unknown column(s): hobby. Expected columns: "),
        ("encoding", "The file people.csv is not UTF-8 text (row 7). Save it as CSV UTF-8 and try again."),
        ("parquet", "The file people.parquet cannot be read as Parquet: "),
        ("suffix", "The file people.xlsx must be a .csv or .parquet file."),
        ("empty", "The file people.csv is empty: the first row must name the columns."),
        ("rejects", "The folder for the rejects file r.csv does not exist."),
    ],
)
def test_unusable_files_raise_a_clear_error_and_change_nothing(
    tmp_path: Path, problem: str, message: str
) -> None:
    households, people = valid_files(tmp_path)
    if problem == "missing":
        people.unlink()
    elif problem == "columns":
        columns = tuple(c for c in formats.PERSON_COLUMNS if c not in ("sex", "birth_date"))
        write_csv(people, columns, [{c: v for c, v in r.items() if c in columns} for r in valid_people()])
    elif problem == "unknown":
        write_csv(people, (*formats.PERSON_COLUMNS, "hobby"), [r | {"hobby": "x"} for r in valid_people()])
    elif problem == "encoding":
        people.write_bytes(people.read_bytes() + "Bambang,Surabaya\n".encode("latin-1") + b"\xe9\n")
    elif problem == "parquet":
        people = tmp_path / "people.parquet"
        people.write_bytes(b"PAR1 this is not parquet")
    elif problem == "suffix":
        people = people.rename(tmp_path / "people.xlsx")
    elif problem == "empty":
        people.write_text("")
    options = {"rejects_path": tmp_path / "nowhere" / "r.csv"} if problem == "rejects" else {}

    with pytest.raises(DomainError) as caught:
        run_import(households, people, **options)

    assert caught.value.message.startswith(message)
    assert not Household.objects.exists()
    assert not ImportRun.objects.exists()
    assert not AuditEvent.objects.exists()


def test_semicolon_separated_files_with_fewer_columns_are_read(tmp_path: Path) -> None:
    households = tmp_path / "households.csv"
    households.write_text(f"village_code;kk\n{GAMBIR};{KK1}\n", encoding="utf-8-sig")
    people = tmp_path / "people.csv"
    people.write_text(
        "nik;kk;full_name;sex;birth_date;relationship;marital_status\n"
        f"{HEAD1};{KK1};budi santoso;L;1985-06-15;head;married\n\n",
        encoding="utf-8",
    )

    report = run_import(households, people)

    assert (report.households.inserted, report.people.inserted, report.rejected) == (1, 1, 0)
    person = Person.objects.get()
    assert (person.full_name, person.sex, person.disability, person.education) == (
        "BUDI SANTOSO",
        "M",
        "none",
        "",
    )
    assert Household.objects.get().status == "active"


# --- the command ------------------------------------------------------------------------------------------


def test_import_command_reports_counts_then_already_imported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    households, people = valid_files(tmp_path)
    write_csv(people, formats.PERSON_COLUMNS, [*valid_people(), person_cells(nik_number(232), KK3)])

    call_command("import", "--households", str(households), "--people", str(people), "--no-progress")
    first = capsys.readouterr().out
    call_command("import", households=households, people=people, no_progress=True)
    second = capsys.readouterr().out

    run = ImportRun.objects.get()
    assert first.startswith(f"import #{run.pk} completed in ")
    assert first.splitlines()[1:] == [
        "households: 2 read, 2 new, 0 updated, 0 unchanged, 0 rejected",
        "people: 5 read, 4 new, 0 updated, 0 unchanged, 1 rejected",
        f"1 rejected rows listed in {tmp_path / 'people.rejects.csv'}",
    ]
    assert second == f"already imported (import #{run.pk}): nothing changed. Use --force to import again.\n"


def test_import_command_turns_file_errors_into_command_errors(tmp_path: Path) -> None:
    households, _people = valid_files(tmp_path)

    with pytest.raises(CommandError, match=r"The file nowhere\.csv does not exist or cannot be read\."):
        call_command("import", households=households, people=tmp_path / "nowhere.csv", no_progress=True)


@pytest.mark.parametrize("threaded", [True, False])
def test_prefetch_hands_over_items_then_the_error_of_its_thread(threaded: bool) -> None:
    finished: list[bool] = []

    def items() -> Iterator[int]:
        yield from (1, 2)
        raise ValueError("broken file")

    with Prefetch(items(), threaded=threaded) as prefetched:
        assert [next(prefetched), next(prefetched)] == [1, 2]
        with pytest.raises(ValueError, match="broken file"):
            next(prefetched)
    with Prefetch(iter([3]), start=False, then=lambda: finished.append(True), threaded=threaded) as later:
        assert list(later) == [3]
    assert finished == [True]
