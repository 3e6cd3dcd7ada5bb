"""Per-program status of a household for the public check, read from bansos.programs when it is there.

``program_statuses`` is the only place the lookup app touches program data. While the programs app has no
models (or no programs yet), every standard program is reported as not received (TIDAK) without a period.
With enrolments, each program shows the household's latest enrolment in a period that is not merely
planned: YA when enrolled, with the period label ("APR-JUN 2026"), payment status and date where known, and
the recorded reason when the household was excluded or is no longer eligible.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Model

# The four programs the public check always lists, in this order, when no program data exists.
STANDARD_PROGRAMS: tuple[tuple[str, str], ...] = (
    ("PKH", "Program Keluarga Harapan (PKH)"),
    ("BPNT", "BPNT/Sembako"),
    ("PBI-JK", "PBI Jaminan Kesehatan (PBI-JK)"),
    ("BLT", "Bantuan Langsung Tunai (BLT)"),
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


def _model(name: str) -> type[Model] | None:
    """The programs app's model when it is installed and its table exists, else None."""
    if not apps.is_installed("bansos.programs"):
        return None
    try:
        model = apps.get_model("programs", name)
    except LookupError:
        return None
    return model if model._meta.db_table in _tables() else None


@functools.cache
def _tables() -> frozenset[str]:
    """Tables of the default database, read once per process (a model may exist before its migration)."""
    return frozenset(connection.introspection.table_names())


def _standard(*, reason: str | None = None) -> list[ProgramStatus]:
    return [
        ProgramStatus(code=code, name=name, receiving=False, reason=reason)
        for code, name in STANDARD_PROGRAMS
    ]


def _sort_key(status: ProgramStatus) -> tuple[int, str]:
    return (ORDER.get(status.code, len(ORDER)), status.code)


def _from_enrolment(enrolment: Any) -> ProgramStatus:
    program = enrolment.program
    receiving = enrolment.status == "enrolled"
    payment = str(enrolment.get_payment_status_display()) if receiving and enrolment.payment_status else None
    paid_on = getattr(enrolment, "paid_on", None) if receiving else None
    reason = None
    if not receiving and enrolment.reason:
        reason = str(enrolment.get_reason_display())
    return ProgramStatus(
        code=program.code,
        name=program.name,
        receiving=receiving,
        period=enrolment.period.label,
        payment_status=payment,
        paid_on=paid_on,
        reason=reason,
    )


def program_statuses(household_id: int) -> list[ProgramStatus]:
    """One status per program (standard programs first, then others by code); two queries at most."""
    program_model = _model("Program")
    enrolment_model = _model("Enrolment")
    if program_model is None or enrolment_model is None:
        return _standard()
    programs = list(program_model.objects.filter(active=True).values_list("code", "name"))  # type: ignore[attr-defined]
    if not programs:
        return _standard()
    latest: dict[str, ProgramStatus] = {}
    enrolments = (
        enrolment_model.objects.filter(household_id=household_id)  # type: ignore[attr-defined]
        .exclude(period__state="planned")
        .select_related("program", "period")
        .order_by("program_id", "-period__year", "-period__stage")
    )
    for enrolment in enrolments:
        latest.setdefault(enrolment.program.code, _from_enrolment(enrolment))
    statuses = [
        latest.get(code) or ProgramStatus(code=code, name=name, receiving=False) for code, name in programs
    ]
    return sorted(statuses, key=_sort_key)
