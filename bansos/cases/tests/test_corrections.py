from __future__ import annotations

import datetime

import pytest
from django.core import mail

from bansos.cases import corrections
from bansos.cases.models import Correction
from bansos.cases.workflow import CaseError, flatten
from bansos.core.errors import PermissionDenied
from bansos.core.models import AuditEvent
from bansos.registry.models import Household, Person

from .factories import CIDENG, GAMBIR, make_household, make_person, new_nik, officer, user

pytestmark = pytest.mark.django_db

LEGAL = set(flatten(corrections.WORKFLOW.table))
STATES = ["submitted", "applied", "rejected"]


def family() -> tuple[Household, Person]:
    household = make_household(GAMBIR, address="Jl. Lama 1", rt="001", rw="001")
    head = make_person(household, full_name="AHMAD YANI")
    return household, head


def submit(kind: str = "address", **data: object) -> Correction:
    household, head = family()
    values = data or {"address": "Jl. Baru 9", "rt": "003", "rw": "004"}
    return corrections.correction_submit(
        requester=user(), kk=household.kk, requester_nik=head.nik, kind=kind, data=values
    )


def _move(correction: Correction, target: str, actor: object) -> Correction:
    if target == "applied":
        return corrections.correction_apply(correction=correction, actor=actor)
    if target == "rejected":
        return corrections.correction_reject(correction=correction, actor=actor, reason="Dokumen tidak cocok")
    raise CaseError("no service", code="case.illegal_transition")


def test_address_change_is_applied_through_the_registry_with_before_and_after(
    django_capture_on_commit_callbacks,
):
    correction = submit()
    operator = officer("village_operator", GAMBIR)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        applied = corrections.correction_apply(correction=correction, actor=operator)
    household = Household.objects.get(pk=correction.household_id)
    assert (household.address, household.rt, household.rw) == ("Jl. Baru 9", "003", "004")
    assert applied.changes == {
        "address": {"before": "Jl. Lama 1", "after": "Jl. Baru 9"},
        "rt": {"before": "001", "after": "003"},
        "rw": {"before": "001", "after": "004"},
    }
    registry_event = AuditEvent.objects.get(
        event_type="registry.household_updated", subject_id=str(household.pk)
    )
    assert registry_event.actor == operator
    assert registry_event.details["changes"]["address"] == {"before": "Jl. Lama 1", "after": "Jl. Baru 9"}
    assert len(mail.outbox) == 1


def test_add_member_and_record_death():
    household, head = family()
    nik = new_nik(GAMBIR, sex="F", birth_date=datetime.date(2010, 1, 2))
    add = corrections.correction_submit(
        requester=user(), kk=household.kk, requester_nik=head.nik, kind="add_member",
        data={"nik": nik, "full_name": "Putri", "sex": "F", "birth_date": datetime.date(2010, 1, 2),
              "relationship": "child", "marital_status": "single"},
    )  # fmt: skip
    assert nik not in str(bytes(add.payload_encrypted))
    operator = officer("village_operator", GAMBIR)
    corrections.correction_apply(correction=add, actor=operator)
    assert household.members.filter(full_name="PUTRI", relationship="child").count() == 1
    death = corrections.correction_submit(
        requester=user(), kk=household.kk, requester_nik=nik, kind="death",
        data={"nik": head.nik, "deceased_date": datetime.date(2026, 1, 3)},
    )  # fmt: skip
    applied = corrections.correction_apply(correction=death, actor=operator)
    head.refresh_from_db()
    assert head.deceased_date == datetime.date(2026, 1, 3)
    assert applied.changes["deceased_date"] == {"before": None, "after": "2026-01-03"}


@pytest.mark.parametrize(
    ("kind", "data", "code"),
    [
        ("address", {"address": " "}, "case.missing"),
        ("death", {"nik": "3171010101010001", "deceased_date": datetime.date(2026, 1, 1)}, "case.not_member"),
        ("death", {"deceased_date": datetime.date(2999, 1, 1)}, "case.bad_date"),
        ("add_member", {"nik": "1", "sex": "F", "birth_date": datetime.date(2010, 1, 2)}, "nik.format"),
        ("other", {}, "case.bad_kind"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(kind, data, code):
    household, head = family()
    if kind == "death" and "nik" not in data:
        data = {**data, "nik": head.nik}
    with pytest.raises(Exception) as caught:
        corrections.correction_submit(
            requester=user(), kk=household.kk, requester_nik=head.nik, kind=kind, data=data
        )
    assert caught.value.code == code  # type: ignore[attr-defined]
    assert Correction.objects.count() == 0


def test_requester_must_be_a_member_of_the_family():
    household, _head = family()
    _other, stranger = family()
    with pytest.raises(CaseError) as caught:
        corrections.correction_submit(
            requester=user(),
            kk=household.kk,
            requester_nik=stranger.nik,
            kind="address",
            data={"address": "X"},
        )
    assert caught.value.code == "case.not_member"


@pytest.mark.parametrize(("state", "target"), sorted(LEGAL))
def test_every_legal_transition(state, target):
    correction = submit()
    moved = _move(correction, target, officer("village_operator", GAMBIR))
    assert moved.state == target
    assert (
        AuditEvent.objects.filter(
            event_type=f"case.correction_{target}", subject_id=str(correction.pk)
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    ("state", "target"), [(a, b) for a in STATES for b in STATES if (a, b) not in LEGAL and b != "submitted"]
)
def test_every_illegal_transition_is_refused(state, target):
    correction = submit()
    operator = officer("village_operator", GAMBIR)
    if state != "submitted":
        correction = _move(correction, state, operator)
    events = AuditEvent.objects.count()
    with pytest.raises(CaseError) as caught:
        _move(correction, target, operator)
    assert caught.value.code == "case.illegal_transition"
    correction.refresh_from_db()
    assert correction.state == state and AuditEvent.objects.count() == events


def test_operator_of_another_village_cannot_apply():
    correction = submit()
    with pytest.raises(PermissionDenied):
        corrections.correction_apply(correction=correction, actor=officer("village_operator", CIDENG))
    household = Household.objects.get(pk=correction.household_id)
    assert household.address == "Jl. Lama 1"
    correction.refresh_from_db()
    assert correction.state == "submitted"
