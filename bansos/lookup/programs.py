"""Per-program status of a household for the public check, read from bansos.programs.

Each active program shows the household's latest enrolment in a period that is not merely planned: YA when
enrolled, with the period label ("APR-JUN 2026"), payment status and date where known; TIDAK otherwise,
with the recorded reason when the household was excluded or is no longer eligible. A program with no
enrolment for the household is TIDAK without a period. When no program is configured at all, the four
standard programs are listed as TIDAK so the page never comes out empty.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from bansos.programs.models import Enrolment, Period, Program

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


def _from_enrolment(enrolment: Enrolment, name: str) -> ProgramStatus:
    receiving = enrolment.status == Enrolment.Status.ENROLLED
    return ProgramStatus(
        code=enrolment.program.code,
        name=name,
        receiving=receiving,
        period=enrolment.period.label,
        payment_status=str(enrolment.get_payment_status_display())
        if receiving and enrolment.payment_status
        else None,
        paid_on=enrolment.paid_on if receiving else None,
        reason=str(enrolment.get_reason_display()) if not receiving and enrolment.reason else None,
    )


def program_statuses(household_id: int) -> list[ProgramStatus]:
    """One status per active program (standard programs first, then others by code); two queries."""
    programs = dict(Program.objects.filter(active=True).values_list("code", "name"))
    if not programs:
        return [ProgramStatus(code=code, name=name, receiving=False) for code, name in STANDARD_PROGRAMS]
    latest: dict[str, ProgramStatus] = {}
    enrolments = (
        Enrolment.objects.filter(household_id=household_id, program__active=True)
        .exclude(period__state=Period.State.PLANNED)
        .select_related("program", "period")
        .order_by("program_id", "-period__year", "-period__stage")
    )
    for enrolment in enrolments:
        code = enrolment.program.code
        if code not in latest:
            latest[code] = _from_enrolment(enrolment, programs.get(code, enrolment.program.name))
    statuses = [
        latest.get(code) or ProgramStatus(code=code, name=name, receiving=False)
        for code, name in programs.items()
    ]
    return sorted(statuses, key=_sort_key)
