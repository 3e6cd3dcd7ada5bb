"""Reads behind the public status check: by NIK (blind index) or by village + name (fuzzy, bounded).

Results carry only what the public may see: the masked name, the village path, the decile and the status
per program. Nothing here logs or returns a NIK or an unmasked name.

Records merged into another (duplicates, bansos.linkage) are never found: only the surviving record is.
Deceased people are found like anyone else, but every program is reported as TIDAK with the reason
"recorded as deceased": someone wrongly recorded as deceased (a frequent complaint) must learn it so they
can have it corrected at the village office, and relatives learn why the aid stopped.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import router
from django.utils.translation import gettext
from rapidfuzz import fuzz, process

from bansos.core import crypto
from bansos.core.conf import setting
from bansos.core.dbrouting import prepared_cursor
from bansos.lookup.catalogue import village_path
from bansos.lookup.masking import mask_name
from bansos.lookup.programs import EnrolmentRow, ProgramStatus, statuses_from_rows
from bansos.programs.models import Enrolment
from bansos.registry.models import Household, Person
from bansos.registry.names import name_key

NAME_MIN_SCORE = 85.0  # rapidfuzz token_sort_ratio on name keys, 0-100
NAME_SCORE_SPREAD = 10.0  # results are the best match and those within this many points of it
NAME_PREFIX_LENGTH = 3  # first pass: candidates whose key starts like the query's first word


@dataclass(frozen=True)
class LookupResult:
    masked_name: str
    village_code: str
    region: dict[str, str]
    decile: int | None
    deceased: bool
    programs: list[ProgramStatus] = field(default_factory=list)

    @property
    def is_beneficiary(self) -> bool:
        return any(program.receiving for program in self.programs)


def _result(person: _PersonRow, enrolments: list[EnrolmentRow]) -> LookupResult:
    deceased = person.deceased
    programs = statuses_from_rows(enrolments)
    if deceased:
        programs = [
            ProgramStatus(
                code=p.code,
                name=p.name,
                receiving=False,
                period=p.period,
                reason=gettext("recorded as deceased"),
            )
            for p in programs
        ]
    return LookupResult(
        masked_name=mask_name(person.full_name),
        village_code=person.village_code,
        region=village_path(person.village_code) or {},
        decile=person.decile,
        deceased=deceased,
        programs=programs,
    )


@dataclass(frozen=True)
class _PersonRow:
    full_name: str
    village_code: str
    deceased: bool
    decile: int | None


# Table names from the models' metadata; values are always passed as parameters.
_PEOPLE_WITH_ENROLMENTS = (
    "SELECT p.id, p.full_name, p.village_id, p.deceased_date, h.decile, "  # noqa: S608
    "e.program_id, e.period_id, e.status, e.reason, e.payment_status, e.paid_on "
    f"FROM {Person._meta.db_table} p "
    f"JOIN {Household._meta.db_table} h ON h.id = p.household_id "
    f"LEFT JOIN {Enrolment._meta.db_table} e ON e.household_id = p.household_id "
)


_NAME_RANGE = (
    f"SELECT id, name_key FROM {Person._meta.db_table} "  # noqa: S608 - table name from the model
    "WHERE village_id = %s AND name_key >= %s AND name_key < %s"
)


def _people_with_enrolments(
    where: str, params: list[Any]
) -> dict[int, tuple[_PersonRow, list[EnrolmentRow]]]:
    """People matching ``where`` with their households' enrolments: one query, one row per enrolment.
    (Joining the four region tables for the names made PostgreSQL's planning cost more than the rest of the
    check; the names come from the catalogue instead.)"""
    found: dict[int, tuple[_PersonRow, list[EnrolmentRow]]] = {}
    with prepared_cursor(router.db_for_read(Person)) as cursor:
        cursor.execute(_PEOPLE_WITH_ENROLMENTS + where, params)
        for pk, full_name, village, deceased_date, decile, *enrolment in cursor.fetchall():
            if pk not in found:
                found[pk] = (_PersonRow(full_name, village, deceased_date is not None, decile), [])
            if enrolment[0] is not None:
                paid_on = enrolment[5]
                if isinstance(paid_on, str):  # SQLite returns dates as text
                    paid_on = datetime.date.fromisoformat(paid_on)
                found[pk][1].append(
                    (enrolment[0], enrolment[1], enrolment[2], enrolment[3], enrolment[4], paid_on)
                )
    return found


def status_by_nik(nik: str) -> LookupResult | None:
    """The status of the person with this (already validated) NIK, or None when not in the registry."""
    return status_by_nik_index(crypto.blind_index(nik))


def status_by_nik_index(nik_index: str) -> LookupResult | None:
    """``status_by_nik`` by the NIK's blind index. One query (the person by blind index, the household's
    decile and its enrolments)."""
    found = _people_with_enrolments("WHERE p.nik_index = %s AND p.merged_into_id IS NULL", [nik_index])
    if not found:
        return None
    person, enrolments = next(iter(found.values()))
    return _result(person, enrolments)


def village_exists(code: str) -> bool:
    return len(code) == 10 and code.isdigit() and village_path(code) is not None


def _min_score() -> float:
    return float(setting("LOOKUP_NAME_MIN_SCORE", NAME_MIN_SCORE))


def names_match(typed: str, stored_key: str) -> bool:
    """Whether a name as typed is the stored name (its ``name_key``) up to the spelling variants and small
    typos the public check tolerates: the same normalisation, scorer and threshold."""
    return fuzz.token_sort_ratio(name_key(typed), stored_key) >= _min_score()


def _best(query: str, candidates: dict[int, str], limit: int) -> list[tuple[int, float]]:
    matches = process.extract(
        query, candidates, scorer=fuzz.token_sort_ratio, score_cutoff=_min_score(), limit=None
    )
    if not matches:
        return []
    best = matches[0][1]
    return [(pk, score) for _key, score, pk in matches if score >= best - NAME_SCORE_SPREAD][:limit]


def status_by_name(village_code: str, name: str, limit: int = 5) -> list[LookupResult]:
    """People in the village whose name matches ``name`` up to common spelling variants, best first.

    Names are compared on their normalised keys (bansos.registry.names.name_key), so case, spacing,
    punctuation, Muhammad/Moh./M., Siti/Sitti and doubled letters do not matter; small typos are scored
    with rapidfuzz. A first pass reads only keys starting like the query (an index range scan on
    (village, name_key)); only when that finds no good match are all the village's keys scored (one
    index-only scan of a few thousand short strings). A query that matches nobody well returns nothing:
    partial names ("siti") do not list a village's people.
    """
    query = name_key(name)
    if not query:
        return []
    prefix = query.split()[0][:NAME_PREFIX_LENGTH]
    # A range on (village, name_key) as well as the prefix test: PostgreSQL only turns LIKE 'abc%' into an
    # index range under the C collation; the range works under any (a superset, then filtered).
    # The startswith test is made in Python on the few rows of the range (SQL LIKE would need escaping).
    # Plain SQL: building this small ORM query cost more than running it.
    with prepared_cursor(router.db_for_read(Person)) as cursor:
        cursor.execute(_NAME_RANGE, [village_code, prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)])
        narrowed = {pk: key for pk, key in cursor.fetchall() if key.startswith(prefix)}
    best = _best(query, narrowed, limit)
    if not best:
        everyone = dict(Person.objects.filter(village_id=village_code).values_list("id", "name_key"))
        best = _best(query, everyone, limit)
    if not best:
        return []
    ids = [pk for pk, _score in best]
    # Records merged into another (bansos.linkage) are dropped here, not in the index-only scans above.
    found = _people_with_enrolments(
        f"WHERE p.id IN ({', '.join(['%s'] * len(ids))}) AND p.merged_into_id IS NULL", list(ids)
    )
    return [_result(*found[pk]) for pk in ids if pk in found]
