import csv
import datetime
import io
import zipfile

import pytest

from bansos.core.models import AuditEvent
from bansos.programs import services
from bansos.programs.enrolment import enrolment_run
from bansos.programs.models import Enrolment, PaymentBatch, Period
from bansos.programs.payments import (
    PaymentError,
    payment_list_export,
    payment_list_verify,
    payment_result_import,
)
from bansos.registry.models import Household
from bansos.registry.tests.factories import ACTOR, make_household, make_person

pytestmark = pytest.mark.django_db


def locked_bpnt_with(n: int) -> Period:
    for i in range(n):
        household = make_household()
        Household.objects.filter(pk=household.pk).update(decile=1)
        make_person(household, full_name=f"KEPALA {chr(65 + i)}")
    period = Period.objects.select_related("program").get(program__code="BPNT", year=2026, stage=1)
    enrolment_run(period=period, actor=ACTOR)
    services.period_transition(period=period, to="open", actor=ACTOR)
    return services.period_transition(period=period, to="locked", actor=ACTOR)


def test_export_csv_has_totals_and_a_checksum_and_schedules_the_rows() -> None:
    period = locked_bpnt_with(3)
    exported = payment_list_export(period=period, channel="BRI", actor=ACTOR)
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0] == ["reference", "household", "village", "name", "amount"]
    assert sorted(r[3] for r in rows[1:4]) == ["KEPALA A", "KEPALA B", "KEPALA C"]
    assert rows[4] == ["TOTAL", "3", "", "", "1800000"]
    assert rows[5][0] == "SHA256" and rows[5][1] == exported.batch.checksum
    assert payment_list_verify(exported.content)
    tampered = exported.content.replace(b"600000", b"900000", 1)
    assert not payment_list_verify(tampered)
    assert set(Enrolment.objects.values_list("payment_status", flat=True)) == {"scheduled"}
    assert (exported.batch.rows, exported.batch.total_amount) == (3, 1_800_000)
    assert exported.filename.endswith(".csv")


def test_export_xlsx_is_a_workbook_with_the_same_rows() -> None:
    period = locked_bpnt_with(2)
    exported = payment_list_export(period=period, channel="BRI", actor=ACTOR, fmt="xlsx")
    with zipfile.ZipFile(io.BytesIO(exported.content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert sheet.count("<row>") == 5  # header, 2 rows, total, checksum
    assert "<v>1200000</v>" in sheet and exported.batch.checksum in sheet


def test_export_and_reconcile_round_trip_with_mismatch_report() -> None:
    period = locked_bpnt_with(4)
    exported = payment_list_export(period=period, channel="BRI", actor=ACTOR)
    refs = [r[0] for r in list(csv.reader(io.StringIO(exported.content.decode())))[1:5]]
    result = "\n".join(
        [
            "reference,status,amount,date",
            f"{refs[0]},credited,600000,2026-02-10",
            f"{refs[1]},failed,600000,",
            f"{refs[2]},collected,500000,2026-02-11",  # amount differs
            f"{refs[0]},collected,600000,2026-02-12",  # duplicate
            "999999999,credited,600000,2026-02-10",  # unknown
        ]
    ).encode()
    report = payment_result_import(batch=exported.batch, content=result, actor=ACTOR)
    assert report.counts == {"credited": 1, "failed": 1}
    assert [(m["reference"], m["problem"]) for m in report.mismatches] == [
        (refs[2], "amount_differs"),
        (refs[0], "duplicate"),
        ("999999999", "unknown_reference"),
        (refs[3], "missing_from_result"),
    ]
    statuses = dict(Enrolment.objects.values_list("pk", "payment_status"))
    assert [statuses[int(r)] for r in refs] == ["credited", "failed", "scheduled", "scheduled"]
    assert Enrolment.objects.get(pk=int(refs[0])).paid_on == datetime.date(2026, 2, 10)
    batch = PaymentBatch.objects.get(pk=exported.batch.pk)
    assert batch.state == "reconciled" and len(batch.mismatches) == 4
    # a later file moves credited on to collected
    later = f"reference,status,amount,date\n{refs[0]},collected,600000,2026-03-01\n".encode()
    payment_result_import(batch=batch, content=later, actor=ACTOR)
    assert Enrolment.objects.get(pk=int(refs[0])).payment_status == "collected"


def test_export_needs_a_locked_period_and_a_known_channel_and_changes_nothing() -> None:
    household = make_household()
    Household.objects.filter(pk=household.pk).update(decile=1)
    make_person(household)
    period = Period.objects.select_related("program").get(program__code="BPNT", year=2026, stage=1)
    enrolment_run(period=period, actor=ACTOR)
    before = (list(Enrolment.objects.values()), PaymentBatch.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PaymentError) as error:
        payment_list_export(period=period, channel="BRI", actor=ACTOR)
    assert error.value.code == "programs.period_not_locked"
    services.period_transition(period=period, to="open", actor=ACTOR)
    services.period_transition(period=period, to="locked", actor=ACTOR)
    before = (list(Enrolment.objects.values()), PaymentBatch.objects.count(), AuditEvent.objects.count())
    with pytest.raises(PaymentError) as error:
        payment_list_export(period=period, channel="BCA", actor=ACTOR)
    assert error.value.code == "programs.channel_unknown"
    assert (
        list(Enrolment.objects.values()),
        PaymentBatch.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_result_file_with_a_wrong_header_is_refused_and_changes_nothing() -> None:
    period = locked_bpnt_with(1)
    exported = payment_list_export(period=period, channel="BRI", actor=ACTOR)
    before = (list(Enrolment.objects.values()), AuditEvent.objects.count())
    with pytest.raises(PaymentError) as error:
        payment_result_import(batch=exported.batch, content=b"ref;status\n1;credited\n", actor=ACTOR)
    assert error.value.code == "programs.result_header"
    assert "reference,status,amount,date" in error.value.message
    assert (list(Enrolment.objects.values()), AuditEvent.objects.count()) == before
