"""Import throughput against PostgreSQL's raw COPY, measured in the same run; plus the SQLite figure.

    .venv/bin/python bench/import.py --people 1000000

Generates a synthetic population (``bansos.registry.synth``: ~3.2 people per household in real villages,
valid NIK/KK) and writes it as ``households.csv`` + ``people.csv`` to a temporary folder. Then, on its own
PostgreSQL database (default ``postgres://postgres@127.0.0.1:5432/bansos_bench``, dropped and created
afresh, migrated, regions loaded; dropped again at the end unless ``--keep``):

(a) raw COPY: ``COPY ... FROM STDIN (FORMAT csv, HEADER)`` of both files into two plain (logged, not
    UNLOGGED) tables of text columns with no constraint or index: the cheapest way to get the bytes in;
(b) bansos import: ``registry_import`` of the same files into the empty registry: parse, validate every
    row, encrypt NIK/KK, blind indexes, name keys, then an initial load (one transaction: the tables'
    indexes and unique/foreign-key constraints dropped, COPY, created again, ANALYZE); with
    ``--no-initial-load`` the ordinary way (COPY, or staging + INSERT ... ON CONFLICT, into the indexed
    tables, a checkpoint per chunk);
(c) database floor: the rows (b) wrote, already encrypted, dumped with COPY TO (binary) and loaded back
    with COPY FROM into the emptied registry tables the way (b) loaded them (an initial load: indexes and
    unique/foreign-key constraints dropped, COPY, created again, ANALYZE; with ``--no-initial-load``:
    into the indexed tables): what the database alone needs to store these rows with the registry's
    indexes and foreign keys, no Python at all, i.e. the best the import could do;
(d) SQLite: the same import into a migrated temporary SQLite file (in a subprocess), and for reference a
    plain ``executemany`` of the same CSV rows into unconstrained text tables.

Rows counted = households + people. Prints rows/s for each, the PostgreSQL ratio ours/raw (target
>= 0.5) and ours/floor; medians over ``--repeat`` runs. ``--profile`` prints where the import's main
thread spends its time. Test settings (fixed throw-away keys) are used: the population is synthetic.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOUSEHOLDS_CSV, PEOPLE_CSV = "households.csv", "people.csv"


# --- helpers that need no Django ---------------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if value is True:
        return 1
    if value is False:
        return 0
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(value) for value in row])
            count += 1
    return count


def timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:>10,.0f} rows/s  ({seconds:7.1f} s)"


def median(values: list[float]) -> float:
    return statistics.median(values)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()


def prepare_database() -> None:
    from django.core.management import call_command

    from bansos.core.audit import SystemActor
    from bansos.regions.loader import regions_load
    from bansos.regions.models import Village

    call_command("migrate", verbosity=0)
    if not Village.objects.exists():
        regions_load(actor=SystemActor("bench:import"))


WORKER_CHOICES = {"auto": None, "process": True, "thread": False}


def backend_cpu_seconds() -> float | None:
    """CPU time so far of this connection's PostgreSQL backend process (a local server only)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


class CpuMeter:
    """CPU seconds spent by this process, its (joined) child processes and the PostgreSQL backend during
    a block: on a shared machine a better guide than wall time to what an idle machine would do."""

    def __enter__(self) -> CpuMeter:
        self._times, self._backend = os.times(), backend_cpu_seconds()
        return self

    def __exit__(self, *exc_info: object) -> None:
        times, backend = os.times(), backend_cpu_seconds()
        self.main = times.user + times.system - self._times.user - self._times.system
        self.children = max(
            0.0,
            times.children_user
            + times.children_system
            - self._times.children_user
            - self._times.children_system,
        )
        self.postgres = None if backend is None or self._backend is None else backend - self._backend

    def __str__(self) -> str:
        postgres = "?" if self.postgres is None else f"{self.postgres:.1f}"
        return f"CPU s: main {self.main:.1f}, worker {self.children:.1f}, PostgreSQL backend {postgres}"


def run_import(
    folder: Path, chunk_size: int, profile: bool = False, worker: str = "auto", initial_load: bool = True
) -> tuple[float, Any]:
    from bansos.core.audit import SystemActor
    from bansos.registry.importer import registry_import

    def action() -> Any:
        return registry_import(
            households_path=folder / HOUSEHOLDS_CSV,
            people_path=folder / PEOPLE_CSV,
            rejects_path=folder / "rejects.csv",
            actor=SystemActor("bench:import"),
            chunk_size=chunk_size,
            progress=False,
            force=True,
            worker_process=WORKER_CHOICES[worker],
            initial_load=initial_load,
        )

    if not profile:
        return timed(action)
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    seconds, report = timed(lambda: profiler.runcall(action))
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(20)
    return seconds, report


def _mode(report: Any) -> str:
    load = "initial load, indexes built at the end" if report.initial_load else "upsert into indexed tables"
    return f"{load}; preparation in a {report.preparation}"


def check_report(report: Any, households: int, people: int) -> None:
    got = (report.households.inserted, report.people.inserted, report.rejected)
    if got != (households, people, 0):
        raise SystemExit(
            f"import wrote {got} (households, people, rejected); expected {households}, {people}, 0"
        )


# --- PostgreSQL --------------------------------------------------------------------------------------------

RAW_TABLES = {"bench_raw_households": HOUSEHOLDS_CSV, "bench_raw_people": PEOPLE_CSV}


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


def raw_copy(folder: Path) -> float:
    """COPY both CSV files into plain text tables without constraints, in one transaction."""
    from django.db import connection, transaction

    from bansos.registry import formats

    columns = {"bench_raw_households": formats.HOUSEHOLD_COLUMNS, "bench_raw_people": formats.PERSON_COLUMNS}
    with connection.cursor() as cursor:
        for table, names in columns.items():
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} ({', '.join(f'{name} text' for name in names)})")
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table, filename in RAW_TABLES.items():
            with (
                (folder / filename).open("rb") as handle,
                cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER)") as copy,
            ):
                while block := handle.read(1 << 20):
                    copy.write(block)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        for table in RAW_TABLES:
            cursor.execute(f"DROP TABLE {table}")
    return seconds


def empty_registry(*, runs: bool = True) -> None:
    from django.db import connection

    tables = "registry_person, registry_household" + (", registry_importrun" if runs else "")
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables} CASCADE")
        cursor.execute("CHECKPOINT")


def database_floor(folder: Path, initial_load: bool) -> tuple[float, float, CpuMeter]:
    """Dump the registry rows the import wrote (binary COPY TO), empty the tables, time COPY FROM: in the
    import's own mode, i.e. for an initial load with each table's secondary indexes and unique/foreign-key
    constraints dropped first and created again afterwards, then ANALYZE (``bansos.registry.initial_load``),
    else into the indexed tables. Returns the seconds in all, the seconds of the COPY statements alone
    and the CPU spent loading."""
    from django.db import connection, transaction

    from bansos.registry import initial_load as pg_initial_load

    dumps = {"registry_household": folder / "household.bin", "registry_person": folder / "person.bin"}
    with connection.cursor() as cursor:
        for table, path in dumps.items():
            with (
                path.open("wb") as handle,
                cursor.cursor.copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy,
            ):
                for block in copy:
                    handle.write(block)
    empty_registry(runs=False)  # the rows keep referring to their import run
    started, copying = time.perf_counter(), 0.0
    with CpuMeter() as cpu, transaction.atomic(), connection.cursor() as cursor:
        if initial_load and not pg_initial_load.lock_empty_tables():
            raise SystemExit("the registry tables are not empty for the floor's initial load")
        for table, path in dumps.items():
            deferred = pg_initial_load.indexes_deferred(table) if initial_load else contextlib.nullcontext()
            with deferred:
                copy_started = time.perf_counter()
                with (
                    path.open("rb") as handle,
                    cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy,
                ):
                    while block := handle.read(1 << 20):
                        copy.write(block)
                copying += time.perf_counter() - copy_started
    seconds = time.perf_counter() - started
    for path in dumps.values():
        path.unlink()
    return seconds, copying, cpu


# --- SQLite (runs in a subprocess with its own settings) ---------------------------------------------------


def sqlite_worker(folder: Path, chunk_size: int) -> None:
    """Migrate a temporary SQLite file, time a raw executemany baseline and the import; print JSON."""
    database = folder / "bench.sqlite3"
    setup_django(f"sqlite:///{database}")
    prepare_database()
    from django.db import connection, transaction

    from bansos.registry import formats

    started = time.perf_counter()
    with transaction.atomic():
        raw = connection.connection.cursor()
        for name, columns, filename in (
            ("raw_h", formats.HOUSEHOLD_COLUMNS, HOUSEHOLDS_CSV),
            ("raw_p", formats.PERSON_COLUMNS, PEOPLE_CSV),
        ):
            raw.execute(f"CREATE TABLE {name} ({', '.join(columns)})")
            with (folder / filename).open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                next(reader)
                raw.executemany(f"INSERT INTO {name} VALUES ({', '.join('?' * len(columns))})", reader)
    raw_seconds = time.perf_counter() - started
    seconds, report = run_import(folder, chunk_size)
    rows = report.households.read + report.people.read
    print(
        json.dumps(
            {"raw_seconds": raw_seconds, "seconds": seconds, "rows": rows, "rejected": report.rejected}
        )
    )


def sqlite_leg(folder: Path, chunk_size: int) -> dict[str, Any]:
    command = [sys.executable, __file__, "--sqlite-worker", str(folder), "--chunk-size", str(chunk_size)]
    done = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    (folder / "bench.sqlite3").unlink(missing_ok=True)
    return result


# --- main --------------------------------------------------------------------------------------------------


def generate(folder: Path, people: int, seed: int) -> tuple[int, int]:
    from bansos.registry import formats, synth

    population = synth.generate(people=people, seed=seed)
    households = write_csv(folder / HOUSEHOLDS_CSV, formats.HOUSEHOLD_COLUMNS, population.households)
    written = write_csv(folder / PEOPLE_CSV, formats.PERSON_COLUMNS, population.people)
    return households, written


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/bansos_bench")
    parser.add_argument("--repeat", type=int, default=1, help="timed repetitions (medians are printed)")
    parser.add_argument("--chunk-size", type=int, default=50_000)
    parser.add_argument("--no-sqlite", action="store_true", help="skip the SQLite figure")
    parser.add_argument("--profile", action="store_true", help="cProfile the (first) PostgreSQL import")
    parser.add_argument(
        "--worker",
        choices=sorted(WORKER_CHOICES),
        default="auto",
        help="where the PostgreSQL import validates and prepares: a forked process, a thread, or its choice",
    )
    parser.add_argument(
        "--no-initial-load",
        action="store_true",
        help="import into the empty registry the ordinary way (indexes maintained row by row)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database and the generated files")
    parser.add_argument("--sqlite-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sqlite_worker:
        sqlite_worker(args.sqlite_worker, args.chunk_size)
        return 0

    folder = Path(tempfile.mkdtemp(prefix="bansos-import-bench-"))
    recreate_database(args.database_url)
    setup_django(args.database_url)
    try:
        prepare_database()
        gen_seconds, (households, people) = timed(lambda: generate(folder, args.people, args.seed))
        rows = households + people
        size = sum((folder / name).stat().st_size for name in (HOUSEHOLDS_CSV, PEOPLE_CSV)) / 1e6
        print(
            f"{people:,} people + {households:,} households = {rows:,} rows ({size:,.0f} MB of CSV, "
            f"generated in {gen_seconds:.0f} s); chunk {args.chunk_size:,}; {os.cpu_count()} CPUs"
        )
        raw, ours, floor, floor_copy = [], [], [], []
        for repetition in range(args.repeat):
            empty_registry()
            with CpuMeter() as raw_cpu:
                raw.append(raw_copy(folder))
            empty_registry()
            with CpuMeter() as cpu:
                seconds, report = run_import(
                    folder,
                    args.chunk_size,
                    profile=args.profile and repetition == 0,
                    worker=args.worker,
                    initial_load=not args.no_initial_load,
                )
            check_report(report, households, people)
            ours.append(seconds)
            floor_seconds, copy_seconds, floor_cpu = database_floor(folder, report.initial_load)
            floor.append(floor_seconds)
            floor_copy.append(copy_seconds)
            print(
                f"  run {repetition + 1}: raw COPY {raw[-1]:.1f} s, bansos import {ours[-1]:.1f} s "
                f"({_mode(report)}), database floor {floor[-1]:.1f} s "
                f"(its COPY statements {floor_copy[-1]:.1f} s)\n"
                f"    raw COPY {raw_cpu}\n    import   {cpu}\n    floor    {floor_cpu}",
                flush=True,
            )
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
        runs = f"median of {args.repeat}" if args.repeat > 1 else "1 run"
        print(f"PostgreSQL {version} ({runs}):")
        print(f"  raw COPY, text columns, no constraints  {rate(rows, median(raw))}")
        print(f"  bansos import (validate, encrypt, upsert) {rate(rows, median(ours))}")
        print(f"  database floor: COPY of the final rows    {rate(rows, median(floor))}")
        print(f"    of which the COPY statements alone      {rate(rows, median(floor_copy))}")
        print(f"  ratio import / raw COPY   = {median(raw) / median(ours):.3f}  (target >= 0.5)")
        print(f"  ratio import / floor      = {median(floor) / median(ours):.3f}")
        print(
            f"  ratio floor / raw COPY    = {median(raw) / median(floor):.3f}  (the ceiling for the import)"
        )
        print(f"  ratio floor's COPY alone / raw COPY = {median(raw) / median(floor_copy):.3f}")
        if not args.no_sqlite:
            result = sqlite_leg(folder, args.chunk_size)
            if result["rejected"] or result["rows"] != rows:
                raise SystemExit(f"SQLite import read {result['rows']} rows, rejected {result['rejected']}")
            print("SQLite:")
            print(f"  raw executemany, no constraints         {rate(rows, result['raw_seconds'])}")
            print(f"  bansos import (validate, encrypt, upsert) {rate(rows, result['seconds'])}")
            print(f"  ratio import / raw executemany = {result['raw_seconds'] / result['seconds']:.3f}")
    finally:
        from django.db import connection

        connection.close()
        if not args.keep:
            drop_database(args.database_url)
            shutil.rmtree(folder, ignore_errors=True)
        else:
            print(f"kept {folder} and {args.database_url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
