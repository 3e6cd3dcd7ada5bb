from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail

from bansos.cases import objections, selectors
from bansos.cases.models import OBJECTION_GROUNDS, Objection, ObjectionReason
from bansos.cases.workflow import CaseError, flatten
from bansos.core.errors import PermissionDenied
from bansos.core.models import AuditEvent
from bansos.programs.enrolment import enrolment_run
from bansos.programs.models import Enrolment, HouseholdFlag, Period

from .factories import ACTOR, CIDENG, GAMBIR, GPS, beneficiary, make_objection, officer, photo, user

pytestmark = pytest.mark.django_db

STATES = ["submitted", "upheld", "dismissed"]
LEGAL = set(flatten(objections.WORKFLOW.table))
T0 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _decide(objection: Objection, target: str, actor: object) -> Objection:
    if target == "upheld":
        return objections.objection_uphold(objection=objection, actor=actor, note="Terbukti punya mobil")
    if target == "dismissed":
        return objections.objection_dismiss(objection=objection, actor=actor, note="Tidak terbukti")
    raise CaseError("no service", code="case.illegal_transition")


def _in_state(state: str) -> Objection:
    objection = make_objection()
    if state != "submitted":
        objection = _decide(objection, state, officer("dinsos", "3171"))
    return objection


@pytest.mark.parametrize(("state", "target"), sorted(LEGAL))
def test_every_legal_transition_notifies_only_the_reporter(state, target, django_capture_on_commit_callbacks):
    objection = _in_state(state)
    dinsos = officer("dinsos", "3171")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decided = _decide(objection, target, dinsos)
    assert decided.state == target and decided.decided_at is not None
    assert (
        AuditEvent.objects.filter(event_type=f"case.objection_{target}", subject_id=str(objection.pk)).count()
        == 1
    )
    assert [m.to for m in mail.outbox] == [[objection.reporter.email]]


@pytest.mark.parametrize(
    ("state", "target"), [(a, b) for a in STATES for b in STATES if (a, b) not in LEGAL and b != "submitted"]
)
def test_every_illegal_transition_is_refused(state, target):
    objection = _in_state(state)
    dinsos = officer("dinsos", "3171")
    events = AuditEvent.objects.count()
    with pytest.raises(CaseError) as caught:
        _decide(objection, target, dinsos)
    assert caught.value.code == "case.illegal_transition"
    objection.refresh_from_db()
    assert objection.state == state and AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    ("role", "region"), [("village_operator", GAMBIR), ("dinsos", "3172"), ("auditor", "")]
)
def test_only_the_regency_decides(role, region):
    objection = make_objection()
    with pytest.raises(PermissionDenied):
        _decide(objection, "upheld", officer(role, region))
    objection.refresh_from_db()
    assert objection.state == "submitted" and HouseholdFlag.objects.count() == 0


def test_reporter_must_live_in_the_same_village_and_give_photo_and_gps():
    household = beneficiary()
    base: dict[str, Any] = {
        "reporter": user(), "household": household, "reason": "well_off", "description": "Mampu",
        "latitude": GPS[0], "longitude": GPS[1], "photo": photo(),
    }  # fmt: skip
    with pytest.raises(CaseError) as caught:
        objections.objection_submit(reporter_village_code=CIDENG, **base)
    assert caught.value.code == "case.other_village"
    with pytest.raises(CaseError) as caught:
        objections.objection_submit(reporter_village_code=GAMBIR, **{**base, "photo": None})
    assert caught.value.code == "case.photo_required"
    with pytest.raises(CaseError) as caught:
        objections.objection_submit(reporter_village_code=GAMBIR, **{**base, "latitude": None})
    assert caught.value.code == "case.gps_required"
    assert Objection.objects.count() == 0


def test_deadline_is_fourteen_days_and_overdue_objections_are_listed_for_the_regency():
    late = make_objection(now=T0)
    recent = make_objection(now=T0 + datetime.timedelta(days=10))
    assert late.due_at == T0 + datetime.timedelta(days=14)
    dinsos = officer("dinsos", "3171")
    now = T0 + datetime.timedelta(days=14, hours=1)
    assert list(selectors.objections_overdue(dinsos, now=now)) == [late]
    assert late.is_overdue(now) and not recent.is_overdue(now)
    assert list(selectors.objections_overdue(dinsos, now=T0 + datetime.timedelta(days=13))) == []
    assert list(selectors.objections_overdue(officer("dinsos", "3172"), now=now)) == []
    objections.objection_dismiss(objection=late, actor=dinsos, note="Tidak terbukti", now=now)
    assert list(selectors.objections_overdue(dinsos, now=now)) == []


def test_reported_household_is_found_by_nik_or_by_exact_name_in_the_village():
    household = beneficiary(name="RINA WATI")
    nik = household.members.get().nik
    assert selectors.reported_household(village_code=GAMBIR, nik=nik) == household
    assert selectors.reported_household(village_code=GAMBIR, name="rina  wati") == household
    assert selectors.reported_household(village_code=CIDENG, nik=nik) is None
    beneficiary(name="RINA WATI")
    assert selectors.reported_household(village_code=GAMBIR, name="RINA WATI") is None  # ambiguous


@pytest.mark.parametrize("reason", [r.value for r in ObjectionReason])
def test_upheld_objection_excludes_the_household_from_the_next_period_with_that_reason(reason):
    household = beneficiary()
    household.decile = 1
    household.save(update_fields=["decile"])
    objection = make_objection(household)
    objection.reason = reason
    objection.save(update_fields=["reason"])
    objections.objection_uphold(objection=objection, actor=officer("dinsos", "3171"), note="Terbukti")
    ground = OBJECTION_GROUNDS[ObjectionReason(reason)]
    flag = HouseholdFlag.objects.get(household=household)
    assert (flag.ground, flag.active, flag.source) == (ground, True, f"sanggahan #{objection.pk}")
    period = Period.objects.select_related("program").get(program__code="BPNT", year=2026, stage=1)
    enrolment_run(period=period, actor=ACTOR)
    enrolment = Enrolment.objects.get(period=period, household=household)
    assert enrolment.status == "excluded" and enrolment.reason == ground
