import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from bansos.programs.models import Enrolment, Period, RankingRun
from bansos.registry.tests.factories import make_household, make_person

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_rank_then_enrol_dry_run_then_enrol() -> None:
    for _ in range(3):
        household = make_household()
        make_person(household)
    assert "3 households ranked" in run("rank")
    assert RankingRun.objects.count() == 1
    dry = run("enrol", "--program", "bpnt", "--period", "2026-1", "--dry-run")
    assert "nothing was written" in dry
    assert not Enrolment.objects.exists()
    out = run("enrol", "--program", "BPNT", "--period", "2026-1", "--no-progress")
    assert "BPNT 2026-1 (JAN-MAR 2026)" in out
    assert Enrolment.objects.filter(status="enrolled").count() == int(out.split(": ")[1].split(" ")[0])


def test_period_command_moves_states_and_refuses_illegal_ones() -> None:
    assert "PKH 2026-1 is now open" in run("period", "--program", "PKH", "--period", "2026-1", "--to", "open")
    with pytest.raises(CommandError, match="cannot go from open to paid"):
        run("period", "--program", "PKH", "--period", "2026-1", "--to", "paid")
    assert Period.objects.get(program__code="PKH", year=2026, stage=1).state == "open"
    with pytest.raises(CommandError, match="has no period 2026-9"):
        run("enrol", "--program", "PKH", "--period", "2026-9")
    with pytest.raises(CommandError, match="There is no program XYZ"):
        run("enrol", "--program", "XYZ", "--period", "2026-1")


def test_payments_command_round_trip(tmp_path: Path) -> None:
    household = make_household()
    make_person(household)
    run("rank")
    run("enrol", "--program", "BPNT", "--period", "2026-1", "--no-progress")
    run("period", "--program", "BPNT", "--period", "2026-1", "--to", "open")
    run("period", "--program", "BPNT", "--period", "2026-1", "--to", "locked")
    out = run(
        "payments", "--program", "BPNT", "--period", "2026-1", "--channel", "bri", "--out", str(tmp_path)
    )
    assert "1 rows, Rp600,000" in out
    enrolment = Enrolment.objects.get()
    result = tmp_path / "result.csv"
    result.write_text(f"reference,status,amount,date\n{enrolment.pk},credited,600000,2026-02-01\n")
    batch = out.split("batch #")[1].split(",")[0]
    assert "0 mismatches" in run("payments", "--reconcile", str(result), "--batch", batch)
    enrolment.refresh_from_db()
    assert enrolment.payment_status == "credited"


def test_flags_command_flags_listed_households_by_kk_without_recording_the_kk(tmp_path: Path) -> None:
    from bansos.core.models import AuditEvent
    from bansos.programs.models import HouseholdFlag
    from bansos.registry.tests.factories import new_kk

    kk = new_kk()
    household = make_household(kk=kk)
    listing = tmp_path / "kk.csv"
    listing.write_text(f"kk\n{kk}\n{new_kk()}\n")
    out = run("flags", "--ground", "income_above_minimum_wage", "--file", str(listing), "--source", "BPJS-TK")
    assert out.strip() == "listed 2, not_found 1, already_flagged 0, flagged 1"
    assert HouseholdFlag.objects.get().household_id == household.pk
    again = run("flags", "--ground", "income_above_minimum_wage", "--file", str(listing))
    assert "already_flagged 1, flagged 0" in again
    event = AuditEvent.objects.filter(event_type="programs.flags_imported").first()
    assert event is not None and kk not in str(event.details)
