"""``registry_import``: load households and people from files in the exchange format (CSV or Parquet).

* Every row is validated (NIK/KK structure and agreement with sex and birth date, known villages, dates,
  choices, booleans, one head per KK, no NIK or KK twice in a file). Invalid rows go to a rejects CSV
  (``file, row, code, reason, column``; rows numbered as a spreadsheet shows them, header = row 1) and
  the rest is written. Problems with a whole file (missing, unreadable, required columns missing) raise a
  :class:`~bansos.core.errors.DomainError` before anything changes.
* Writes are set-based (:mod:`bansos.registry.bulk`) and idempotent (upsert by NIK/KK): importing the
  same data again changes nothing.
* Households are imported before people, in chunks. Each chunk is one transaction that also advances the
  checkpoint in its :class:`~bansos.registry.models.ImportRun`, so an interrupted import resumes where it
  stopped (run it again with the same files: the fingerprint finds the run) and a completed one is not
  repeated unless forced.
* Reading, validating and preparing the next chunks runs in a forked worker process (large files on
  PostgreSQL) or a background thread while the database writes the current one.
* On PostgreSQL, empty registry tables are filled in an initial load: one transaction holding the tables'
  locks, with their secondary indexes and unique/foreign-key constraints dropped and built again at the
  end (:mod:`bansos.registry.initial_load`); interrupted, it leaves the tables as they were (empty).
* The run is audited: ``registry.import_started`` when a run is created and ``registry.imported`` when it
  completes (counts only, never a NIK or KK); every written row carries the run as provenance.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import hashlib
import logging
import math
import queue
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO, TypeVar

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bansos.core.audit import Actor, actor_label, record
from bansos.core.errors import DomainError
from bansos.core.logging import redact
from bansos.regions.models import District, Village
from bansos.registry import bulk, formats, worker
from bansos.registry import initial_load as pg_initial_load
from bansos.registry.identifiers import IdentifierError, nik_agrees, parse_kk, parse_nik
from bansos.registry.models import Household, ImportRun, Person, Provenance
from bansos.registry.names import clean_full_name

logger = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_CHUNK_SIZE = 50_000
FIRST_CHUNK = 5_000
SWITCH_INTERVAL = 0.0005  # seconds; see _responsive_threads
REJECT_COLUMNS = ("file", "row", "code", "reason", "column")
HOUSEHOLD_REQUIRED = ("kk", "village_code")
PERSON_REQUIRED = ("nik", "kk", "full_name", "sex", "birth_date", "relationship", "marital_status")
PROCESS_MIN_BYTES = 4 << 20  # smaller files are done before a worker process would pay off
FIRST_DATA_ROW = 2  # the header is row 1, in Parquet files too (so a converted file keeps its numbers)
MAX_INT = 2_147_483_647


class RegistryImportError(DomainError):
    code = "import.invalid"


# --- messages (user-facing; English msgids, translated in the locale files) ------------------------------

MSG_FILE_MISSING = _("The file %(file)s does not exist or cannot be read.")
MSG_FILE_FORMAT = _("The file %(file)s must be a .csv or .parquet file.")
MSG_FILE_EMPTY = _("The file %(file)s is empty: the first row must name the columns.")
MSG_FILE_ENCODING = _(
    "The file %(file)s is not UTF-8 text (row %(row)s). Save it as CSV UTF-8 and try again."
)
MSG_FILE_BROKEN = _("The file %(file)s cannot be read as CSV near row %(row)s: %(error)s")
MSG_PARQUET_BROKEN = _("The file %(file)s cannot be read as Parquet: %(error)s")
MSG_COLUMNS_MISSING = _("The file %(file)s lacks the required column(s): %(columns)s.")
MSG_COLUMNS_UNKNOWN = _(
    "The file %(file)s has unknown column(s): %(columns)s. Expected columns: %(expected)s."
)
MSG_COLUMNS_REPEATED = _("The file %(file)s names the column(s) %(columns)s more than once.")
MSG_REJECTS_FOLDER = _("The folder for the rejects file %(file)s does not exist.")
MSG_BUSY = _("These files are being imported by another process right now (import #%(run)s).")

MSG_ROW_COLUMNS = _("This row has %(found)s cells but the header has %(expected)s columns.")
MSG_REQUIRED = _("This value is required.")
MSG_TOO_LONG = _("This value is longer than %(max)s characters.")
MSG_CHOICE = _("“%(value)s” is not allowed here. Allowed values: %(choices)s.")
MSG_BOOLEAN = _("“%(value)s” is not a yes/no value. Use 1 or 0.")
MSG_INTEGER = _("“%(value)s” is not a whole number from %(min)s to %(max)s.")
MSG_NUMBER = _("“%(value)s” is not a number.")
MSG_DATE = _("“%(value)s” is not a date. Use the form YYYY-MM-DD, for example 1985-06-15.")
MSG_FUTURE_DATE = _("This date is in the future.")
MSG_DEATH_BEFORE_BIRTH = _("The date of death is before the birth date.")
MSG_VILLAGE_UNKNOWN = _("“%(value)s” is not a known village code (10 digits, Kemendagri).")
MSG_KK_DUPLICATE = _("This family card (KK) number already appeared in an earlier row of this file.")
MSG_NIK_DUPLICATE = _("This NIK already appeared in an earlier row of this file.")
MSG_SECOND_HEAD = _("This family card (KK) already has a head of family in an earlier row of this file.")
MSG_NO_HOUSEHOLD = _(
    "No household with this family card (KK) number is in the households file or in the registry."
)


# --- results ----------------------------------------------------------------------------------------------


@dataclass
class Counts:
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    skipped: int = 0  # rows already written by an earlier, interrupted attempt of the same run

    def add(self, result: bulk.BulkResult) -> None:
        self.inserted += result.inserted
        self.updated += result.updated
        self.unchanged += result.unchanged + result.duplicates


@dataclass
class ImportReport:
    run_id: int
    already_imported: bool = False
    resumed: bool = False
    households: Counts = field(default_factory=Counts)
    people: Counts = field(default_factory=Counts)
    rejects_path: Path | None = None
    preparation: str = ""  # where rows were validated and prepared: "process", "thread" or "inline"
    initial_load: bool = False  # loaded into empty tables in one transaction, indexes built at the end

    @property
    def rejected(self) -> int:
        return self.households.rejected + self.people.rejected


@dataclass(frozen=True)
class Reject:
    file: str
    row: int
    code: str
    reason: str
    column: str


class RowError(Exception):
    """One invalid value: which column, a stable code and a message for the person fixing the file."""

    def __init__(self, column: str, code: str, message: str | Promise, **params: Any) -> None:
        super().__init__(code)
        self.column, self.code, self.message, self.params = column, code, message, params

    @property
    def reason(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


# --- the service ------------------------------------------------------------------------------------------


def registry_import(
    *,
    households_path: Path | str,
    people_path: Path | str,
    actor: Actor,
    rejects_path: Path | str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    progress: bool = True,
    force: bool = False,
    worker_process: bool | None = None,
    initial_load: bool = False,
) -> ImportReport:
    """Import (or resume importing) a households file and a people file; see the module docstring.

    ``worker_process``: read, validate and prepare in a forked worker process (True), in a thread (False),
    or let the import choose (None: a process for files of more than PROCESS_MIN_BYTES on PostgreSQL).
    ``initial_load``: on PostgreSQL, when the registry tables are empty, load them in one transaction with
    their indexes rebuilt at the end (:mod:`bansos.registry.initial_load`). Off by default: an interrupted
    initial load keeps nothing, while the ordinary import resumes after its last checkpoint."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    households_file = open_source(Path(households_path), formats.HOUSEHOLD_COLUMNS, HOUSEHOLD_REQUIRED)
    people_file = open_source(Path(people_path), formats.PERSON_COLUMNS, PERSON_REQUIRED)
    rejects_file = Path(rejects_path) if rejects_path else default_rejects_path(people_file.path)
    if not rejects_file.parent.is_dir():
        raise RegistryImportError(MSG_REJECTS_FOLDER, code="import.rejects_folder", file=rejects_file.name)
    fingerprint = files_fingerprint([households_file.path, people_file.path])
    run, resumed = _start_run(
        fingerprint=fingerprint,
        source=f"{households_file.path} + {people_file.path}",
        actor=actor,
        force=force,
    )
    report = ImportReport(run_id=run.pk, resumed=resumed)
    if run.status == ImportRun.Status.COMPLETED:
        report.already_imported = True
        return report
    report.rejects_path = rejects_file
    with _run_lock(run), report.rejects_path.open("w", newline="", encoding="utf-8") as rejects_handle:
        rejects = csv.writer(rejects_handle, lineterminator="\n")
        rejects.writerow(REJECT_COLUMNS)
        try:
            villages, districts, today = reference_data()
            kk_cache: dict[str, str | IdentifierError] = {}  # parsed once for both files
            household_items = prepared_chunks(
                validated_chunks(
                    households_file, Validator(villages, districts, today, kk_cache).household, chunk_size
                ),
                run.households_done,
                bulk.prepare_households,
            )
            people_items = prepared_chunks(
                validated_chunks(
                    people_file, Validator(villages, districts, today, kk_cache).person, chunk_size
                ),
                run.people_done,
                bulk.prepare_people,
            )
            process = _use_worker_process(worker_process, households_file, people_file)

            def phases(indexes: Callable[[str], Any]) -> None:
                if process:
                    report.preparation = "process"
                    prepared = _prepared_in_process(household_items, people_items)
                else:
                    threaded = connection.vendor != "sqlite"
                    report.preparation = "thread" if threaded else "inline"
                    prepared = _prepared_in_threads(household_items, people_items, threaded)
                with prepared as (household_chunks, people_chunks):
                    with indexes(bulk.HOUSEHOLD_TABLE):
                        _import_households(run, households_file, household_chunks, rejects, report, progress)
                    with indexes(bulk.PERSON_TABLE):
                        _import_people(run, people_file, people_chunks, rejects, report, progress)

            if not (initial_load and _initial_load(run, report, phases)):
                phases(_indexes_kept)
        except BaseException:
            _mark_failed(run)
            raise
    _finish_run(run, report, actor)
    return report


def _use_worker_process(requested: bool | None, *sources: Source) -> bool:
    if requested is not None:
        return requested and worker.available()
    size = sum(source.path.stat().st_size for source in sources)
    return connection.vendor == "postgresql" and size > PROCESS_MIN_BYTES and worker.available()


def _initial_load(
    run: ImportRun, report: ImportReport, phases: Callable[[Callable[[str], Any]], None]
) -> bool:
    """Run the phases as an initial load if this run may be one (PostgreSQL, nothing written yet, both
    tables empty): all in one transaction holding the tables' locks. False (nothing done) otherwise."""
    fresh = not (run.households_done or run.people_done)
    if connection.vendor != "postgresql" or not fresh or not pg_initial_load.tables_empty():
        return False
    with transaction.atomic():
        if not pg_initial_load.lock_empty_tables():  # someone wrote in between: import the ordinary way
            return False
        report.initial_load = True
        phases(pg_initial_load.indexes_deferred)
    return True


@contextlib.contextmanager
def _indexes_kept(table: str) -> Iterator[None]:
    yield


@contextlib.contextmanager
def _prepared_in_process(
    households: Iterator[Chunk], people: Iterator[Chunk]
) -> Iterator[tuple[Iterator[Chunk], Iterator[Chunk]]]:
    """Both files are read, validated and prepared in a child process, on the other core, ahead of the
    database work, which stays in this process."""
    with worker.ProcessStreams([households, people]) as streams:
        yield streams.stream(0), streams.stream(1)


@contextlib.contextmanager
def _prepared_in_threads(
    households: Iterator[Chunk], people: Iterator[Chunk], threaded: bool
) -> Iterator[tuple[Iterator[Chunk], Iterator[Chunk]]]:
    """Each file is read, validated and prepared in a thread of its own (the people once all the
    households are read), ahead of the database work, which stays in this thread. Not on SQLite: it runs
    in this process and gives up the GIL for every row it steps through, so a busy reader thread would
    make each row wait for the interpreter (a convoy)."""
    people_chunks = Prefetch(people, start=False, threaded=threaded)
    household_chunks = Prefetch(households, then=people_chunks.start, threaded=threaded)
    with household_chunks, people_chunks, _responsive_threads(threaded):
        yield household_chunks, people_chunks


def default_rejects_path(people_path: Path) -> Path:
    """``people.csv`` -> ``people.rejects.csv`` next to it."""
    return people_path.with_name(f"{people_path.stem}.rejects.csv")


def files_fingerprint(paths: Sequence[Path]) -> str:
    """sha256 over the bytes of every file (and their order)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(f"{path.suffix.lower()}:{path.stat().st_size}\0".encode())
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


def _start_run(*, fingerprint: str, source: str, actor: Actor, force: bool) -> tuple[ImportRun, bool]:
    """The run to use: a new one, the interrupted one to resume, or the completed one (nothing to do)."""
    with transaction.atomic():
        previous = (
            ImportRun.objects.select_for_update().filter(fingerprint=fingerprint).order_by("-id").first()
        )
        if previous is not None and previous.status != ImportRun.Status.COMPLETED:
            previous.status = ImportRun.Status.RUNNING
            previous.save(update_fields=["status"])
            return previous, True
        if previous is not None and not force:
            return previous, False
        run = ImportRun.objects.create(
            fingerprint=fingerprint, source=source[:500], actor_label=actor_label(actor)
        )
        record(
            actor=actor,
            event_type="registry.import_started",
            subject=run,
            details={"fingerprint": fingerprint, "forced": previous is not None},
        )
        return run, False


@contextlib.contextmanager
def _run_lock(run: ImportRun) -> Iterator[None]:
    """One process per run: a session advisory lock on PostgreSQL (SQLite allows one writer anyway)."""
    if connection.vendor != "postgresql":
        yield
        return
    key = 0x42A4_0000_0000 + run.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (locked,) = cursor.fetchone()
    if not locked:
        raise RegistryImportError(MSG_BUSY, code="import.busy", run=run.pk)
    try:
        yield
    finally:
        with contextlib.suppress(Exception), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@contextlib.contextmanager
def _responsive_threads(enabled: bool) -> Iterator[None]:
    """While the reader threads compute, let this (database) thread have the interpreter back within
    0.5 ms instead of 5 ms whenever the database answers, so the database is not kept waiting."""
    if not enabled:
        yield
        return
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, SWITCH_INTERVAL))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


def _mark_failed(run: ImportRun) -> None:
    try:
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED)
    except Exception:  # the connection may be gone; the run then stays "running" and resumes all the same
        logger.exception("could not mark import run %s as failed", run.pk)


def _finish_run(run: ImportRun, report: ImportReport, actor: Actor) -> None:
    with transaction.atomic():
        run.refresh_from_db()
        run.status = ImportRun.Status.COMPLETED
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        record(
            actor=actor,
            event_type="registry.imported",
            subject=run,
            details={
                "resumed": report.resumed,
                "households": report.households.__dict__,
                "people": report.people.__dict__,
                "households_written": run.households_written,
                "people_written": run.people_written,
                "rejected": run.rejected,
            },
        )


# --- the two phases ---------------------------------------------------------------------------------------


@dataclass
class Chunk:
    end: int  # data rows read so far (the checkpoint after this chunk)
    accepted: list[tuple[int, int, tuple[Any, ...]]]  # (data index, row number, typed row)
    rejects: list[Reject]
    accepted_count: int = 0  # len(accepted), kept when ``accepted`` is dropped after preparing
    done: list[tuple[int, tuple[Any, ...]]] = field(default_factory=list)  # written by an earlier attempt
    todo: list[int] = field(default_factory=list)  # row numbers of the rows in ``prepared``
    prepared: bulk.Prepared | None = None  # None when the whole chunk was written by an earlier attempt


def _import_households(
    run: ImportRun,
    source: Source,
    chunks: Iterator[Chunk],
    rejects: Any,
    report: ImportReport,
    progress: bool,
) -> None:
    counts = report.households
    with _progress_bar(source, "households", progress) as bar:
        for chunk in chunks:
            rows_read = _count_read(counts, chunk)
            counts.skipped += len(chunk.done)
            if chunk.prepared is not None:
                with transaction.atomic():
                    result = bulk.write_households(
                        chunk.prepared, provenance=Provenance.IMPORT, import_run_id=run.pk
                    )
                    counts.add(result)
                    _checkpoint(
                        run, households_done=chunk.end, households_written=result.written, report=report
                    )
            _write_rejects(rejects, chunk.rejects)
            bar.update(rows_read)


def _import_people(
    run: ImportRun,
    source: Source,
    chunks: Iterator[Chunk],
    rejects: Any,
    report: ImportReport,
    progress: bool,
) -> None:
    counts = report.people
    with _progress_bar(source, "people", progress) as bar:
        for chunk in chunks:
            rows_read = _count_read(counts, chunk)
            counts.skipped += len(chunk.done)
            orphans = _orphans_already_done(chunk.done)
            if chunk.prepared is not None:
                with transaction.atomic():
                    result = bulk.write_people(
                        chunk.prepared, provenance=Provenance.IMPORT, import_run_id=run.pk
                    )
                    counts.add(result)
                    orphans += [chunk.todo[position] for position in result.missing_household]
                    counts.rejected += len(orphans)
                    _checkpoint(run, people_done=chunk.end, people_written=result.written, report=report)
            else:
                counts.rejected += len(orphans)
            chunk.rejects += [_no_household(source.name, number) for number in orphans]
            _write_rejects(rejects, sorted(chunk.rejects, key=lambda reject: reject.row))
            bar.update(rows_read)


def prepared_chunks(
    chunks: Iterable[Chunk], done: int, prepare: Callable[[Sequence[Sequence[Any]]], bulk.Prepared]
) -> Iterator[Chunk]:
    """Split each chunk at the checkpoint ``done`` and prepare the rows still to write (no database)."""
    for chunk in chunks:
        chunk.done = [(number, row) for index, number, row in chunk.accepted if index < done]
        if chunk.end > done:
            todo = [(number, row) for index, number, row in chunk.accepted if index >= done]
            chunk.todo = [number for number, _row in todo]
            chunk.prepared = prepare([row for _number, row in todo])
        chunk.accepted_count = len(chunk.accepted)
        chunk.accepted = []  # not needed any more (and not worth sending to another process)
        yield chunk


def _count_read(counts: Counts, chunk: Chunk) -> int:
    rows = chunk.accepted_count + len(chunk.rejects)
    counts.read += rows
    counts.rejected += len(chunk.rejects)
    return rows


def _orphans_already_done(skipped: list[tuple[int, tuple[Any, ...]]]) -> list[int]:
    """Row numbers of people (in the part an earlier attempt already wrote) whose KK has no household:
    they were rejected then and are reported again, so the rejects file is complete."""
    if not skipped:
        return []
    existing = bulk.existing_kks({row[1] for _number, row in skipped})
    return [number for number, row in skipped if row[1] not in existing]


def _no_household(file: str, number: int) -> Reject:
    return Reject(file, number, "person.household_missing", str(MSG_NO_HOUSEHOLD), "kk")


def _checkpoint(run: ImportRun, *, report: ImportReport, **progress: int) -> None:
    """Advance the run's checkpoint (inside the chunk's transaction)."""
    for name, value in progress.items():
        if name.endswith("_done"):
            setattr(run, name, value)
        else:
            setattr(run, name, getattr(run, name) + value)
    run.rejected = report.rejected
    run.save(update_fields=[*progress, "rejected"])


def _write_rejects(writer: Any, rejects: Iterable[Reject]) -> None:
    writer.writerows((r.file, r.row, r.code, r.reason, r.column) for r in rejects)


def _progress_bar(source: Source, label: str, enabled: bool) -> Any:
    from tqdm import tqdm

    shown = enabled and sys.stderr.isatty()
    return tqdm(
        total=source.estimated_rows() if shown else None,
        desc=f"importing {label}",
        unit=" rows",
        unit_scale=True,
        file=sys.stderr,
        disable=not shown,
    )


def validated_chunks(
    source: Source, validate: Callable[[Sequence[Any]], tuple[Any, ...]], chunk_size: int
) -> Iterator[Chunk]:
    """Read and validate ``chunk_size`` data rows at a time. The first chunks are smaller (FIRST_CHUNK
    rows, then doubling) so the database starts working early."""
    index = 0
    step = boundary = min(chunk_size, FIRST_CHUNK)
    chunk = Chunk(0, [], [])
    for number, values in source.records():
        try:
            if isinstance(values, RowError):
                raise values
            chunk.accepted.append((index, number, validate(values)))
        except RowError as error:
            chunk.rejects.append(Reject(source.name, number, error.code, error.reason, error.column))
        index += 1
        if index == boundary:
            chunk.end = index
            yield chunk
            chunk = Chunk(index, [], [])
            step = min(chunk_size, step * 2)
            boundary += step
    if chunk.accepted or chunk.rejects:
        chunk.end = index
        yield chunk


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_DONE = object()


class Prefetch(Iterator[T]):
    """Iterate ``items`` in a background thread, up to ``depth`` items ahead (from ``start()``, at once
    unless ``start=False``); ``then`` is called in that thread once all items are produced. With
    ``threaded=False`` the items are produced in the caller's thread, on demand.

    The thread must not use the database (Django connections are per thread). Errors raised there are
    raised in the consumer. ``close()`` (or leaving the ``with`` block) stops and joins the thread."""

    def __init__(
        self,
        items: Iterable[T],
        depth: int = 2,
        *,
        start: bool = True,
        then: Callable[[], None] | None = None,
        threaded: bool = True,
    ) -> None:
        self._items = iter(items)
        self._pipe: queue.Queue[Any] = queue.Queue(maxsize=depth)
        self._stop = threading.Event()
        self._finished = False
        self._then = then
        self._threaded = threaded
        language = translation.get_language()  # messages rendered there use the caller's language
        self._worker = threading.Thread(
            target=self._produce, args=(language,), name="import-reader", daemon=True
        )
        if start:
            self.start()

    def start(self) -> None:
        """Start the thread (once; later calls do nothing)."""
        if self._threaded and self._worker.ident is None:
            self._worker.start()

    def _put(self, item: Any) -> bool:
        while not self._stop.is_set():
            try:
                self._pipe.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _produce(self, language: str | None) -> None:
        try:
            with translation.override(language):
                for item in self._items:
                    if not self._put(item):
                        return
            if self._then is not None:
                self._then()
        except BaseException as error:  # handed to the consumer, raised there
            self._put(_Failure(error))
            return
        self._put(_DONE)

    def __next__(self) -> T:
        if self._finished:
            raise StopIteration
        if not self._threaded:
            return self._next_inline()
        self.start()
        item = self._pipe.get()
        if item is _DONE:
            self._finished = True
            raise StopIteration
        if isinstance(item, _Failure):
            self._finished = True
            raise item.error
        return item

    def _next_inline(self) -> T:
        try:
            return next(self._items)
        except StopIteration:
            self._finished = True
            if self._then is not None:
                self._then()
            raise

    def close(self) -> None:
        self._stop.set()
        if self._worker.ident is not None:
            self._worker.join()

    def __enter__(self) -> Prefetch[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --- reading files ----------------------------------------------------------------------------------------


class Source:
    """A households or people file: its columns checked, its records aligned to the format's columns."""

    def __init__(self, path: Path, expected: tuple[str, ...], header: list[str]) -> None:
        self.path, self.name, self.expected = path, path.name, expected
        header = [column.strip().lower() for column in header]
        repeated = sorted({column for column in header if header.count(column) > 1})
        if repeated:
            raise RegistryImportError(
                MSG_COLUMNS_REPEATED,
                code="import.columns_repeated",
                file=self.name,
                columns=", ".join(repeated),
            )
        self.header = header
        self.positions: list[int | None] = [header.index(c) if c in header else None for c in expected]
        self.aligned = header == list(expected)

    def check_columns(self, required: tuple[str, ...]) -> None:
        missing = [column for column in required if column not in self.header]
        if missing:
            raise RegistryImportError(
                MSG_COLUMNS_MISSING, code="import.columns_missing", file=self.name, columns=", ".join(missing)
            )
        unknown = [column for column in self.header if column not in self.expected]
        if unknown:
            raise RegistryImportError(
                MSG_COLUMNS_UNKNOWN,
                code="import.columns_unknown",
                file=self.name,
                columns=", ".join(unknown),
                expected=", ".join(self.expected),
            )

    def align(self, values: Sequence[Any]) -> Sequence[Any]:
        if self.aligned:
            return values
        return [None if position is None else values[position] for position in self.positions]

    def records(self) -> Iterator[tuple[int, Sequence[Any] | RowError]]:
        raise NotImplementedError

    def estimated_rows(self) -> int | None:
        return None


class CsvSource(Source):
    def __init__(self, path: Path, expected: tuple[str, ...]) -> None:
        self.dialect = self._dialect(path)
        with self._open(path) as handle:
            header = next(csv.reader(handle, self.dialect), None)
        if not header:
            raise RegistryImportError(MSG_FILE_EMPTY, code="import.file_empty", file=path.name)
        super().__init__(path, expected, header)

    @staticmethod
    def _open(path: Path) -> TextIO:
        return path.open(newline="", encoding="utf-8-sig")

    @classmethod
    def _dialect(cls, path: Path) -> type[csv.Dialect]:
        """Comma-separated; semicolons when the header uses them (spreadsheets in Indonesian locale)."""
        with cls._open(path) as handle:
            first = handle.readline()
        if first.count(";") > first.count(","):

            class Semicolon(csv.excel):
                delimiter = ";"

            return Semicolon
        return csv.excel

    def records(self) -> Iterator[tuple[int, Sequence[Any] | RowError]]:
        width = len(self.header)
        with self._open(self.path) as handle:
            reader = csv.reader(handle, self.dialect)
            number = 1
            try:
                next(reader)
                for values in reader:
                    number += 1
                    if len(values) == width:
                        yield number, self.align(values)
                    elif values and any(values):  # a blank line is no row
                        yield (
                            number,
                            RowError("", "row.columns", MSG_ROW_COLUMNS, found=len(values), expected=width),
                        )
            except csv.Error as error:
                raise RegistryImportError(
                    MSG_FILE_BROKEN,
                    code="import.file_broken",
                    file=self.name,
                    row=number + 1,
                    error=str(error),
                ) from error

    def estimated_rows(self) -> int | None:
        with self.path.open("rb") as handle:
            lines = sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
        return max(lines - 1, 0)


class ParquetSource(Source):
    def __init__(self, path: Path, expected: tuple[str, ...]) -> None:
        import pyarrow.parquet as pq

        try:
            self.file = pq.ParquetFile(path)
        except Exception as error:  # pyarrow raises several types for a broken file
            raise RegistryImportError(
                MSG_PARQUET_BROKEN, code="import.parquet_broken", file=path.name, error=str(error)
            ) from error
        super().__init__(path, expected, list(self.file.schema_arrow.names))

    def records(self) -> Iterator[tuple[int, Sequence[Any] | RowError]]:
        number = FIRST_DATA_ROW - 1
        try:
            for batch in self.file.iter_batches(batch_size=DEFAULT_CHUNK_SIZE):
                columns = [column.to_pylist() for column in batch.columns]
                for values in zip(*columns, strict=True):
                    number += 1
                    yield number, self.align(values)
        except OSError as error:
            raise RegistryImportError(
                MSG_PARQUET_BROKEN, code="import.parquet_broken", file=self.name, error=str(error)
            ) from error

    def estimated_rows(self) -> int | None:
        return int(self.file.metadata.num_rows)


def open_source(path: Path, expected: tuple[str, ...], required: tuple[str, ...]) -> Source:
    """Open and check a file (exists, readable, the right columns); raise DomainError if it is unusable."""
    if not path.is_file():
        raise RegistryImportError(MSG_FILE_MISSING, code="import.file_missing", file=path.name)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        _check_text(path)
        source: Source = CsvSource(path, expected)
    elif suffix == ".parquet":
        source = ParquetSource(path, expected)
    else:
        raise RegistryImportError(MSG_FILE_FORMAT, code="import.file_format", file=path.name)
    source.check_columns(required)
    return source


def _check_text(path: Path) -> None:
    """The whole file must be UTF-8 without NUL bytes, so a bad byte near the end changes nothing."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                bad = block.find(b"\0")
                try:
                    decoder.decode(block if bad < 0 else block[:bad])
                except UnicodeDecodeError as error:
                    bad = max(error.start, 0)
                if bad >= 0:
                    row = lines + block[:bad].count(b"\n") + 1
                    raise RegistryImportError(
                        MSG_FILE_ENCODING, code="import.file_encoding", file=path.name, row=row
                    )
                lines += block.count(b"\n")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:  # the file ends inside a character
        raise RegistryImportError(
            MSG_FILE_ENCODING, code="import.file_encoding", file=path.name, row=lines + 1
        ) from error
    except OSError as error:
        raise RegistryImportError(MSG_FILE_MISSING, code="import.file_missing", file=path.name) from error


# --- validating rows --------------------------------------------------------------------------------------

_SEX_ALIASES = {"L": "M", "P": "F"}  # laki-laki / perempuan, as on the KTP
_TRUE = frozenset({"1", "true", "t", "ya", "y", "yes"})
_FALSE = frozenset({"0", "false", "f", "tidak", "n", "no", ""})
_BOOLEANS: dict[Any, bool] = {"1": True, "0": False, "": False, True: True, False: False}


def _choices(values: Iterable[str]) -> frozenset[str]:
    return frozenset(values)


HOUSEHOLD_CHOICES: dict[str, frozenset[str]] = {
    "floor_type": _choices(Household.FloorType.values),
    "wall_type": _choices(Household.WallType.values),
    "roof_type": _choices(Household.RoofType.values),
    "water_source": _choices(Household.WaterSource.values),
    "sanitation": _choices(Household.Sanitation.values),
    "lighting": _choices(Household.Lighting.values),
    "cooking_fuel": _choices(Household.CookingFuel.values),
    "tenure": _choices(Household.Tenure.values),
    "status": _choices(Household.Status.values),
}
PERSON_CHOICES: dict[str, frozenset[str]] = {
    "sex": _choices(Person.Sex.values),
    "relationship": _choices(Person.Relationship.values),
    "marital_status": _choices(Person.MaritalStatus.values),
    "education": _choices(Person.Education.values),
    "schooling": _choices(Person.Schooling.values),
    "occupation": _choices(Person.Occupation.values),
    "disability": _choices(Person.Disability.values),
}
_HOUSEHOLD_CHOICE_POSITIONS = [
    (formats.HOUSEHOLD_COLUMNS.index(c), c) for c in HOUSEHOLD_CHOICES if c != "status"
]
_HOUSEHOLD_BOOL_POSITIONS = [
    (i, c) for i, c in enumerate(formats.HOUSEHOLD_COLUMNS) if c in formats.HOUSEHOLD_BOOL_COLUMNS
]
_PERSON_BOOL_POSITIONS = [
    (i, c) for i, c in enumerate(formats.PERSON_COLUMNS) if c in formats.PERSON_BOOL_COLUMNS
]


# The cells a usual household or person row has, as stored (see Validator._usual_household/_usual_person).
_FLOOR = HOUSEHOLD_CHOICES["floor_type"] | {""}
_WALL = HOUSEHOLD_CHOICES["wall_type"] | {""}
_ROOF = HOUSEHOLD_CHOICES["roof_type"] | {""}
_WATER = HOUSEHOLD_CHOICES["water_source"] | {""}
_SANITATION = HOUSEHOLD_CHOICES["sanitation"] | {""}
_LIGHTING = HOUSEHOLD_CHOICES["lighting"] | {""}
_FUEL = HOUSEHOLD_CHOICES["cooking_fuel"] | {""}
_TENURE = HOUSEHOLD_CHOICES["tenure"] | {""}
_STATUS = HOUSEHOLD_CHOICES["status"]
_SEXES = PERSON_CHOICES["sex"]
_RELATIONSHIPS = PERSON_CHOICES["relationship"]
_MARITAL = PERSON_CHOICES["marital_status"]
_EDUCATION = PERSON_CHOICES["education"] | {""}
_SCHOOLING = PERSON_CHOICES["schooling"] | {""}
_OCCUPATION = PERSON_CHOICES["occupation"] | {""}
_DISABILITY = PERSON_CHOICES["disability"]


def _shown(value: Any) -> str:
    """A cell value quoted back in a reason: shortened, and masked if it looks like a NIK/KK."""
    return redact(str(value).strip()[:40])


def _text(value: Any, column: str, max_length: int) -> str:
    if value is None:
        return ""
    text = str(value).strip()
    if len(text) > max_length:
        raise RowError(column, "value.too_long", MSG_TOO_LONG, max=max_length)
    return text


def _required(value: Any, column: str) -> str:
    text = "" if value is None else str(value).strip()
    if not text:
        raise RowError(column, "value.required", MSG_REQUIRED)
    return text


def _choice(
    value: Any, column: str, allowed: frozenset[str], *, required: bool = False, default: str = ""
) -> str:
    if value in allowed:  # the common case, no cleaning needed
        return str(value)
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise RowError(column, "value.required", MSG_REQUIRED)
        return default
    if text in allowed:
        return text
    folded = _SEX_ALIASES.get(text.upper(), text.upper()) if column == "sex" else text.lower()
    if folded in allowed:
        return folded
    raise RowError(column, "value.choice", MSG_CHOICE, value=_shown(text), choices=", ".join(sorted(allowed)))


def _bool(value: Any, column: str) -> bool:
    known = _BOOLEANS.get(value)  # the common cells ("0", "1", "", typed booleans) in one look-up
    if known is not None:
        return known
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise RowError(column, "value.boolean", MSG_BOOLEAN, value=_shown(value))


def _int(value: Any, column: str, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value) if not isinstance(value, float) or value.is_integer() else None
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        raise RowError(column, "value.integer", MSG_INTEGER, value=_shown(value), min=low, max=high)
    return number


def _float(value: Any, column: str) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise RowError(column, "value.number", MSG_NUMBER, value=_shown(value))
    return number


def _date(value: Any, column: str, today: datetime.date, *, required: bool) -> datetime.date | None:
    """An ISO date (YYYY-MM-DD, or a date from Parquet), not after ``today``."""
    if value is None or value == "":
        if required:
            raise RowError(column, "value.required", MSG_REQUIRED)
        return None
    day = _as_date(value)
    if day is None:
        text = str(value).strip()
        if not text and not required:
            return None
        raise RowError(column, "value.date", MSG_DATE, value=_shown(text))
    if day > today:
        raise RowError(column, "value.future_date", MSG_FUTURE_DATE)
    return day


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    if len(text) != 10:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def reference_data() -> tuple[frozenset[str], frozenset[str], datetime.date]:
    """Village codes, district codes and today's date: read once per run."""
    return (
        frozenset(Village.objects.values_list("code", flat=True)),
        frozenset(District.objects.values_list("code", flat=True)),
        timezone.localdate(),
    )


class Validator:
    """Turns raw rows (strings from CSV, or typed Parquet values) into typed rows, or raises RowError.

    Holds the state that spans a file: KKs and NIKs seen (second occurrence rejected) and the KKs that
    already have a head of family. Safe to use from one thread at a time; it never touches the database.
    """

    def __init__(
        self,
        villages: frozenset[str],
        districts: frozenset[str],
        today: datetime.date,
        kk_cache: dict[str, str | IdentifierError] | None = None,
    ) -> None:
        self.villages, self.districts, self.today = villages, districts, today
        self.kks_seen: set[int] = set()
        self.niks_seen: set[int] = set()
        self.heads: set[int] = set()
        # KK value -> cleaned KK or its error; may be shared (the people's KKs are the households').
        self._kk_cache: dict[str, str | IdentifierError] = {} if kk_cache is None else kk_cache

    def kk(self, value: Any) -> str:
        """The cleaned KK, parsed once per distinct value (a KK repeats on every member's row)."""
        raw = "" if value is None else str(value)
        cached = self._kk_cache.get(raw)
        if cached is None:
            try:
                cached = parse_kk(raw, today=self.today, district_codes=self.districts).kk
            except IdentifierError as error:
                cached = error
            if len(self._kk_cache) > 500_000:
                self._kk_cache.clear()
            self._kk_cache[raw] = cached
        if isinstance(cached, IdentifierError):
            raise RowError("kk", cached.code, cached.message)
        return cached

    def household(self, values: Sequence[Any]) -> tuple[Any, ...]:
        row = self._usual_household(values)
        return row if row is not None else self._household(values)

    def _usual_household(self, values: Sequence[Any]) -> tuple[Any, ...] | None:
        """Like :meth:`_usual_person`, for a household row: the row :meth:`_household` would give when every
        cell is in its usual clean form and passes every rule, else None (and no state changed)."""
        (
            kk, village, address, rt, rw, area, floor, wall, roof, water, sanitation, lighting, fuel,
            tenure, motorcycle, car, refrigerator, land, livestock, score, decile, status,
        ) = values  # fmt: skip
        if (
            floor not in _FLOOR or wall not in _WALL or roof not in _ROOF or water not in _WATER
            or sanitation not in _SANITATION or lighting not in _LIGHTING or fuel not in _FUEL
            or tenure not in _TENURE
            or type(village) is not str or type(address) is not str or type(rt) is not str
            or type(rw) is not str or type(area) is not str or type(score) is not str
            or type(decile) is not str or type(status) is not str
        ):  # fmt: skip
            return None
        flags = (
            _BOOLEANS.get(motorcycle), _BOOLEANS.get(car), _BOOLEANS.get(refrigerator), _BOOLEANS.get(land),
            _BOOLEANS.get(livestock),
        )  # fmt: skip
        if None in flags:
            return None
        village, address, rt, rw = village.strip(), address.strip(), rt.strip(), rw.strip()
        if village not in self.villages or len(address) > 255 or len(rt) > 3 or len(rw) > 3:
            return None
        if area == "":
            floor_area = None
        elif area.isascii() and area.isdigit() and int(area) <= MAX_INT:
            floor_area = int(area)
        else:
            return None
        if decile == "":
            tenth = None
        elif decile.isascii() and decile.isdigit() and 1 <= int(decile) <= 10:
            tenth = int(decile)
        else:
            return None
        try:
            welfare = None if score == "" else float(score)
        except ValueError:
            return None
        if welfare is not None and not math.isfinite(welfare):
            return None
        if status == "":
            status = "active"
        elif status not in _STATUS:
            return None
        try:
            kk = self.kk(kk)
        except RowError:
            return None
        if int(kk) in self.kks_seen:
            return None
        self.kks_seen.add(int(kk))
        return (
            kk, village, address, rt, rw, floor_area, floor, wall, roof, water, sanitation, lighting, fuel,
            tenure, *flags, welfare, tenth, status,
        )  # fmt: skip

    def _household(self, values: Sequence[Any]) -> tuple[Any, ...]:
        kk = self.kk(values[0])
        if int(kk) in self.kks_seen:
            raise RowError("kk", "kk.duplicate", MSG_KK_DUPLICATE)
        village = _required(values[1], "village_code")
        if village not in self.villages:
            raise RowError("village_code", "village.unknown", MSG_VILLAGE_UNKNOWN, value=_shown(village))
        row: list[Any] = [
            kk,
            village,
            _text(values[2], "address", 255),
            _text(values[3], "rt", 3),
            _text(values[4], "rw", 3),
            _int(values[5], "floor_area_m2", 0, MAX_INT),
        ]
        for position, column in _HOUSEHOLD_CHOICE_POSITIONS:
            row.append(_choice(values[position], column, HOUSEHOLD_CHOICES[column]))
        for position, column in _HOUSEHOLD_BOOL_POSITIONS:
            row.append(_bool(values[position], column))
        row.append(_float(values[19], "welfare_score"))
        row.append(_int(values[20], "decile", 1, 10))
        row.append(_choice(values[21], "status", HOUSEHOLD_CHOICES["status"], default="active"))
        self.kks_seen.add(int(kk))
        return tuple(row)

    def person(self, values: Sequence[Any]) -> tuple[Any, ...]:
        row = self._usual_person(values)
        return row if row is not None else self._person(values)

    def _usual_person(self, values: Sequence[Any]) -> tuple[Any, ...] | None:
        """The row of a person whose every cell is in its usual clean form (ISO dates, choice codes as
        listed, 0/1, a 16-digit NIK) and passes every rule, with no function call per cell; None when
        anything is unusual, for :meth:`_person` to decide. It gives the row :meth:`_person` would give,
        and changes no state unless it gives one."""
        (
            nik, kk, name, sex, born, place, relationship, marital, education, schooling, occupation,
            civil_servant, military, police, disability, chronic, pregnant, died,
        ) = values  # fmt: skip
        today = self.today
        if (
            sex not in _SEXES or relationship not in _RELATIONSHIPS or marital not in _MARITAL
            or education not in _EDUCATION or schooling not in _SCHOOLING
            or occupation not in _OCCUPATION or disability not in _DISABILITY
            or type(born) is not str or len(born) != 10 or born[4] != "-" or born[7] != "-"
            or type(nik) is not str or type(name) is not str or type(place) is not str
        ):  # fmt: skip
            return None
        flags = (
            _BOOLEANS.get(civil_servant), _BOOLEANS.get(military), _BOOLEANS.get(police),
            _BOOLEANS.get(chronic), _BOOLEANS.get(pregnant),
        )  # fmt: skip
        if None in flags:
            return None
        try:
            birth_date = datetime.date.fromisoformat(born)
            deceased = None if died == "" or died is None else datetime.date.fromisoformat(died)
        except (TypeError, ValueError):
            return None
        if (
            birth_date > today
            or (deceased is not None and (len(died) != 10 or deceased > today or deceased < birth_date))
            or not nik_agrees(nik, sex=sex, birth_date=birth_date, today=today, district_codes=self.districts)
            or int(nik) in self.niks_seen
        ):
            return None
        try:
            kk = self.kk(kk)
        except RowError:
            return None
        full_name = clean_full_name(name)
        birth_place = place.strip()
        if (
            not full_name
            or len(full_name) > 150
            or len(birth_place) > 100
            or (relationship == "head" and int(kk) in self.heads)
        ):
            return None
        self.niks_seen.add(int(nik))
        if relationship == "head":
            self.heads.add(int(kk))
        return (
            nik, kk, full_name, sex, birth_date, birth_place, relationship, marital, education, schooling,
            occupation, flags[0], flags[1], flags[2], disability, flags[3], flags[4], deceased,
        )  # fmt: skip

    def _person(self, values: Sequence[Any]) -> tuple[Any, ...]:
        today = self.today
        try:
            sex = _choice(values[3], "sex", PERSON_CHOICES["sex"], required=True)
            birth_date = _date(values[4], "birth_date", today, required=True)
        except RowError:
            self._nik(values[0], None, None)  # a broken NIK is the more useful message
            raise
        nik = self._nik(values[0], sex, birth_date)
        if int(nik) in self.niks_seen:
            raise RowError("nik", "nik.duplicate", MSG_NIK_DUPLICATE)
        kk = self.kk(values[1])
        full_name = clean_full_name(_required(values[2], "full_name"))
        if len(full_name) > 150:
            raise RowError("full_name", "value.too_long", MSG_TOO_LONG, max=150)
        relationship = _choice(values[6], "relationship", PERSON_CHOICES["relationship"], required=True)
        if relationship == "head" and int(kk) in self.heads:
            raise RowError("relationship", "person.second_head", MSG_SECOND_HEAD)
        deceased = _date(values[17], "deceased_date", today, required=False)
        if deceased is not None and birth_date is not None and deceased < birth_date:
            raise RowError("deceased_date", "person.death_before_birth", MSG_DEATH_BEFORE_BIRTH)
        row = (
            nik, kk, full_name, sex, birth_date,
            _text(values[5], "birth_place", 100),
            relationship,
            _choice(values[7], "marital_status", PERSON_CHOICES["marital_status"], required=True),
            _choice(values[8], "education", PERSON_CHOICES["education"]),
            _choice(values[9], "schooling", PERSON_CHOICES["schooling"]),
            _choice(values[10], "occupation", PERSON_CHOICES["occupation"]),
            _bool(values[11], "is_civil_servant"), _bool(values[12], "is_military"),
            _bool(values[13], "is_police"),
            _choice(values[14], "disability", PERSON_CHOICES["disability"], default="none"),
            _bool(values[15], "chronic_illness"), _bool(values[16], "is_pregnant"),
            deceased,
        )  # fmt: skip
        self.niks_seen.add(int(nik))
        if relationship == "head":
            self.heads.add(int(kk))
        return row

    def _nik(self, value: Any, sex: str | None, birth_date: datetime.date | None) -> str:
        try:
            return parse_nik(
                "" if value is None else str(value),
                sex=sex,
                birth_date=birth_date,
                today=self.today,
                district_codes=self.districts,
            ).nik
        except IdentifierError as error:
            raise RowError("nik", error.code, error.message) from None
