"""Reads of programs, periods and enrolments."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from bansos.core.errors import NotFound
from bansos.programs.models import Enrolment, Period, Program


def program_by_code(code: str) -> Program:
    program = Program.objects.filter(code__iexact=code).first()
    if program is None:
        raise NotFound(_("There is no program %(program)s."), code="programs.program_unknown", program=code)
    return program


def period_by_code(program_code: str, period_code: str) -> Period:
    """``period_code`` is "year-stage", e.g. "2026-1"."""
    program = program_by_code(program_code)
    year, _sep, stage = period_code.partition("-")
    period = None
    if year.isdigit() and stage.isdigit():
        period = (
            Period.objects.select_related("program")
            .filter(program=program, year=int(year), stage=int(stage))
            .first()
        )
    if period is None:
        raise NotFound(
            _("%(program)s has no period %(period)s (write year-stage, e.g. 2026-1)."),
            code="programs.period_unknown",
            program=program.code,
            period=period_code,
        )
    return period


def enrolments_of_period(period: Period) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(period=period)
