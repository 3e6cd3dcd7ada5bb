# ruff: noqa: S608  -- table names come from model metadata; no values are interpolated
"""Exact duplicate checks, each one SQL statement over the whole registry (blind indexes only):

* ``same_nik``: one NIK blind index on records in two households. The unique constraint on
  ``Person.nik_index`` normally prevents it; the check guards data loaded around it (restores, other
  databases) and costs one index scan.
* ``same_person``: the same normalised name, birth date and sex in two active households (a person
  registered twice under different NIKs, e.g. once in the old KK and once in the new one).
* ``two_heads``: two living heads in one family card (KK).

Merged records are left out. Results are candidate pairs for the review queue (score 1.0).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import connection

from bansos.linkage.models import Rule
from bansos.linkage.services import Found
from bansos.registry.models import Household, Person

P = Person._meta.db_table
H = Household._meta.db_table

CHECKS: dict[str, str] = {
    Rule.SAME_NIK: f"""
        SELECT a.id, b.id FROM {P} a JOIN {P} b ON b.nik_index = a.nik_index AND b.id > a.id
        WHERE a.household_id <> b.household_id
          AND a.merged_into_id IS NULL AND b.merged_into_id IS NULL
    """,
    Rule.SAME_PERSON: f"""
        SELECT a.id, b.id FROM {P} a
        JOIN {P} b ON b.name_key = a.name_key AND b.birth_date = a.birth_date AND b.sex = a.sex
             AND b.id > a.id AND b.household_id <> a.household_id
        JOIN {H} ha ON ha.id = a.household_id
        JOIN {H} hb ON hb.id = b.household_id
        WHERE ha.status = 'active' AND hb.status = 'active'
          AND a.merged_into_id IS NULL AND b.merged_into_id IS NULL
    """,
    Rule.TWO_HEADS: f"""
        SELECT a.id, b.id FROM {P} a
        JOIN {P} b ON b.household_id = a.household_id AND b.id > a.id AND b.relationship = 'head'
        WHERE a.relationship = 'head'
          AND a.deceased_date IS NULL AND b.deceased_date IS NULL
          AND a.merged_into_id IS NULL AND b.merged_into_id IS NULL
    """,
}


def exact_duplicates(rules: tuple[str, ...] = tuple(CHECKS)) -> Iterator[Found]:
    for rule in rules:
        with connection.cursor() as cursor:
            cursor.execute(CHECKS[rule])
            while rows := cursor.fetchmany(5000):
                for a, b in rows:
                    yield Found(a=a, b=b, rule=str(rule), score=1.0, evidence={"rule": str(rule)})
