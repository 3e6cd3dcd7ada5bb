"""Export writes exactly the import format: exporting then importing into an empty registry reproduces every
column, in CSV and in Parquet."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from bansos.core.audit import SystemActor
from bansos.core.errors import DomainError
from bansos.registry import bulk, formats, synth
from bansos.registry.exporter import registry_export
from bansos.registry.importer import registry_import
from bansos.registry.models import Household, Person
from bansos.registry.tests.test_bulk import GAMBIR, KEUDE_BAKONGAN

pytestmark = pytest.mark.django_db


def registry_state() -> dict[str, Any]:
    """Every column of the format plus the derived ones, by identifier (ids, timestamps, provenance aside)."""
    households = {
        h.kk: (h.village_id, *(getattr(h, c) for c in formats.HOUSEHOLD_COLUMNS[2:]))
        for h in Household.objects.all()
    }
    people = {
        p.nik: (
            p.household.kk,
            p.village_id,
            p.name_key,
            *(getattr(p, c) for c in formats.PERSON_COLUMNS[2:]),
        )
        for p in Person.objects.select_related("household")
    }
    return {"households": households, "people": people}


def populate() -> synth.Population:
    population = synth.generate(people=150, seed=11, villages=[GAMBIR, KEUDE_BAKONGAN])
    bulk.upsert_households(population.households, provenance="synthetic")
    result = bulk.upsert_people(population.people, provenance="synthetic")
    assert result.inserted == 150
    return population


def empty_registry() -> None:
    Person.objects.all().delete()
    Household.objects.all().delete()


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_export_then_import_into_an_empty_registry_reproduces_every_column(
    tmp_path: Path, suffix: str
) -> None:
    populate()
    original = registry_state()
    households, people = tmp_path / f"households{suffix}", tmp_path / f"people{suffix}"

    counts = registry_export(households_path=households, people_path=people)
    empty_registry()
    report = registry_import(
        households_path=households, people_path=people, actor=SystemActor("test"), progress=False
    )

    assert (counts.households, counts.people) == (len(original["households"]), 150)
    assert (report.households.inserted, report.people.inserted, report.rejected) == (
        counts.households,
        150,
        0,
    )
    assert registry_state() == original
    assert any(row[-1] is not None for row in original["people"].values())  # deaths made the trip too
    assert any(row[-3] is not None for row in original["households"].values())  # welfare scores too


def test_csv_export_has_the_format_header_and_plain_identifiers(tmp_path: Path) -> None:
    population = populate()
    households, people = tmp_path / "households.csv", tmp_path / "people.csv"

    registry_export(households_path=households, people_path=people)

    with people.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == formats.PERSON_COLUMNS
    assert {row[0] for row in rows[1:]} == {row[0] for row in population.people}
    assert {row[11] for row in rows[1:]} <= {"0", "1"}
    with households.open(newline="", encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == formats.HOUSEHOLD_COLUMNS


def test_export_of_some_villages_only(tmp_path: Path) -> None:
    population = populate()
    households, people = tmp_path / "households.csv", tmp_path / "people.csv"

    counts = registry_export(households_path=households, people_path=people, village_codes=[GAMBIR])

    in_gambir = [row for row in population.households if row[1] == GAMBIR]
    gambir_kks = {row[0] for row in in_gambir}
    assert counts.households == len(in_gambir)
    assert counts.people == sum(1 for row in population.people if row[1] in gambir_kks)
    with people.open(newline="", encoding="utf-8") as handle:
        assert {row["kk"] for row in csv.DictReader(handle)} == gambir_kks


def test_export_of_an_empty_registry_writes_headers_only(tmp_path: Path) -> None:
    households, people = tmp_path / "households.parquet", tmp_path / "people.csv"

    counts = registry_export(households_path=households, people_path=people)

    assert (counts.households, counts.people) == (0, 0)
    assert people.read_text() == ",".join(formats.PERSON_COLUMNS) + "\n"
    import pyarrow.parquet as pq

    assert pq.read_table(households).column_names == list(formats.HOUSEHOLD_COLUMNS)


def test_export_refuses_an_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(DomainError) as caught:
        registry_export(households_path=tmp_path / "h.xlsx", people_path=tmp_path / "p.csv")

    assert caught.value.code == "export.file_format"
    assert not (tmp_path / "p.csv").exists()


def test_export_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    populate()
    households, people = tmp_path / "h.csv", tmp_path / "p.csv"

    call_command("export", households=households, people=people, villages=[KEUDE_BAKONGAN])

    out = capsys.readouterr().out
    count = Household.objects.filter(village_id=KEUDE_BAKONGAN).count()
    assert out.startswith(f"exported {count:,} households to {households} and ")
    assert people.exists()
