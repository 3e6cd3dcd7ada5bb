"""The import's initial-load mode on PostgreSQL: empty tables are filled in one transaction with their
indexes and constraints dropped and built again; the result is the ordinary import's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from bansos.registry import bulk
from bansos.registry.importer import ImportReport
from bansos.registry.initial_load import TABLES, secondary_structures
from bansos.registry.models import Household, ImportRun, Person
from bansos.registry.tests.test_bulk import household_row, kk_number
from bansos.registry.tests.test_import import (
    Rollback,
    crash_people_on_second_chunk,
    english,  # noqa: F401  -- autouse fixture: reasons in English
    logical_state,
    mixed_files,
    run_import,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="initial-load mode is PostgreSQL-only"),
]


def structures() -> dict[str, list[tuple[str, str]]]:
    """Every index (primary keys included) and every constraint of the registry tables, as defined."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) ORDER BY 1, 2",
            [list(TABLES)],
        )
        indexes = [(f"{table}.{name}", definition) for table, name, definition in cursor.fetchall()]
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, "
            "condeferred, convalidated FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s) "
            "ORDER BY 1, 2",
            [list(TABLES)],
        )
        constraints = [(f"{row[0]}.{row[1]}", repr(row[2:])) for row in cursor.fetchall()]
    return {"indexes": indexes, "constraints": constraints}


def ordinary_import(households: Path, people: Path) -> tuple[dict[str, Any], bytes, ImportReport]:
    """What the ordinary (chunk-transaction) import gives for these files (then rolled back)."""
    with pytest.raises(Rollback), transaction.atomic():
        report = run_import(households, people, chunk_size=3, initial_load=False)
        assert not report.initial_load
        state, rejects = logical_state(), (households.parent / "people.rejects.csv").read_bytes()
        raise Rollback
    return state, rejects, report


def test_empty_tables_are_loaded_with_indexes_rebuilt_and_the_ordinary_result(tmp_path: Path) -> None:
    households, people = mixed_files(tmp_path)
    before = structures()
    assert secondary_structures(bulk.PERSON_TABLE)  # there is something to drop
    expected_state, expected_rejects, ordinary = ordinary_import(households, people)

    report = run_import(households, people, chunk_size=3, initial_load=True)

    assert report.initial_load
    assert logical_state() == expected_state
    assert (tmp_path / "people.rejects.csv").read_bytes() == expected_rejects
    assert (report.households, report.people) == (ordinary.households, ordinary.people)
    assert structures() == before
    run = ImportRun.objects.get()
    assert (run.status, run.households_done, run.people_done, run.rejected) == ("completed", 5, 13, 8)


def test_a_second_import_into_the_loaded_tables_changes_nothing(tmp_path: Path) -> None:
    households, people = mixed_files(tmp_path)
    run_import(households, people, chunk_size=3, initial_load=True)
    state = logical_state()
    stamps = sorted(Person.objects.values_list("updated_at", flat=True))

    again = run_import(households, people, chunk_size=3, force=True, initial_load=True)

    assert not again.initial_load  # the tables are not empty any more: the ordinary upsert
    assert (again.households.inserted, again.households.updated) == (0, 0)
    assert (again.people.inserted, again.people.updated, again.people.unchanged) == (0, 0, 7)
    assert logical_state() == state
    assert sorted(Person.objects.values_list("updated_at", flat=True)) == stamps


def test_a_registry_that_is_not_empty_is_imported_the_ordinary_way(tmp_path: Path) -> None:
    bulk.upsert_households([household_row(kk_number(150))], provenance="admin")
    households, people = mixed_files(tmp_path)

    report = run_import(households, people, chunk_size=3, initial_load=True)

    assert not report.initial_load
    assert Household.objects.count() == 4


def test_an_interrupted_initial_load_leaves_empty_indexed_tables_and_starts_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    households, people = mixed_files(tmp_path)
    before = structures()
    expected_state, expected_rejects, _ordinary = ordinary_import(households, people)
    _calls, real_write = crash_people_on_second_chunk(monkeypatch)
    with pytest.raises(RuntimeError, match="power cut"):
        run_import(households, people, chunk_size=3, initial_load=True)

    # All or nothing: no rows, the indexes and constraints back, the checkpoint still at the start.
    assert not Household.objects.exists() and not Person.objects.exists()
    assert structures() == before
    run = ImportRun.objects.get()
    assert (run.status, run.households_done, run.people_done) == ("failed", 0, 0)

    monkeypatch.setattr(bulk, "write_people", real_write)
    report = run_import(households, people, chunk_size=3, initial_load=True)

    assert report.resumed and report.initial_load and report.run_id == run.pk
    assert logical_state() == expected_state
    assert (tmp_path / "people.rejects.csv").read_bytes() == expected_rejects
    assert structures() == before


@pytest.mark.parametrize("worker_process", [False, True], ids=["thread", "process"])
def test_initial_load_with_either_preparation(tmp_path: Path, worker_process: bool) -> None:
    households, people = mixed_files(tmp_path)
    expected_state, expected_rejects, _ordinary = ordinary_import(households, people)

    report = run_import(households, people, chunk_size=3, worker_process=worker_process, initial_load=True)

    assert report.initial_load and report.preparation == ("process" if worker_process else "thread")
    assert logical_state() == expected_state
    assert (tmp_path / "people.rejects.csv").read_bytes() == expected_rejects


@pytest.mark.parametrize("opt_in", [False, True])
def test_the_initial_load_is_opt_in_and_the_command_says_when_it_ran(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], opt_in: bool
) -> None:
    households, people = mixed_files(tmp_path)
    options = ["--initial-load"] if opt_in else []

    call_command(
        "import", "--households", str(households), "--people", str(people), "--no-progress", *options
    )

    first_line = capsys.readouterr().out.splitlines()[0]
    assert first_line.endswith("(initial load into empty tables)") is opt_in
    assert Person.objects.count() == 7
