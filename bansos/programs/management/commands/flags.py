"""``bansos flags --ground income_above_minimum_wage --file kk.txt --source "BPJS-TK 2026-01"``: flag the
households of a cross-check list (one KK number per line, or a CSV whose first column is the KK)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bansos.core.audit import SystemActor
from bansos.core.errors import DomainError
from bansos.programs.models import Ground
from bansos.programs.services import household_flags_import


class Command(BaseCommand):
    help = (
        "Flag households from a cross-check list of KK numbers (exclusion grounds without a registry column)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ground", required=True, choices=Ground.values)
        parser.add_argument("--file", required=True, help="one KK per line (or CSV, KK in the first column)")
        parser.add_argument("--source", default="", help="where the list comes from")

    def handle(self, *args: Any, **options: Any) -> None:
        with Path(options["file"]).open(newline="", encoding="utf-8-sig") as handle:
            kks = [row[0] for row in csv.reader(handle) if row and row[0].strip()]
        kks = [kk for kk in kks if any(ch.isdigit() for ch in kk)]  # drops a header line
        try:
            counts = household_flags_import(
                ground=options["ground"],
                kks=kks,
                source=options["source"],
                actor=SystemActor("command:flags"),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(", ".join(f"{key} {value}" for key, value in counts.items()))
