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

# Each check first groups the whole table once (one scan, no self-join over millions of rows, whatever
# the planner's statistics say), then pairs up the few records of the groups it found.
_LIVE = "merged_into_id IS NULL"
CHECKS: dict[str, str] = {
    Rule.SAME_NIK: f"""
        SELECT a.id, b.id
        FROM (SELECT nik_index FROM {P} WHERE {_LIVE} GROUP BY nik_index
              HAVING COUNT(DISTINCT household_id) > 1) g
        JOIN {P} a ON a.nik_index = g.nik_index AND a.{_LIVE}
        JOIN {P} b ON b.nik_index = g.nik_index AND b.{_LIVE} AND b.id > a.id
        WHERE a.household_id <> b.household_id
    """,
    Rule.SAME_PERSON: f"""
        SELECT a.id, b.id
        FROM (SELECT p.name_key, p.birth_date, p.sex FROM {P} p JOIN {H} h ON h.id = p.household_id
              WHERE p.{_LIVE} AND h.status = 'active'
              GROUP BY p.name_key, p.birth_date, p.sex HAVING COUNT(DISTINCT p.household_id) > 1) g
        JOIN {P} a ON a.name_key = g.name_key AND a.birth_date = g.birth_date AND a.sex = g.sex AND a.{_LIVE}
        JOIN {P} b ON b.name_key = g.name_key AND b.birth_date = g.birth_date AND b.sex = g.sex AND b.{_LIVE}
             AND b.id > a.id AND b.household_id <> a.household_id
        JOIN {H} ha ON ha.id = a.household_id AND ha.status = 'active'
        JOIN {H} hb ON hb.id = b.household_id AND hb.status = 'active'
    """,
    Rule.TWO_HEADS: f"""
        SELECT a.id, b.id
        FROM (SELECT household_id FROM {P}
              WHERE relationship = 'head' AND deceased_date IS NULL AND {_LIVE}
              GROUP BY household_id HAVING COUNT(*) > 1) g
        JOIN {P} a ON a.household_id = g.household_id AND a.relationship = 'head'
             AND a.deceased_date IS NULL AND a.{_LIVE}
        JOIN {P} b ON b.household_id = g.household_id AND b.relationship = 'head'
             AND b.deceased_date IS NULL AND b.{_LIVE} AND b.id > a.id
    """,
}


def exact_duplicates(rules: tuple[str, ...] = tuple(CHECKS)) -> Iterator[Found]:
    for rule in rules:
        with connection.cursor() as cursor:
            cursor.execute(CHECKS[rule])
            while rows := cursor.fetchmany(5000):
                for a, b in rows:
                    yield Found(a=a, b=b, rule=str(rule), score=1.0, evidence={"rule": str(rule)})
