"""JSON API of the public check (mounted by config/api.py): region children for the cascading selects,
ALTCHA challenges, and the status check by NIK or by village + name, with the same anti-bot check, rate
limits and masking as the pages. POST only for anything carrying a NIK or a name."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import BaseModel

from bansos.core.jsonout import dumps
from bansos.lookup import antibot, ratelimit, services
from bansos.lookup.catalogue import children
from bansos.lookup.ratelimit import client_ip
from bansos.lookup.selectors import LookupResult

regions_router = Router(tags=["regions"])
lookup_router = Router(tags=["lookup"])


class RegionOut(Schema):
    code: str
    name: str


class ProgramOut(Schema):
    code: str
    name: str
    answer: str  # "YA" or "TIDAK"
    receiving: bool
    period: str | None
    payment_status: str | None
    paid_on: datetime.date | None
    reason: str | None


class ResultOut(Schema):
    masked_name: str
    village_code: str
    province: str
    regency: str
    district: str
    village: str
    decile: int | None
    deceased: bool
    beneficiary: bool
    programs: list[ProgramOut]


class NikLookupOut(Schema):
    found: bool
    result: ResultOut | None


class NameLookupOut(Schema):
    found: bool
    results: list[ResultOut]


# Request bodies are plain pydantic models: ninja's Schema adds a wrapping validator (for reading Django
# model attributes) that costs more than the validation itself and does nothing for a JSON body.
class NikIn(BaseModel):
    nik: str
    altcha: str


class NameIn(BaseModel):
    village_code: str
    name: str
    altcha: str


def result_out(result: LookupResult) -> dict[str, Any]:
    return {
        "masked_name": result.masked_name,
        "village_code": result.village_code,
        "province": result.region.get("province", ""),
        "regency": result.region.get("regency", ""),
        "district": result.region.get("district", ""),
        "village": result.region.get("village", ""),
        "decile": result.decile,
        "deceased": result.deceased,
        "beneficiary": result.is_beneficiary,
        "programs": [
            {
                "code": p.code,
                "name": p.name,
                "answer": p.answer,
                "receiving": p.receiving,
                "period": p.period,
                "payment_status": p.payment_status,
                "paid_on": p.paid_on,
                "reason": p.reason,
            }
            for p in result.programs
        ],
    }


@regions_router.get("/", response=list[RegionOut], summary="Provinces")
def provinces(request: HttpRequest) -> list[dict[str, str]]:
    return [{"code": code, "name": name} for code, name in children("")]


@regions_router.get("/{code}/children", response=list[RegionOut], summary="Regions directly below a region")
def region_children(request: HttpRequest, code: str) -> list[dict[str, str]]:
    return [{"code": c, "name": name} for c, name in children(code)]


@lookup_router.get("/challenge", summary="A new ALTCHA proof-of-work challenge")
def challenge(request: HttpRequest) -> dict[str, object]:
    ratelimit.check_challenge(client_ip(request))
    return antibot.new_challenge()


@lookup_router.post("/nik", response=NikLookupOut, summary="Status by NIK (masked)")
def lookup_nik(request: HttpRequest, payload: NikIn, response: HttpResponse) -> HttpResponse:
    result = services.check_by_nik(
        nik=payload.nik, answer=antibot.AntiBotAnswer(altcha=payload.altcha), client_ip=client_ip(request)
    )
    # Encoded directly (the same shape as NikLookupOut, which documents it): validating the answer through
    # the schema again costs more than the rest of the view. Written into ninja's own response object
    # (JSON content type) rather than a second one.
    response.content = dumps({"found": result is not None, "result": result_out(result) if result else None})
    return response


@lookup_router.post(
    "/name", response=NameLookupOut, summary="Status by village and name as on the KTP (masked)"
)
def lookup_name(request: HttpRequest, payload: NameIn, response: HttpResponse) -> HttpResponse:
    results = services.check_by_name(
        village_code=payload.village_code,
        name=payload.name,
        answer=antibot.AntiBotAnswer(altcha=payload.altcha),
        client_ip=client_ip(request),
    )
    response.content = dumps({"found": bool(results), "results": [result_out(r) for r in results]})
    return response
