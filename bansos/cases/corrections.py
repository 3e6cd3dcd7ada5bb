"""Data corrections: a family member asks to change the address, add a member or record a death; the
village operator verifies and applies it through the registry services (their audit events keep the
before/after; the correction keeps the same diff in ``changes``). The requested change can hold a NIK, so
it is stored encrypted."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bansos.accounts.models import Role
from bansos.cases.models import Correction
from bansos.cases.models import CorrectionKind as K
from bansos.cases.models import CorrectionState as S
from bansos.cases.notify import notify_user
from bansos.cases.workflow import CaseError, Workflow, roles
from bansos.core import crypto
from bansos.core.audit import jsonable, record
from bansos.registry import services as registry
from bansos.registry.identifiers import parse_kk, parse_nik
from bansos.registry.models import Household, Person

WORKFLOW = Workflow(
    name="correction",
    table={
        S.SUBMITTED: {S.APPLIED: roles(Role.VILLAGE_OPERATOR), S.REJECTED: roles(Role.VILLAGE_OPERATOR)},
        S.APPLIED: {},
        S.REJECTED: {},
    },
    state_phrases={
        S.SUBMITTED: _("still waiting for verification"),
        S.APPLIED: _("already applied"),
        S.REJECTED: _("already rejected"),
    },
    action_phrases={S.SUBMITTED: _("submitted again"), S.APPLIED: _("applied"), S.REJECTED: _("rejected")},
    illegal_message=_("This correction is %(state)s; it cannot be %(action)s."),
)


def payload(correction: Correction) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(crypto.decrypt(correction.payload_encrypted))
    return data


def _member(household: Household, nik: str) -> Person | None:
    index = crypto.blind_index(nik)
    return household.members.filter(nik_index=index).first()


def _clean_payload(household: Household, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    if kind == K.ADDRESS:
        address = str(data.get("address", "")).strip()
        if not address:
            raise CaseError(_("Give the new address."), code="case.missing")
        return {"address": address, "rt": str(data.get("rt", ""))[:3], "rw": str(data.get("rw", ""))[:3]}
    if kind == K.ADD_MEMBER:
        birth = data.get("birth_date")
        if not isinstance(birth, datetime.date):
            raise CaseError(_("Give the birth date."), code="case.missing")
        parsed = parse_nik(str(data.get("nik", "")), sex=str(data.get("sex", "")), birth_date=birth)
        if Person.objects.filter(nik_index=crypto.blind_index(parsed.nik)).exists():
            raise CaseError(_("This NIK is already registered."), code="case.nik_exists")
        name = str(data.get("full_name", "")).strip()
        relationship, marital = data.get("relationship"), data.get("marital_status")
        if not name or relationship not in Person.Relationship.values or relationship == "head":
            raise CaseError(_("Give the new member's name and relationship."), code="case.missing")
        if marital not in Person.MaritalStatus.values:
            raise CaseError(_("Choose the marital status."), code="case.bad_marital_status")
        return {
            "nik": parsed.nik, "full_name": name, "sex": data["sex"], "birth_date": birth.isoformat(),
            "relationship": relationship, "marital_status": marital,
        }  # fmt: skip
    if kind == K.DEATH:
        person = _member(household, str(data.get("nik", "")))
        if person is None:
            raise CaseError(_("This NIK is not a member of the family."), code="case.not_member")
        died = data.get("deceased_date")
        if not isinstance(died, datetime.date) or died > timezone.localdate():
            raise CaseError(_("Give the date of death (not in the future)."), code="case.bad_date")
        return {"nik": person.nik, "deceased_date": died.isoformat()}
    raise CaseError(_("Choose what should be corrected."), code="case.bad_kind")


def household_by_kk(kk: str) -> Household | None:
    parsed = parse_kk(kk)
    return Household.objects.filter(kk_index=crypto.blind_index(parsed.kk), status="active").first()


@transaction.atomic
def correction_submit(
    *,
    requester: Any,
    kk: str,
    requester_nik: str,
    kind: str,
    data: dict[str, Any],
    note: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> Correction:
    """``requester_nik`` must be a member of the household of ``kk`` (a citizen corrects their own family)."""
    household = household_by_kk(kk)
    if household is None or _member(household, requester_nik.strip()) is None:
        raise CaseError(
            _("No family with this KK has a member with your NIK in the registry."), code="case.not_member"
        )
    clean = _clean_payload(household, kind, data)
    correction = Correction.objects.create(
        requester=requester,
        household=household,
        village_id=household.village_id,
        kind=kind,
        payload_encrypted=crypto.encrypt(json.dumps(clean)),
        note=note.strip(),
        contact_phone=contact_phone,
        contact_email=contact_email,
    )
    _event(correction, requester, "submitted", "", kind=kind)
    _notify(
        correction,
        gettext("Correction #%(id)s received") % {"id": correction.pk},
        gettext("Your data correction request has been received; the village office will verify it."),
    )
    return correction


def _event(correction: Correction, actor: Any, event: str, before: str, **details: Any) -> None:
    record(
        actor=actor,
        event_type=f"case.correction_{event}",
        subject=correction,
        details={
            "state": {"before": before, "after": correction.state},
            "village": correction.village_id,
            "household": correction.household_id,
            **details,
        },
    )


def _notify(correction: Correction, subject: str, body: str) -> None:
    notify_user(
        correction.requester,
        subject,
        body,
        link=f"/kasus/perbaikan/{correction.pk}/",
        email=correction.contact_email,
        phone=correction.contact_phone,
    )


def _apply(correction: Correction, actor: Any) -> dict[str, Any]:
    data = payload(correction)
    household = correction.household
    if correction.kind == K.ADDRESS:
        fields = {"address": data["address"], "rt": data["rt"], "rw": data["rw"]}
        before = {f: getattr(household, f) for f in fields}
        registry.household_update(household=household, actor=actor, **fields)
        return {f: {"before": before[f], "after": v} for f, v in fields.items() if before[f] != v}
    if correction.kind == K.ADD_MEMBER:
        person = registry.person_add(
            household=household,
            nik=data["nik"],
            full_name=data["full_name"],
            sex=data["sex"],
            birth_date=datetime.date.fromisoformat(data["birth_date"]),
            relationship=data["relationship"],
            marital_status=data["marital_status"],
            actor=actor,
        )
        return {"members": {"before": None, "after": person.pk}}
    member = _member(household, data["nik"])
    if member is None:
        raise CaseError(_("This NIK is not a member of the family."), code="case.not_member")
    person = member
    before_date = person.deceased_date
    died = datetime.date.fromisoformat(data["deceased_date"])
    registry.person_record_death(person=person, deceased_date=died, actor=actor)
    return {
        "person": person.pk,
        "deceased_date": {"before": jsonable(before_date), "after": died.isoformat()},
    }


@transaction.atomic
def correction_apply(*, correction: Correction, actor: Any, note: str = "") -> Correction:
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    WORKFLOW.check(current=correction.state, target=S.APPLIED, user=actor, region_code=correction.village_id)
    changes = _apply(correction, actor)
    correction.state, correction.changes, correction.decision_note = S.APPLIED, changes, note.strip()
    correction.save()
    _event(correction, actor, "applied", S.SUBMITTED, changes=changes)
    _notify(
        correction,
        gettext("Correction #%(id)s applied") % {"id": correction.pk},
        gettext("The village office has corrected your family's data."),
    )
    return correction


@transaction.atomic
def correction_reject(*, correction: Correction, actor: Any, reason: str) -> Correction:
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    WORKFLOW.check(current=correction.state, target=S.REJECTED, user=actor, region_code=correction.village_id)
    if not reason.strip():
        raise CaseError(_("Give the reason for the rejection."), code="case.reason_required")
    correction.state, correction.decision_note = S.REJECTED, reason.strip()
    correction.save()
    _event(correction, actor, "rejected", S.SUBMITTED, reason=correction.decision_note)
    _notify(
        correction,
        gettext("Correction #%(id)s rejected") % {"id": correction.pk},
        gettext("Your correction request was rejected. Reason: %(reason)s")
        % {"reason": correction.decision_note},
    )
    return correction
