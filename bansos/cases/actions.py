"""One entry point for the console and the API: move a case to a target state through the service of its
workflow (each service checks the transition table, the role and the region)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from bansos.accounts.models import User
from bansos.cases import corrections, objections, proposals, tickets
from bansos.cases.workflow import CaseError


def case_transition(*, kind: str, case: Any, target: str, data: dict[str, Any], actor: Any) -> None:
    """Move ``case`` (of console kind ``kind``) to ``target`` through its workflow service."""
    slug, user = kind, actor
    note = data.get("note", "") or ""
    if slug == "usulan":
        if target == "verified":
            proposals.proposal_verify(
                proposal=case, actor=user, visit_notes=data["visit_notes"],
                latitude=data["latitude"], longitude=data["longitude"],
            )  # fmt: skip
        elif target == "deliberated":
            proposals.proposal_record_meeting(
                proposal=case, actor=user, meeting_date=data["meeting_date"], minutes=data["minutes"]
            )
        elif target == "accepted":
            proposals.proposal_accept(proposal=case, actor=user, note=note)
        else:
            proposals.proposal_reject(proposal=case, actor=user, reason=note)
    elif slug == "sanggahan":
        decide = objections.objection_uphold if target == "upheld" else objections.objection_dismiss
        decide(objection=case, actor=user, note=note)
    elif slug == "perbaikan":
        if target == "applied":
            corrections.correction_apply(correction=case, actor=user, note=note)
        else:
            corrections.correction_reject(correction=case, actor=user, reason=note)
    elif target == "assigned":
        assignee = User.objects.filter(pk=data.get("assignee") or 0).first()
        if assignee is None:
            raise CaseError(_("Choose the agent."), code="case.bad_assignee")
        tickets.ticket_assign(ticket=case, assignee=assignee, actor=user)
    elif target == "answered":
        tickets.ticket_reply(ticket=case, actor=user, body=note)
    elif target == "closed":
        tickets.ticket_close(ticket=case, actor=user)
    else:
        tickets.ticket_reopen(ticket=case, actor=user)
