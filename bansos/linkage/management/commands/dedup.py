"""``bansos dedup``: exact duplicate checks (SQL) and probabilistic duplicates (Splink) over the registry;
new candidate pairs go to the review queue (/petugas/duplikat/). Progress on stderr, summary on stdout.

    bansos dedup                       exact checks, then Splink with the latest model (trains one if none)
    bansos dedup --train               train and save a new model version first
    bansos dedup --threshold 0.95      match-probability threshold for this run
    bansos dedup --backend spark       Spark instead of DuckDB (needs pyspark; see docs/adr/0007)
    bansos dedup --exact-only | --probabilistic-only
    bansos dedup --background          enqueue the same work as a background task
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from bansos.core.audit import SystemActor
from bansos.core.errors import DomainError
from bansos.linkage import dedup
from bansos.linkage.models import Run


class Command(BaseCommand):
    help = "Find duplicate people (exact checks and Splink) and queue them for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--threshold", type=float, default=None, help="match probability, 0-1")
        parser.add_argument("--train", action="store_true", help="train a new model version first")
        parser.add_argument("--model", default="", help="model version to use (default: the latest)")
        parser.add_argument("--backend", choices=["duckdb", "spark"], default=None)
        only = parser.add_mutually_exclusive_group()
        only.add_argument("--exact-only", action="store_true")
        only.add_argument("--probabilistic-only", action="store_true")
        parser.add_argument("--background", action="store_true", help="enqueue as a background task")

    def handle(self, *args: Any, **options: Any) -> None:
        threshold = options["threshold"]
        if threshold is not None and not 0 < threshold < 1:
            raise CommandError("--threshold must be between 0 and 1 (exclusive)")
        exact = not options["probabilistic_only"]
        probabilistic = not options["exact_only"]
        if options["background"]:
            from bansos.linkage.tasks import dedup_task

            result = dedup_task.enqueue(
                exact=exact, probabilistic=probabilistic, threshold=threshold, train=options["train"]
            )
            self.stdout.write(f"enqueued task {result.id}")
            return
        actor = SystemActor("command:dedup")
        steps = int(exact) + int(probabilistic) * 4
        runs: list[Run] = []
        with tqdm(total=steps, desc="dedup", unit="step", disable=options["verbosity"] < 1) as bar:

            def progress(message: str) -> None:
                bar.set_postfix_str(message)
                bar.update(1)

            if exact:
                runs.append(dedup.dedup_exact(actor=actor))
                progress("exact checks done")
            if probabilistic:
                try:
                    runs.append(
                        dedup.dedup_probabilistic(
                            actor=actor,
                            threshold=threshold,
                            train=options["train"],
                            model_version=options["model"],
                            backend=options["backend"],
                            progress=progress,
                        )
                    )
                except DomainError as exc:
                    raise CommandError(exc.message) from exc
        for run in runs:
            model = f" model={run.model.version}" if run.model else ""
            self.stdout.write(
                f"{run.kind}: records={run.records} pairs_found={run.pairs_found} new={run.pairs_new}"
                f"{model} seconds={run.seconds}"
            )
