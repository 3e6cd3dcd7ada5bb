"""``bansos import --households H --people P``: import the registry exchange format (CSV or Parquet).

Rejected rows go to a rejects CSV (default ``<people>.rejects.csv``); an interrupted import resumes when
run again with the same files; files already imported are not imported again unless ``--force``.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bansos.core.audit import SystemActor
from bansos.core.errors import DomainError
from bansos.registry.importer import DEFAULT_CHUNK_SIZE, Counts, registry_import


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def _summary(label: str, counts: Counts) -> str:
    text = (
        f"{label}: {counts.read:,} read, {counts.inserted:,} new, {counts.updated:,} updated, "
        f"{counts.unchanged:,} unchanged, {counts.rejected:,} rejected"
    )
    return text + (f" ({counts.skipped:,} written by the interrupted attempt)" if counts.skipped else "")


class Command(BaseCommand):
    help = "Import households and people from CSV or Parquet files (idempotent, resumable)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--households", type=Path, required=True, help="households file (.csv/.parquet)")
        parser.add_argument("--people", type=Path, required=True, help="people file (.csv/.parquet)")
        parser.add_argument("--rejects", type=Path, help="rejects CSV (default: <people>.rejects.csv)")
        parser.add_argument(
            "--chunk-size",
            type=_positive,
            default=DEFAULT_CHUNK_SIZE,
            help=f"rows per transaction and checkpoint (default {DEFAULT_CHUNK_SIZE:,})",
        )
        parser.add_argument("--force", action="store_true", help="import again files already imported")
        parser.add_argument("--no-progress", action="store_true", help="no progress bars on stderr")
        parser.add_argument(
            "--initial-load",
            action="store_true",
            help="PostgreSQL, empty registry: load everything in one locked transaction that builds the "
            "indexes at the end (faster; an interruption keeps nothing and the next run starts again) "
            "instead of chunk by chunk with checkpoints",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        try:
            report = registry_import(
                households_path=options["households"],
                people_path=options["people"],
                rejects_path=options["rejects"],
                actor=SystemActor("command:import"),
                chunk_size=options["chunk_size"],
                progress=not options["no_progress"] and options["verbosity"] > 0,
                force=options["force"],
                initial_load=options["initial_load"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        if report.already_imported:
            self.stdout.write(
                f"already imported (import #{report.run_id}): nothing changed. Use --force to import again."
            )
            return
        elapsed = time.perf_counter() - started
        verb = "resumed and completed" if report.resumed else "completed"
        mode = " (initial load into empty tables)" if report.initial_load else ""
        self.stdout.write(f"import #{report.run_id} {verb} in {elapsed:.1f} s{mode}")
        self.stdout.write(_summary("households", report.households))
        self.stdout.write(_summary("people", report.people))
        if report.rejected:
            self.stdout.write(f"{report.rejected:,} rejected rows listed in {report.rejects_path}")
