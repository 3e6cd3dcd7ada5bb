"""A database dump alone reveals no NIK or KK: every table is dumped in full and searched."""

from __future__ import annotations

import io

import pytest
from django.db import connection

from bansos.registry.models import Person
from bansos.registry.selectors import household_by_kk, person_by_nik
from bansos.registry.tests.factories import make_household, make_person, new_kk, new_nik

pytestmark = pytest.mark.django_db


def dump_database() -> str:
    """Every row of every table as text: SQLite's .dump, or COPY ... TO STDOUT per table on PostgreSQL
    (what pg_dump writes for data), read on the test's own connection."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    out = io.StringIO()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            with cursor.cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                for chunk in copy:
                    out.write(bytes(chunk).decode("utf-8", "replace"))
    return out.getvalue()


def test_dump_contains_no_nik_or_kk_in_clear() -> None:
    kk = new_kk()
    household = make_household(kk=kk)
    niks = [new_nik(sex="M"), new_nik(sex="F")]
    make_person(household, nik=niks[0], sex="M", full_name="AHMAD HIDAYAT")
    make_person(household, nik=niks[1], sex="F", full_name="SITI AMINAH", relationship="spouse")
    dump = dump_database()
    assert "AHMAD HIDAYAT" in dump  # the dump is real: names are there
    for identifier in [kk, *niks]:
        assert identifier not in dump
        assert identifier.encode().hex() not in dump.lower()
    # ... and yet the application finds them through the blind index.
    assert household_by_kk(kk) == household
    found = person_by_nik(niks[1])
    assert found is not None and found.full_name == "SITI AMINAH"
    assert found.nik == niks[1]
    assert Person.objects.count() == 2


def test_unknown_identifiers_are_not_found() -> None:
    make_person(make_household())
    assert person_by_nik(new_nik()) is None
    assert household_by_kk(new_kk()) is None
