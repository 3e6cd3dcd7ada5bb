"""Reads behind the public status check: by NIK (blind index) or by village + name (fuzzy, bounded).

Results carry only what the public may see: the masked name, the village path, the decile and the status
per program. Nothing here logs or returns a NIK or an unmasked name.

Records merged into another (duplicates, bansos.linkage) are never found: only the surviving record is.
Deceased people are found like anyone else, but every program is reported as TIDAK with the reason
"recorded as deceased": someone wrongly recorded as deceased (a frequent complaint) must learn it so they
can have it corrected at the village office, and relatives learn why the aid stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext
from rapidfuzz import fuzz, process

from bansos.lookup.masking import mask_name
from bansos.lookup.programs import ProgramStatus, program_statuses
from bansos.regions.selectors import village_path
from bansos.registry import selectors as registry_selectors
from bansos.registry.models import Person
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


def _result(person: Person) -> LookupResult:
    deceased = person.deceased_date is not None
    if deceased:
        programs = [
            ProgramStatus(
                code=p.code,
                name=p.name,
                receiving=False,
                period=p.period,
                reason=gettext("recorded as deceased"),
            )
            for p in program_statuses(person.household_id)
        ]
    else:
        programs = program_statuses(person.household_id)
    return LookupResult(
        masked_name=mask_name(person.full_name),
        village_code=person.village_id,
        region=village_path(person.village_id) or {},
        decile=person.household.decile,
        deceased=deceased,
        programs=programs,
    )


def status_by_nik(nik: str) -> LookupResult | None:
    """The status of the person with this (already validated) NIK, or None when not in the registry."""
    person = registry_selectors.person_by_nik(nik)
    return _result(person) if person is not None else None


def _min_score() -> float:
    return float(getattr(settings, "LOOKUP_NAME_MIN_SCORE", NAME_MIN_SCORE))


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
    people = Person.objects.filter(village_id=village_code, merged_into__isnull=True)
    prefix = query.split()[0][:NAME_PREFIX_LENGTH]
    narrowed = dict(
        registry_selectors.people_in_village_by_name_key(village_code, prefix).values_list("id", "name_key")
    )
    best = _best(query, narrowed, limit)
    if not best:
        everyone = dict(people.values_list("id", "name_key"))
        best = _best(query, everyone, limit)
    if not best:
        return []
    found = Person.objects.select_related("household").in_bulk([pk for pk, _score in best])
    return [_result(found[pk]) for pk, _score in best]
