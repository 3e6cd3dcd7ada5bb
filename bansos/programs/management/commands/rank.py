"""``bansos rank [--model VERSION]``: score every active household and assign national deciles."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bansos.core.audit import SystemActor
from bansos.core.errors import DomainError
from bansos.programs.models import PmtModel
from bansos.programs.ranking import ranking_run


class Command(BaseCommand):
    help = "Compute welfare scores and deciles 1-10 for the whole registry (one set-based statement)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--model", help="PMT model version (default: the active national model)")

    def handle(self, *args: Any, **options: Any) -> None:
        model = None
        if options["model"]:
            model = PmtModel.objects.filter(version=options["model"]).first()
            if model is None:
                raise CommandError(f"unknown PMT model {options['model']}")
        try:
            run = ranking_run(actor=SystemActor("command:rank"), model=model)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"ranking run #{run.pk} ({run.model_version}): {run.households_ranked} households ranked, "
            f"{run.households_cleared} cleared in {run.seconds:.2f} s"
        )
        for decile, count in run.decile_counts.items():
            self.stdout.write(f"  decile {decile:>2}: {count}")
