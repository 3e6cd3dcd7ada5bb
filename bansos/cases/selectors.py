"""Reads for casework. Every officer query is narrowed by bansos.accounts.scoping; citizens see only the
cases they filed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.accounts.models import Role
from bansos.accounts.scoping import Scope, officer_scope, scope_filter, scoped_get
from bansos.cases import corrections, objections, proposals, tickets
from bansos.cases.models import Correction, Objection, ObjectionState, Proposal, Ticket
from bansos.cases.workflow import Workflow
from bansos.core import crypto
from bansos.core.models import AuditEvent
from bansos.registry.models import Household, Person
from bansos.registry.names import name_key

REPORTED_NOT_FOUND = _(
    "No single person with this NIK or name lives in your village; check the spelling or give the NIK."
)


@dataclass(frozen=True)
class Kind:
    """One kind of case as the console sees it."""

    slug: str  # URL segment and API name
    model: Any  # a case model
    workflow: Workflow
    field: str  # scoping field (path to a village code / region code)
    read_roles: frozenset[str] | None  # None: any officer role in the region


HANDLERS = frozenset({Role.VILLAGE_OPERATOR, Role.DISTRICT, Role.DINSOS, Role.PROVINCE, Role.NATIONAL_ADMIN})
KINDS: dict[str, Kind] = {
    "usulan": Kind("usulan", Proposal, proposals.WORKFLOW, "village__code", HANDLERS | {Role.AUDITOR}),
    "sanggahan": Kind(
        "sanggahan", Objection, objections.WORKFLOW, "village__code", HANDLERS | {Role.AUDITOR}
    ),
    "perbaikan": Kind(
        "perbaikan", Correction, corrections.WORKFLOW, "village__code", HANDLERS | {Role.AUDITOR}
    ),
    "tiket": Kind("tiket", Ticket, tickets.WORKFLOW, "region_code", frozenset({Role.HELPDESK, Role.AUDITOR})),
}


def case_region(case: Any) -> str:
    return str(case.region_code if isinstance(case, Ticket) else case.village_id)


def readable(kind: Kind, user: object, scope: Scope | None = None) -> models.QuerySet[Any]:
    return scope_filter(kind.model.objects.all(), user, field=kind.field, roles=kind.read_roles, scope=scope)


def case_get(kind: Kind, user: object, pk: int) -> Any:
    """One case the officer may read, or NotFound (same answer as a missing case)."""
    return scoped_get(kind.model.objects.all(), user, field=kind.field, roles=kind.read_roles, pk=pk)


def waiting(kind: Kind, user: object, scope: Scope | None = None) -> models.QuerySet[Any]:
    """Cases waiting for one of ``user``'s roles: in a state the role can move them out of, in its region."""
    scope = scope or officer_scope(user)
    condition = models.Q(pk__in=[])
    for state in kind.workflow.table:
        acting = kind.workflow.acting_roles(state)
        q = scope.q(kind.field, acting, write=True) if acting else None
        if q is not None:
            condition |= models.Q(state=state) & q
    return kind.model.objects.filter(condition)


def queue(
    kind: Kind,
    user: object,
    *,
    state: str = "",
    region: str = "",
    waiting_only: bool = False,
    oldest_first: bool = True,
    overdue_only: bool = False,
    now: datetime.datetime | None = None,
) -> models.QuerySet[Any]:
    scope = officer_scope(user)
    qs = waiting(kind, user, scope) if waiting_only else readable(kind, user, scope)
    if state:
        qs = qs.filter(state=state)
    if region.isdigit():
        qs = qs.filter(**{f"{kind.field}__startswith": region})
    if overdue_only and kind.model is Objection:
        qs = qs.filter(state=ObjectionState.SUBMITTED, due_at__lt=now or timezone.now())
    return qs.order_by("created_at" if oldest_first else "-created_at", "pk")


def objections_overdue(user: object, *, now: datetime.datetime | None = None) -> models.QuerySet[Objection]:
    """Undecided objections past their due date in the officer's region, oldest due first."""
    qs = readable(KINDS["sanggahan"], user).filter(
        state=ObjectionState.SUBMITTED, due_at__lt=now or timezone.now()
    )
    return qs.order_by("due_at", "pk")


def can_see_reporter(user: object, objection: Objection) -> bool:
    """Only the village and regency officers handling the objection see who reported it."""
    return officer_scope(user).covers(objection.village_id, [Role.VILLAGE_OPERATOR, Role.DINSOS], write=True)


def history(case: Any, *, hide_actor_of: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """The audit events of a case, oldest first, with the state each one led to (its label); the actor
    of ``hide_actor_of`` events is withheld."""
    labels = dict(case._meta.get_field("state").choices)
    events = AuditEvent.objects.filter(subject_type=case._meta.label_lower, subject_id=str(case.pk)).order_by(
        "occurred_at", "id"
    )
    rows = []
    for event in events:
        state = (event.details.get("state") or {}).get("after", "")
        rows.append(
            {
                "at": event.occurred_at,
                "state": state,
                "label": labels.get(state, state),
                "actor": "" if event.event_type in hide_actor_of else event.actor_label,
            }
        )
    return rows


def mine(user: Any) -> dict[str, models.QuerySet[Any]]:
    """The cases a citizen filed, newest first."""
    return {
        "usulan": Proposal.objects.filter(proposer=user).order_by("-created_at"),
        "sanggahan": Objection.objects.filter(reporter=user).order_by("-created_at"),
        "perbaikan": Correction.objects.filter(requester=user).order_by("-created_at"),
        "tiket": Ticket.objects.filter(requester=user).order_by("-created_at"),
    }


def reported_household(*, village_code: str, nik: str = "", name: str = "") -> Household | None:
    """The active household of a person in ``village_code``, by NIK (blind index) or by exact name; None
    when nobody or more than one person matches."""
    people = Person.objects.filter(village_id=village_code, household__status=Household.Status.ACTIVE)
    if nik.strip():
        people = people.filter(nik_index=crypto.blind_index(nik.strip()))
    elif name.strip():
        people = people.filter(name_key=name_key(name))
    else:
        return None
    found = list(people.select_related("household")[:2])
    return found[0].household if len(found) == 1 else None
