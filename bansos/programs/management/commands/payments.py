"""``bansos payments --program PKH --period 2026-1 --channel BRI [--format xlsx] [--out DIR]`` writes the
payment list of a locked period; ``bansos payments --reconcile RESULT.csv --batch ID`` applies the
channel's result file and prints the mismatch report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bansos.core.audit import SystemActor
from bansos.core.errors import DomainError
from bansos.programs.models import PaymentBatch
from bansos.programs.payments import payment_list_export, payment_result_import
from bansos.programs.selectors import period_by_code


class Command(BaseCommand):
    help = "Export a payment list per channel (CSV/XLSX with totals and checksum) or reconcile a result file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--program")
        parser.add_argument("--period", help="year-stage, e.g. 2026-1")
        parser.add_argument("--channel", help="BRI, BNI, MANDIRI, BTN or POS")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--out", default=".", help="directory for the payment list")
        parser.add_argument("--reconcile", help="the channel's result file (CSV)")
        parser.add_argument("--batch", type=int, help="payment batch id (with --reconcile)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("command:payments")
        try:
            if options["reconcile"]:
                batch = PaymentBatch.objects.filter(pk=options["batch"]).first()
                if batch is None:
                    raise CommandError("--reconcile needs --batch with an existing payment batch id")
                report = payment_result_import(
                    batch=batch, content=Path(options["reconcile"]).read_bytes(), actor=actor
                )
                self.stdout.write(f"batch #{batch.pk}: {report.counts}; {len(report.mismatches)} mismatches")
                for item in report.mismatches:
                    self.stdout.write(
                        f"  line {item['line']}: reference {item['reference']}: {item['problem']}"
                    )
                return
            if not (options["program"] and options["period"] and options["channel"]):
                raise CommandError("export needs --program, --period and --channel")
            period = period_by_code(options["program"], options["period"])
            exported = payment_list_export(
                period=period, channel=options["channel"].upper(), actor=actor, fmt=options["format"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        path = Path(options["out"]) / exported.filename
        path.write_bytes(exported.content)
        batch = exported.batch
        self.stdout.write(
            f"{path}: batch #{batch.pk}, {batch.rows} rows, Rp{batch.total_amount:,}, sha256 {batch.checksum}"
        )
