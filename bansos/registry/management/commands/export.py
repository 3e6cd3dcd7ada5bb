"""``bansos export --households H --people P [--village CODE ...]``: write the registry exchange format.

The files hold NIK and KK in clear: keep them as safe as the database itself.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bansos.core.errors import DomainError
from bansos.registry.exporter import registry_export


class Command(BaseCommand):
    help = "Export households and people to CSV or Parquet files (the format import reads)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=Path, required=True, help="households file (.csv/.parquet)")
        parser.add_argument("--people", type=Path, required=True, help="people file (.csv/.parquet)")
        parser.add_argument(
            "--village",
            action="append",
            dest="villages",
            metavar="CODE",
            help="only this 10-digit village (repeatable); default: the whole registry",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            counts = registry_export(
                households_path=options["households"],
                people_path=options["people"],
                village_codes=options["villages"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"exported {counts.households:,} households to {options['households']} and "
            f"{counts.people:,} people to {options['people']} in {elapsed:.1f} s"
        )
