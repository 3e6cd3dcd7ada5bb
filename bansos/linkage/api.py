"""/api/linkage: the duplicate review queue and its decisions for officers (session auth, region-scoped
like the console pages; domain errors come back as {"code", "message"})."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from bansos.accounts.officer_auth import officer_auth
from bansos.core.audit import Actor
from bansos.linkage import selectors, services
from bansos.linkage.models import CandidatePair, Merge


def _actor(request: HttpRequest) -> Actor:
    return cast(Actor, request.user)


# Officers verified by the second factor (401 when not logged in, 403 auth.officer_required/otp_required).
linkage_router = Router(tags=["linkage"], auth=officer_auth)


class PairOut(Schema):
    id: int
    left: int
    right: int
    rule: str
    score: float
    status: str


class PairDetail(PairOut):
    evidence: dict[str, Any]


class MergeIn(Schema):
    keep: str = "left"


class DismissIn(Schema):
    note: str = ""


def _out(pair: CandidatePair) -> dict[str, Any]:
    return {
        "id": pair.pk,
        "left": pair.left_id,
        "right": pair.right_id,
        "rule": pair.rule,
        "score": pair.score,
        "status": pair.status,
    }


@linkage_router.get("/pairs", response=list[PairOut])
def pairs(request: HttpRequest, status: str = "pending", rule: str = "", limit: int = 100) -> list[Any]:
    status = status if status in CandidatePair.Status.values else CandidatePair.Status.PENDING
    return [
        _out(p) for p in selectors.queue(request.user, status=status, rule=rule)[: max(1, min(limit, 500))]
    ]


@linkage_router.get("/pairs/{pk}", response=PairDetail)
def pair(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = selectors.pair_get(request.user, pk)
    return {**_out(found), "evidence": selectors.pair_evidence(found)}


@linkage_router.post("/pairs/{pk}/merge", response=PairOut)
def merge(request: HttpRequest, pk: int, payload: MergeIn) -> dict[str, Any]:
    found = selectors.pair_get(request.user, pk, write=True)
    services.pair_merge(pair=found, keep=payload.keep, actor=_actor(request))
    found.refresh_from_db()
    return _out(found)


@linkage_router.post("/pairs/{pk}/dismiss", response=PairOut)
def dismiss(request: HttpRequest, pk: int, payload: DismissIn) -> dict[str, Any]:
    found = selectors.pair_get(request.user, pk, write=True)
    return _out(services.pair_dismiss(pair=found, note=payload.note, actor=_actor(request)))


@linkage_router.post("/pairs/{pk}/unmerge", response=PairOut)
def unmerge(request: HttpRequest, pk: int) -> dict[str, Any]:
    found = selectors.pair_get(request.user, pk, write=True)
    done = Merge.objects.filter(pair=found, undone_at__isnull=True).first()
    if done is None:
        raise services.LinkageError(_("This pair has no merge to undo."), code="linkage.no_merge")
    services.merge_undo(merge=done, actor=_actor(request))
    found.refresh_from_db()
    return _out(found)
