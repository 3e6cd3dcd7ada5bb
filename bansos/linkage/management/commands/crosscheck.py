"""``bansos crosscheck --kind deaths|payroll|high_wage FILE.csv``: import an external list and match it to
the registry (NIK blind index, else name + birth date + region), raising the flags the exclusion rules
use. A file with bad rows is rejected whole with row numbers. ``--list ID`` re-runs an imported list;
``--background`` does that as a task."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from bansos.core.audit import SystemActor
from bansos.linkage.crosscheck import CsvRejected, crosscheck_run, external_list_import
from bansos.linkage.models import ExternalList, ListKind


class Command(BaseCommand):
    help = "Import an external list (deaths, payroll, high earners) and cross-check it against the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "file", nargs="?", help="CSV file (nik,name,birth_date,region_code,category,date)"
        )
        parser.add_argument("--kind", choices=ListKind.values)
        parser.add_argument("--source", default="", help="where the list comes from (default: file name)")
        parser.add_argument(
            "--list", type=int, default=None, help="re-run the cross-check of an imported list"
        )
        parser.add_argument("--background", action="store_true", help="with --list: enqueue as a task")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = SystemActor("command:crosscheck")
        with tqdm(total=2, desc="crosscheck", unit="step", disable=options["verbosity"] < 1) as bar:
            if options["list"] is not None:
                external = ExternalList.objects.filter(pk=options["list"]).first()
                if external is None:
                    raise CommandError(f"no external list #{options['list']}")
                if options["background"]:
                    from bansos.linkage.tasks import crosscheck_task

                    self.stdout.write(f"enqueued task {crosscheck_task.enqueue(list_id=external.pk).id}")
                    return
                bar.update(1)
                external = crosscheck_run(external=external, actor=actor)
            else:
                if not options["file"] or not options["kind"]:
                    raise CommandError("give --kind and a CSV file (or --list ID)")
                path = Path(options["file"])
                try:
                    text = path.read_text(encoding="utf-8-sig")
                except (OSError, UnicodeDecodeError) as exc:
                    raise CommandError(f"cannot read {path}: {exc}") from exc
                bar.update(1)
                try:
                    external = external_list_import(
                        kind=options["kind"], source=options["source"] or path.name, text=text, actor=actor
                    )
                except CsvRejected as exc:
                    raise CommandError(
                        "\n".join(["file rejected, nothing imported:", *exc.problems])
                    ) from exc
            bar.update(1)
        self.stdout.write(
            f"list #{external.pk} {external.kind}: rows={external.rows} "
            f"matched_by_nik={external.matched_by_nik} matched_by_name={external.matched_by_name}"
        )
