"""Per-program status of a household for the public check, read from bansos.programs.

Each active program shows the household's latest enrolment in a period that is not merely planned: YA when
enrolled, with the period label ("APR-JUN 2026"), payment status and date where known; TIDAK otherwise,
with the recorded reason when the household was excluded or is no longer eligible. A program with no
enrolment for the household is TIDAK without a period. When no program is configured at all, the four
standard programs are listed as TIDAK so the page never comes out empty.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from django.utils.translation import get_language

from bansos.lookup.catalogue import Catalogue, catalogue
from bansos.programs.models import Enrolment

# The four programs the public check lists first, in this order.
STANDARD_PROGRAMS: tuple[tuple[str, str], ...] = (
    ("PKH", "Program Keluarga Harapan"),
    ("BPNT", "Bantuan Pangan Non-Tunai (Sembako)"),
    ("PBI-JK", "Penerima Bantuan Iuran Jaminan Kesehatan"),
    ("BLT", "Bantuan Langsung Tunai"),
)
ORDER = {code: position for position, (code, _name) in enumerate(STANDARD_PROGRAMS)}


@dataclass(frozen=True)
class ProgramStatus:
    code: str
    name: str
    receiving: bool
    period: str | None = None
    payment_status: str | None = None
    paid_on: datetime.date | None = None
    reason: str | None = None

    @property
    def answer(self) -> str:
        return "YA" if self.receiving else "TIDAK"


def _sort_key(status: ProgramStatus) -> tuple[int, str]:
    return (ORDER.get(status.code, len(ORDER)), status.code)


# One enrolment as read by the lookup: (program id, period id, status, reason, payment status, paid on).
EnrolmentRow = tuple[int, int, str, str, str, datetime.date | None]
ENROLMENT_COLUMNS = ("program_id", "period_id", "status", "reason", "payment_status", "paid_on")
_REASONS = dict(Enrolment._meta.get_field("reason").flatchoices)
_PAYMENTS = dict(Enrolment._meta.get_field("payment_status").flatchoices)
# Translated labels by (language, field, value): translating a lazy label costs more than the rest of a
# status, and a check shows up to four of them. Bounded by languages x choices.
_translated: dict[tuple[str | None, int, str], str] = {}


def _label(labels: dict[str, object], value: str, language: str | None) -> str:
    key = (language, id(labels), value)
    text = _translated.get(key)
    if text is None:
        text = _translated[key] = str(labels.get(value, value))
    return text


def _from_row(row: EnrolmentRow, code: str, name: str, label: str, language: str | None) -> ProgramStatus:
    _program_id, _period_id, status, reason, payment_status, paid_on = row
    receiving = status == Enrolment.Status.ENROLLED
    return ProgramStatus(
        code=code,
        name=name,
        receiving=receiving,
        period=label,
        payment_status=_label(_PAYMENTS, payment_status, language) if receiving and payment_status else None,
        paid_on=paid_on if receiving else None,
        reason=_label(_REASONS, reason, language) if not receiving and reason else None,
    )


# Households share a handful of enrolment patterns (the same programs, periods, states and payment dates):
# each pattern's statuses are worked out once per catalogue and language. Bounded: cleared when full.
_DERIVED_MAX = 20_000
_program_and_period = itemgetter(0, 1)  # unique per household: rows never tie


def statuses_from_rows(rows: Iterable[EnrolmentRow]) -> list[ProgramStatus]:
    """One status per active program from a household's enrolment rows (any order), with no query: the
    programs and periods come from the per-process catalogue (bansos.lookup.catalogue)."""
    known = catalogue()
    language = get_language()
    ordered = tuple(sorted(rows, key=_program_and_period))
    key = (language, ordered)
    statuses: tuple[ProgramStatus, ...] | None = known.derived.get(key)  # type: ignore[assignment]
    if statuses is None:
        if len(known.derived) >= _DERIVED_MAX:
            known.derived.clear()
        statuses = known.derived[key] = tuple(_statuses(known, ordered, language))
    return list(statuses)


def _statuses(known: Catalogue, rows: Iterable[EnrolmentRow], language: str | None) -> list[ProgramStatus]:
    if not known.programs:
        return [ProgramStatus(code=code, name=name, receiving=False) for code, name in STANDARD_PROGRAMS]
    latest: dict[int, tuple[tuple[int, int], EnrolmentRow]] = {}
    for row in rows:
        program_id, period_id = row[0], row[1]
        period = known.periods.get(period_id)
        if program_id not in known.programs or period is None:
            continue  # inactive program, or a period still being planned
        when = (period[0], period[1])
        if program_id not in latest or when > latest[program_id][0]:
            latest[program_id] = (when, row)
    statuses = []
    for program_id, (code, name) in known.programs.items():
        found = latest.get(program_id)
        if found is None:
            statuses.append(ProgramStatus(code=code, name=name, receiving=False))
        else:
            statuses.append(_from_row(found[1], code, name, known.periods[found[1][1]][2], language))
    return sorted(statuses, key=_sort_key)


def program_statuses(household_id: int) -> list[ProgramStatus]:
    """One status per active program (standard programs first, then others by code); one query for the
    household's enrolments, programs and periods from the catalogue."""
    rows = Enrolment.objects.filter(household_id=household_id).values_list(*ENROLMENT_COLUMNS)
    return statuses_from_rows(rows)
