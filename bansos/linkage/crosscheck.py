"""Cross-checks against external lists an administrator imports: death records, ASN/TNI/Polri payroll,
high-wage earners.

CSV (UTF-8, comma-separated, header row): ``nik,name,birth_date,region_code,category,date``

* ``nik``: 16 digits, or empty. Stored only as its blind index.
* ``name``, ``birth_date`` (YYYY-MM-DD): required when ``nik`` is empty (then matched on name + birth date
  + region), optional otherwise.
* ``region_code``: 2, 4, 6 or 10-digit Kemendagri code narrowing the name match; optional.
* ``category``: payroll only, ``asn``, ``tni`` or ``polri`` (default ``asn``).
* ``date``: date of death (deaths) or of the record; optional.

A file with any bad row is rejected whole with every problem and its row number; nothing is stored.

Matches raise a PersonFlag and the household flag that the default exclusion rules test
(bansos.programs.defaults): deaths -> ``deceased`` once no living member remains; payroll ->
``civil_servant``/``military``/``police``; high wage -> ``income_above_minimum_wage``.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rapidfuzz import fuzz

from bansos.core import crypto
from bansos.core.audit import Actor, actor_label, record
from bansos.core.errors import DomainError
from bansos.linkage.models import ExternalList, ExternalRecord, ListKind, PersonFlag
from bansos.programs import services as programs_services
from bansos.programs.models import HouseholdFlag
from bansos.registry.models import Person
from bansos.registry.names import name_key

COLUMNS = ("nik", "name", "birth_date", "region_code", "category", "date")
CATEGORIES = {"asn": "civil_servant", "tni": "military", "polri": "police"}
MAX_ROWS = 1_000_000
NAME_MIN_SCORE = 0.9
_NIK = re.compile(r"^[0-9]{16}$")
_REGION = re.compile(r"^([0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10})$")


class CsvRejected(DomainError):
    code = "linkage.csv_rejected"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "; ".join(problems[:20]) + (" …" if len(problems) > 20 else "")
        super().__init__(
            gettext_lazy("The file was not imported (%(count)s problems): %(problems)s"),
            count=len(problems),
            problems=shown,
        )


@dataclass
class Row:
    row: int
    nik_index: str
    name_key: str
    birth_date: datetime.date | None
    region_code: str
    category: str
    event_date: datetime.date | None


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def parse_csv(text: str, kind: str) -> list[Row]:
    """Every row checked; CsvRejected lists the problems with their row numbers (the header is row 1)."""
    problems: list[str] = []
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in ("nik", "name", "birth_date") if c not in header]
    unknown = [h for h in header if h not in COLUMNS]
    if missing or unknown:
        raise CsvRejected(
            [
                _(
                    "row 1: the header must have the columns %(columns)s"
                    " (missing: %(missing)s; unknown: %(unknown)s)"
                )
                % {
                    "columns": ", ".join(COLUMNS),
                    "missing": ", ".join(missing) or "-",
                    "unknown": ", ".join(unknown) or "-",
                }
            ]
        )
    reader.fieldnames = header
    rows: list[Row] = []
    for number, raw in enumerate(reader, start=2):
        if number > MAX_ROWS + 1:
            problems.append(
                _("row %(row)s: too many rows (at most %(max)s)") % {"row": number, "max": MAX_ROWS}
            )
            break
        values = {k: (v or "").strip() for k, v in raw.items() if k is not None}
        if None in raw:
            problems.append(_("row %(row)s: more values than columns") % {"row": number})
            continue
        nik, name = values.get("nik", ""), values.get("name", "")
        birth_text, region = values.get("birth_date", ""), values.get("region_code", "")
        category, date_text = values.get("category", "").lower(), values.get("date", "")
        if nik and not _NIK.match(nik):
            problems.append(_("row %(row)s: NIK must be 16 digits") % {"row": number})
        birth = _date(birth_text) if birth_text else None
        if birth_text and birth is None:
            problems.append(_("row %(row)s: birth date must look like 1980-12-31") % {"row": number})
        if not nik and (not name_key(name) or not birth_text):
            problems.append(
                _("row %(row)s: without a NIK, name and birth date are required") % {"row": number}
            )
        if region and not _REGION.match(region):
            problems.append(_("row %(row)s: region code must have 2, 4, 6 or 10 digits") % {"row": number})
        if kind == ListKind.PAYROLL and category and category not in CATEGORIES:
            problems.append(_("row %(row)s: category must be asn, tni or polri") % {"row": number})
        event = _date(date_text) if date_text else None
        if date_text and event is None:
            problems.append(_("row %(row)s: date must look like 2025-06-30") % {"row": number})
        rows.append(
            Row(
                row=number,
                nik_index=crypto.blind_index(nik) if nik and _NIK.match(nik) else "",
                name_key=name_key(name),
                birth_date=birth,
                region_code=region,
                category=(category or "asn") if kind == ListKind.PAYROLL else category,
                event_date=event,
            )
        )
    if not rows and not problems:
        problems.append(_("the file has no data rows"))
    if problems:
        raise CsvRejected(problems)
    return rows


def _ground(kind: str, category: str) -> str:
    if kind == ListKind.DEATHS:
        return "deceased"
    if kind == ListKind.HIGH_WAGE:
        return "income_above_minimum_wage"
    return CATEGORIES.get(category, "civil_servant")


def _match_by_name(records: list[ExternalRecord], min_score: float) -> dict[int, tuple[int, float]]:
    """record id -> (person id, score) for records without a NIK: candidates share the birth date (and the
    region prefix when given); the best name score must reach ``min_score`` and be unique."""
    by_date: dict[datetime.date, list[ExternalRecord]] = defaultdict(list)
    for r in records:
        if r.birth_date is not None and r.name_key:
            by_date[r.birth_date].append(r)
    found: dict[int, tuple[int, float]] = {}
    dates = list(by_date)
    for start in range(0, len(dates), 500):
        chunk = dates[start : start + 500]
        people: dict[datetime.date, list[tuple[int, str, str]]] = defaultdict(list)
        for pk, key, birth, village in Person.objects.filter(
            birth_date__in=chunk, merged_into__isnull=True
        ).values_list("id", "name_key", "birth_date", "village_id"):
            people[birth].append((pk, key, village))
        for day in chunk:
            for r in by_date[day]:
                scored = sorted(
                    (
                        (fuzz.token_sort_ratio(r.name_key, key) / 100.0, pk)
                        for pk, key, village in people[day]
                        if village.startswith(r.region_code)
                    ),
                    reverse=True,
                )
                if scored and scored[0][0] >= min_score and (len(scored) == 1 or scored[1][0] < scored[0][0]):
                    found[r.pk] = (scored[0][1], scored[0][0])
    return found


def _raise_flag(
    person: Person, external: ExternalList, record_: ExternalRecord, method: str, score: float, actor: Actor
) -> PersonFlag | None:
    if PersonFlag.objects.filter(person=person, kind=external.kind, active=True).exists():
        return None
    ground = _ground(external.kind, record_.category)
    household_flag = None
    raise_household = True
    if external.kind == ListKind.DEATHS:
        flagged_dead = set(
            PersonFlag.objects.filter(
                person__household_id=person.household_id, kind=ListKind.DEATHS, active=True
            ).values_list("person_id", flat=True)
        ) | {person.pk}
        raise_household = not (
            Person.objects.filter(
                household_id=person.household_id, merged_into__isnull=True, deceased_date__isnull=True
            )
            .exclude(pk__in=flagged_dead)
            .exists()
        )
    if raise_household:
        household_flag = HouseholdFlag.objects.filter(
            household_id=person.household_id, ground=ground, active=True
        ).first() or programs_services.household_flag_add(
            household=person.household,
            ground=ground,
            actor=actor,
            source=f"linkage:{external.kind}:{external.pk}",
            note=f"row {record_.row}",
        )
    return PersonFlag.objects.create(
        person=person,
        kind=external.kind,
        method=method,
        score=score,
        record=record_,
        household_flag=household_flag,
    )


@transaction.atomic
def external_list_import(*, kind: str, source: str, text: str, actor: Actor) -> ExternalList:
    """Check the whole file (CsvRejected with row numbers, nothing stored), store it, then cross-check."""
    if kind not in ListKind.values:
        raise DomainError(gettext_lazy("Unknown list kind."), code="linkage.list_kind")
    rows = parse_csv(text, kind)
    external = ExternalList.objects.create(
        kind=kind, source=source[:200], rows=len(rows), actor_label=actor_label(actor)
    )
    ExternalRecord.objects.bulk_create(
        [
            ExternalRecord(
                external_list=external,
                row=r.row,
                nik_index=r.nik_index,
                name_key=r.name_key[:150],
                birth_date=r.birth_date,
                region_code=r.region_code,
                category=r.category,
                event_date=r.event_date,
            )
            for r in rows
        ],
        batch_size=5000,
    )
    record(
        actor=actor,
        event_type="linkage.list_imported",
        subject=external,
        details={"kind": kind, "source": source[:200], "rows": len(rows)},
    )
    return crosscheck_run(external=external, actor=actor)


@transaction.atomic
def crosscheck_run(*, external: ExternalList, actor: Actor, min_score: float | None = None) -> ExternalList:
    """Match the list's records to the registry (NIK blind index first, then name + birth date + region)
    and raise flags; records already matched are skipped, so running it again is harmless."""
    min_score = (
        min_score
        if min_score is not None
        else getattr(settings, "LINKAGE_CROSSCHECK_MIN_SCORE", NAME_MIN_SCORE)
    )
    pending = list(external.records.filter(person__isnull=True))
    with_nik = [r for r in pending if r.nik_index]
    people = {
        p.nik_index: p
        for p in Person.objects.select_related("household").filter(
            nik_index__in=[r.nik_index for r in with_nik], merged_into__isnull=True
        )
    }
    by_nik = by_name = 0
    for r in with_nik:
        person = people.get(r.nik_index)
        if person is not None:
            r.person = person
            r.save(update_fields=["person"])
            by_nik += _raise_flag(person, external, r, PersonFlag.Method.NIK, 1.0, actor) is not None
    named = _match_by_name([r for r in pending if not r.nik_index], min_score)
    matched = Person.objects.select_related("household").in_bulk([pk for pk, _s in named.values()])
    for r in pending:
        if r.pk in named:
            pk, score = named[r.pk]
            r.person = matched[pk]
            r.save(update_fields=["person"])
            by_name += (
                _raise_flag(matched[pk], external, r, PersonFlag.Method.PROBABILISTIC, score, actor)
                is not None
            )
    external.matched_by_nik += by_nik
    external.matched_by_name += by_name
    external.checked_at = timezone.now()
    external.save(update_fields=["matched_by_nik", "matched_by_name", "checked_at"])
    record(
        actor=actor,
        event_type="linkage.crosscheck_completed",
        subject=external,
        details={"kind": external.kind, "matched_by_nik": by_nik, "matched_by_name": by_name},
    )
    return external
