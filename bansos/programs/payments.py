# ruff: noqa: S608  -- SQL is assembled from model table names; values are params
"""Disbursement: payment lists per period and channel (CSV or XLSX, with totals and a checksum) and the
reconciliation of the channel's result file.

Payment lists are made from a *locked* period (its enrolments are final); their outcomes (credited,
collected, failed, returned) are recorded on the enrolments, which the public check shows. The list
carries no NIK or KK: the bank matches on our reference (the enrolment id) and the recipient's name.

List layout (CSV; the XLSX sheet has the same rows)::

    reference,household,village,name,amount
    ...one row per enrolled household...
    TOTAL,<rows>,,,<amount>
    SHA256,<hex digest of every byte above this line>

Result file (CSV from the channel)::

    reference,status,amount,date          status: credited | collected | failed | returned
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.core.audit import Actor, actor_label, record
from bansos.core.errors import DomainError
from bansos.programs.models import Enrolment, PaymentBatch, Period
from bansos.registry.models import Household, Person

HEADER = ["reference", "household", "village", "name", "amount"]
RESULT_HEADER = ["reference", "status", "amount", "date"]
RESULT_STATUSES = {"credited", "collected", "failed", "returned"}
# which outcome may follow which (a credited payment can still be collected or returned)
FOLLOWS: dict[str, set[str]] = {
    Enrolment.Payment.SCHEDULED: RESULT_STATUSES,
    Enrolment.Payment.CREDITED: {"collected", "returned"},
    Enrolment.Payment.FAILED: {"failed"},
    Enrolment.Payment.COLLECTED: {"collected"},
    Enrolment.Payment.RETURNED: {"returned"},
}
CHUNK = 5000


class PaymentError(DomainError):
    code = "programs.payment_invalid"


def _require_locked(period: Period) -> None:
    if period.state != Period.State.LOCKED:
        raise PaymentError(
            _("Payments need a locked period; %(period)s is %(state)s."),
            code="programs.period_not_locked",
            period=period.code,
            state=period.get_state_display(),
        )


def _payment_rows(period: Period, channel: str) -> list[tuple[Any, ...]]:
    enrolments, people, households = Enrolment._meta.db_table, Person._meta.db_table, Household._meta.db_table
    sql = f"""
        SELECT e.id, e.household_id, h.village_id,
            COALESCE(
                (SELECT MIN(p.full_name) FROM {people} p WHERE p.household_id = e.household_id
                   AND p.relationship = 'head' AND p.deceased_date IS NULL),
                (SELECT MIN(p.full_name) FROM {people} p WHERE p.household_id = e.household_id
                   AND p.deceased_date IS NULL),
                ''),
            e.amount
        FROM {enrolments} e JOIN {households} h ON h.id = e.household_id
        WHERE e.period_id = %s AND e.channel = %s AND e.status = 'enrolled' AND e.amount > 0
        ORDER BY e.id
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [period.pk, channel])
        return list(cursor.fetchall())


def _csv_bytes(rows: list[list[Any]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue().encode()


def _xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """A minimal one-sheet workbook (inline strings, numbers as numbers); no third-party writer needed."""

    def cell(value: Any) -> str:
        if isinstance(value, int) and not isinstance(value, bool):
            return f"<c><v>{value}</v></c>"
        return f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'

    sheet_rows = "".join(f"<row>{''.join(cell(v) for v in row)}</row>" for row in rows)
    ns = "http://schemas.openxmlformats.org"
    files = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            '<sheet name="payments" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}/spreadsheetml/2006/main">'
            f"<sheetData>{sheet_rows}</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@dataclass(frozen=True)
class PaymentFile:
    batch: PaymentBatch
    content: bytes
    filename: str


@transaction.atomic
def payment_list_export(*, period: Period, channel: str, actor: Actor, fmt: str = "csv") -> PaymentFile:
    """Write the payment list of a locked period for one channel and mark its rows scheduled."""
    period = Period.objects.select_for_update().select_related("program").get(pk=period.pk)
    _require_locked(period)
    if channel not in period.program.channels:
        raise PaymentError(
            _("%(program)s is not paid through %(channel)s."),
            code="programs.channel_unknown",
            program=period.program.code,
            channel=channel,
        )
    if fmt not in ("csv", "xlsx"):
        raise PaymentError(_("Choose csv or xlsx."), code="programs.format_unknown")
    data = _payment_rows(period, channel)
    total = sum(int(row[4]) for row in data)
    body = [HEADER, *[list(row) for row in data], ["TOTAL", len(data), "", "", total]]
    checksum = hashlib.sha256(_csv_bytes(body)).hexdigest()
    rows = [*body, ["SHA256", checksum]]
    batch = PaymentBatch.objects.create(
        period=period,
        channel=channel,
        rows=len(data),
        total_amount=total,
        checksum=checksum,
        actor_label=actor_label(actor),
    )
    ids = [row[0] for row in data]
    for start in range(0, len(ids), CHUNK):
        Enrolment.objects.filter(pk__in=ids[start : start + CHUNK]).update(
            payment_status=Enrolment.Payment.SCHEDULED, paid_on=None
        )
    record(
        actor=actor,
        event_type="programs.payment_list_exported",
        subject=batch,
        details={"period": period.code, "program": period.program.code, "channel": channel, "rows": len(data),
                 "total_amount": total, "checksum": checksum, "format": fmt},
    )  # fmt: skip
    content = _csv_bytes(rows) if fmt == "csv" else _xlsx_bytes(rows)
    filename = f"{period.program.code}-{period.code}-{channel}-{batch.pk}.{fmt}"
    return PaymentFile(batch=batch, content=content, filename=filename)


def payment_list_verify(content: bytes) -> bool:
    """True when a CSV payment list is intact: its checksum line matches and the totals add up."""
    text = content.decode()
    body, _sep, last = text.rstrip("\n").rpartition("\n")
    tail = next(csv.reader([last]), [])
    if len(tail) != 2 or tail[0] != "SHA256":
        return False
    if hashlib.sha256((body + "\n").encode()).hexdigest() != tail[1]:
        return False
    rows = list(csv.reader(io.StringIO(body)))
    data, footer = rows[1:-1], rows[-1]
    return (
        footer[0] == "TOTAL"
        and int(footer[1]) == len(data)
        and int(footer[4]) == sum(int(r[4]) for r in data)
    )


@dataclass
class Reconciliation:
    batch: PaymentBatch
    counts: dict[str, int] = field(default_factory=dict)
    mismatches: list[dict[str, Any]] = field(default_factory=list)


def _parse_result(content: bytes) -> list[tuple[int, dict[str, str]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PaymentError(
            _("The result file is not UTF-8 text."), code="programs.result_unreadable"
        ) from exc
    reader = csv.DictReader(io.StringIO(text))
    if [h.strip().lower() for h in reader.fieldnames or []] != RESULT_HEADER:
        raise PaymentError(
            _("The result file must start with the header: %(header)s."),
            code="programs.result_header",
            header=",".join(RESULT_HEADER),
        )
    return [(number, row) for number, row in enumerate(reader, start=2)]


@transaction.atomic
def payment_result_import(*, batch: PaymentBatch, content: bytes, actor: Actor) -> Reconciliation:
    """Apply the channel's result file to the batch's enrolments; report every mismatch (unknown or
    duplicate reference, amount differs, bad status or date, outcome that cannot follow the current one,
    and rows of the list the file does not mention). Valid rows are applied; mismatched ones are not."""
    batch = PaymentBatch.objects.select_for_update().select_related("period__program").get(pk=batch.pk)
    _require_locked(batch.period)
    rows = _parse_result(content)
    expected = {
        pk: (amount, status)
        for pk, amount, status in Enrolment.objects.filter(
            period=batch.period, channel=batch.channel, status=Enrolment.Status.ENROLLED
        )
        .exclude(payment_status="")
        .values_list("pk", "amount", "payment_status")
    }
    report = Reconciliation(batch=batch)
    seen: set[int] = set()
    updates: dict[tuple[str, datetime.date | None], list[int]] = {}

    def mismatch(line: int, reference: str, problem: str) -> None:
        report.mismatches.append({"line": line, "reference": reference, "problem": problem})

    for line, row in rows:
        reference = (row.get("reference") or "").strip()
        status = (row.get("status") or "").strip().lower()
        pk = int(reference) if reference.isdigit() else None
        if pk is None or pk not in expected:
            mismatch(line, reference, "unknown_reference")
            continue
        if pk in seen:
            mismatch(line, reference, "duplicate")
            continue
        seen.add(pk)
        amount, current = expected[pk]
        if status not in RESULT_STATUSES:
            mismatch(line, reference, "bad_status")
            continue
        if (row.get("amount") or "").strip() != str(amount):
            mismatch(line, reference, "amount_differs")
            continue
        try:
            day = (
                datetime.date.fromisoformat(row["date"].strip()) if (row.get("date") or "").strip() else None
            )
        except ValueError:
            mismatch(line, reference, "bad_date")
            continue
        if status not in FOLLOWS.get(current, set()):
            mismatch(line, reference, f"cannot_go_from_{current}_to_{status}")
            continue
        report.counts[status] = report.counts.get(status, 0) + 1
        updates.setdefault((status, day if status in ("credited", "collected") else None), []).append(pk)
    for pk in sorted(set(expected) - seen):
        mismatch(0, str(pk), "missing_from_result")
    for (status, day), ids in updates.items():
        for start in range(0, len(ids), CHUNK):
            Enrolment.objects.filter(pk__in=ids[start : start + CHUNK]).update(
                payment_status=status, paid_on=day
            )
    batch.state = PaymentBatch.State.RECONCILED
    batch.reconciled_at = timezone.now()
    batch.result_counts = report.counts
    batch.mismatches = report.mismatches[:1000]
    batch.save(update_fields=["state", "reconciled_at", "result_counts", "mismatches"])
    record(
        actor=actor,
        event_type="programs.payment_result_imported",
        subject=batch,
        details={"counts": report.counts, "mismatches": len(report.mismatches)},
    )
    return report
