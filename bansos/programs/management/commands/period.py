"""``bansos period --program PKH --period 2026-1 --to open``: move a period to another state;
``bansos period --program PKH --plan-year 2027`` creates a year's periods; without options, lists them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bansos.core.audit import SystemActor
from bansos.core.errors import DomainError
from bansos.programs import services
from bansos.programs.models import Period
from bansos.programs.selectors import period_by_code, program_by_code


class Command(BaseCommand):
    help = "List, plan or change the state of program periods (planned -> open -> locked -> paid)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True)
        parser.add_argument("--period", help="year-stage, e.g. 2026-1")
        parser.add_argument("--to", choices=Period.State.values, help="new state")
        parser.add_argument("--plan-year", type=int, help="create the year's periods")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("command:period")
        try:
            program = program_by_code(options["program"])
            if options["plan_year"]:
                created = services.periods_plan_year(program=program, year=options["plan_year"], actor=actor)
                self.stdout.write(f"{len(created)} periods created")
            if options["to"]:
                if not options["period"]:
                    raise CommandError("--to needs --period")
                period = period_by_code(program.code, options["period"])
                period = services.period_transition(period=period, to=options["to"], actor=actor)
                self.stdout.write(f"{program.code} {period.code} is now {period.state}")
                return
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for period in program.periods.order_by("year", "stage"):
            self.stdout.write(f"{period.code:<8} {period.label:<16} {period.state}")
