"""``bansos synth --people N --seed S``: write a deterministic synthetic population into the registry.

Running it again with the same arguments changes nothing (upsert by KK and NIK); runs with different
arguments add to the registry (their NIK/KK serials come from different blocks). Progress bars go to
stderr, the summary to stdout.
"""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bansos.core.audit import SystemActor
from bansos.registry.synth import DEFAULT_PER_VILLAGE, REFERENCE_DATE, population_synthesize


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Generate a realistic synthetic population (deterministic by seed) and write it to the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=_positive, required=True, help="exact number of people")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--per-village",
            type=_positive,
            default=DEFAULT_PER_VILLAGE,
            help=f"about this many people per village (default {DEFAULT_PER_VILLAGE})",
        )
        parser.add_argument(
            "--village",
            action="append",
            dest="villages",
            metavar="CODE",
            help="10-digit village code to populate (repeatable); default: villages drawn over all provinces",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=REFERENCE_DATE,
            help=f"reference date for ages and events, YYYY-MM-DD (default {REFERENCE_DATE.isoformat()})",
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            counts = population_synthesize(
                people=options["people"],
                seed=options["seed"],
                actor=SystemActor("command:synth"),
                per_village=options["per_village"],
                villages=options["villages"],
                progress=not options["no_progress"] and options["verbosity"] > 0,
                today=options["today"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{key} {value:,}" for key, value in counts.items())
        self.stdout.write(f"synthetic population (seed {options['seed']}): {summary} in {elapsed:.1f} s")
