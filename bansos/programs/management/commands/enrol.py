"""``bansos enrol --program PKH --period 2026-1 [--dry-run]``: eligibility and enrolment for one period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from bansos.core.audit import SystemActor
from bansos.core.errors import DomainError
from bansos.programs.enrolment import eligibility_dry_run, enrolment_run
from bansos.programs.selectors import period_by_code

PHASES = ["clear", "eligibility and benefit", "count"]


class Command(BaseCommand):
    help = "Enrol households in a program for one period (or show counts per region with --dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program", required=True, help="program code, e.g. PKH")
        parser.add_argument("--period", required=True, help="year-stage, e.g. 2026-1")
        parser.add_argument("--dry-run", action="store_true", help="count per region, write nothing")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = period_by_code(options["program"], options["period"])
            if options["dry_run"]:
                self._dry_run(eligibility_dry_run(period=period))
                return
            with tqdm(total=len(PHASES), disable=options["no_progress"], unit="step") as bar:

                def progress(phase: str) -> None:
                    bar.set_description(phase)
                    bar.update(1)

                run = enrolment_run(period=period, actor=SystemActor("command:enrol"), progress=progress)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"{period.program.code} {period.code} ({period.label}): {run.enrolled} enrolled, "
            f"{run.excluded} excluded, {run.left} left since the previous period, "
            f"Rp{run.total_amount:,} in {run.seconds:.2f} s"
        )

    def _dry_run(self, rows: list[dict[str, Any]]) -> None:
        self.stdout.write(f"{'regency':<8} {'enrolled':>10} {'excluded':>10} {'left':>8}")
        totals = {"enrolled": 0, "excluded": 0, "left": 0}
        for row in rows:
            self.stdout.write(
                f"{row['regency']:<8} {row['enrolled']:>10} {row['excluded']:>10} {row['left']:>8}"
            )
            for key in totals:
                totals[key] += row[key]
        self.stdout.write(
            f"{'total':<8} {totals['enrolled']:>10} {totals['excluded']:>10} {totals['left']:>8}"
        )
        self.stdout.write("dry run: nothing was written")
