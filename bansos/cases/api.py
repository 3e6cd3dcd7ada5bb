"""/api/cases: citizens file and follow their own cases; officers work their queues (session auth;
domain errors come back as {"code", "message"}). Uploads are multipart form fields."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from ninja.security import django_auth

from bansos.accounts.officer_auth import officer_auth
from bansos.cases import corrections, objections, proposals, selectors, tickets
from bansos.cases.actions import case_transition
from bansos.cases.models import Objection, Ticket, TicketChannel
from bansos.cases.workflow import CaseError
from bansos.core.errors import NotFound

cases_router = Router(tags=["cases"], auth=django_auth)


class Created(Schema):
    id: int
    state: str


class CaseOut(Schema):
    kind: str
    id: int
    state: str
    state_label: str
    created_at: datetime.datetime
    summary: str
    detail: dict[str, Any] = {}


class ProposalIn(Schema):
    village_code: str
    address: str
    rt: str = ""
    rw: str = ""
    kk: str
    head_nik: str
    head_name: str
    head_sex: str
    head_birth_date: datetime.date
    head_marital_status: str
    members_count: int = 1
    circumstances: str
    for_self: bool = True
    floor_type: str = ""
    wall_type: str = ""
    roof_type: str = ""
    lighting: str = ""
    water_source: str = ""
    contact_phone: str = ""
    contact_email: str = ""


class ObjectionIn(Schema):
    village_code: str
    reported_nik: str = ""
    reported_name: str = ""
    reason: str
    description: str
    latitude: Decimal
    longitude: Decimal
    contact_phone: str = ""
    contact_email: str = ""


class CorrectionIn(Schema):
    kk: str
    requester_nik: str
    kind: str
    address: str = ""
    rt: str = ""
    rw: str = ""
    nik: str = ""
    full_name: str = ""
    sex: str = ""
    birth_date: datetime.date | None = None
    relationship: str = ""
    marital_status: str = ""
    deceased_date: datetime.date | None = None
    note: str = ""
    contact_phone: str = ""
    contact_email: str = ""


class TicketIn(Schema):
    name: str
    category: str
    subject: str
    body: str
    contact_phone: str = ""
    contact_email: str = ""


class TransitionIn(Schema):
    target: str
    note: str = ""
    visit_notes: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    meeting_date: datetime.date | None = None
    assignee: int | None = None


def _summary(kind: str, case: Any) -> str:
    if kind == "usulan":
        return str(case.head_name)
    if kind == "sanggahan":
        return str(case.get_reason_display())
    if kind == "perbaikan":
        return str(case.get_kind_display())
    return str(case.subject)


def _out(kind: str, case: Any, *, officer: Any = None) -> dict[str, Any]:
    detail: dict[str, Any] = {"village": selectors.case_region(case)}
    if kind == "usulan":
        detail.update(rejection_reason=case.rejection_reason, household=case.household_id)
    elif kind == "sanggahan":
        detail.update(due_at=case.due_at.isoformat(), decision_note=case.decision_note)
        if officer is not None:
            detail["overdue"] = case.is_overdue()
            if selectors.can_see_reporter(officer, case):
                detail["reporter"] = case.reporter.get_username()
    elif kind == "perbaikan":
        detail.update(decision_note=case.decision_note, changes=case.changes)
    else:
        detail.update(replies=[r.body for r in case.replies.all()])
    return {
        "kind": kind,
        "id": case.pk,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "created_at": case.created_at,
        "summary": _summary(kind, case),
        "detail": detail,
    }


@cases_router.post("/proposals", response={201: Created}, url_name="cases_proposal_create")
def proposal_create(
    request: HttpRequest, data: Form[ProposalIn], photos: File[list[UploadedFile]]
) -> Status[dict[str, Any]]:
    values = data.dict()
    housing = {k: values.pop(k) for k in ("floor_type", "wall_type", "roof_type", "lighting", "water_source")}
    proposal = proposals.proposal_submit(
        proposer=request.user, photos=list(photos), housing=housing, **values
    )
    return Status(201, {"id": proposal.pk, "state": proposal.state})


@cases_router.post("/objections", response={201: Created}, url_name="cases_objection_create")
def objection_create(
    request: HttpRequest, data: Form[ObjectionIn], photo: File[UploadedFile]
) -> Status[dict[str, Any]]:
    values = data.dict()
    household = selectors.reported_household(
        village_code=values["village_code"], nik=values.pop("reported_nik"), name=values.pop("reported_name")
    )
    if household is None:
        raise CaseError(selectors.REPORTED_NOT_FOUND, code="case.reported_not_found")
    objection = objections.objection_submit(
        reporter=request.user, reporter_village_code=values.pop("village_code"), household=household,
        photo=photo, **values,
    )  # fmt: skip
    return Status(201, {"id": objection.pk, "state": objection.state})


@cases_router.post("/corrections", response={201: Created}, url_name="cases_correction_create")
def correction_create(request: HttpRequest, data: CorrectionIn) -> Status[dict[str, Any]]:
    values = data.dict()
    head = {
        k: values.pop(k) for k in ("kk", "requester_nik", "kind", "note", "contact_phone", "contact_email")
    }
    correction = corrections.correction_submit(requester=request.user, data=values, **head)
    return Status(201, {"id": correction.pk, "state": correction.state})


@cases_router.post("/tickets", response={201: Created}, url_name="cases_ticket_create")
def ticket_create(request: HttpRequest, data: TicketIn) -> Status[dict[str, Any]]:
    ticket = tickets.ticket_open(channel=TicketChannel.CITIZEN, requester=request.user, **data.dict())
    return Status(201, {"id": ticket.pk, "state": ticket.state})


@cases_router.get("/mine", response=list[CaseOut], url_name="cases_mine")
def mine(request: HttpRequest) -> list[dict[str, Any]]:
    return [_out(kind, case) for kind, qs in selectors.mine(request.user).items() for case in qs]


@cases_router.get("/mine/{kind}/{case_id}", response=CaseOut, url_name="cases_mine_detail")
def mine_detail(request: HttpRequest, kind: str, case_id: int) -> dict[str, Any]:
    qs = selectors.mine(request.user).get(kind)
    case = qs.filter(pk=case_id).first() if qs is not None else None
    if case is None:
        raise NotFound(_("No such case."), code="case.not_found")
    return _out(kind, case)


def _kind(kind: str) -> selectors.Kind:
    found = selectors.KINDS.get(kind)
    if found is None:
        raise NotFound(_("No such case."), code="case.not_found")
    return found


@cases_router.get("/queue/{kind}", response=list[CaseOut], url_name="cases_queue", auth=officer_auth)
def queue(
    request: HttpRequest,
    kind: str,
    state: str = "",
    region: str = "",
    waiting: bool = False,
    overdue: bool = False,
) -> list[dict[str, Any]]:
    found = _kind(kind)
    qs = selectors.queue(
        found, request.user, state=state, region=region, waiting_only=waiting, overdue_only=overdue,
        now=timezone.now(),
    )[:200]  # fmt: skip
    return [_out(kind, case, officer=request.user) for case in qs]


@cases_router.get(
    "/officer/{kind}/{case_id}", response=CaseOut, url_name="cases_officer_detail", auth=officer_auth
)
def officer_detail(request: HttpRequest, kind: str, case_id: int) -> dict[str, Any]:
    case = selectors.case_get(_kind(kind), request.user, case_id)
    return _out(kind, case, officer=request.user)


@cases_router.post(
    "/officer/{kind}/{case_id}/transition", response=CaseOut, url_name="cases_transition", auth=officer_auth
)
def transition(
    request: HttpRequest,
    kind: str,
    case_id: int,
    data: Form[TransitionIn],
    minutes: File[UploadedFile] | None = None,
) -> dict[str, Any]:
    found = _kind(kind)
    case = selectors.case_get(found, request.user, case_id)
    if data.target not in found.workflow.action_phrases:
        raise CaseError(_("Unknown action."), code="case.unknown_action")
    case_transition(
        kind=kind, case=case, target=data.target, data={**data.dict(), "minutes": minutes}, actor=request.user
    )
    case.refresh_from_db()
    return _out(kind, case, officer=request.user)


__all__ = ["Objection", "Ticket", "cases_router"]
