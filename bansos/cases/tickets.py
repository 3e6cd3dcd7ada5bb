"""Helpdesk tickets: from the public contact form, citizen accounts and hotline calls.

open -> assigned -> answered -> closed; a reply moves the ticket to "answered" and is sent to the contact
by e-mail/SMS; an answered or closed ticket can be reopened (by an agent or by the citizen who asked)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bansos.accounts.models import Role
from bansos.accounts.scoping import officer_scope
from bansos.cases.models import Ticket, TicketCategory, TicketChannel, TicketReply
from bansos.cases.models import TicketState as S
from bansos.cases.notify import notify_address
from bansos.cases.workflow import REQUESTER, CaseError, Workflow, roles
from bansos.core.audit import record
from bansos.regions.selectors import region_exists

HD = Role.HELPDESK

WORKFLOW = Workflow(
    name="ticket",
    table={
        S.OPEN: {S.ASSIGNED: roles(HD), S.ANSWERED: roles(HD), S.CLOSED: roles(HD)},
        S.ASSIGNED: {S.ASSIGNED: roles(HD), S.ANSWERED: roles(HD), S.CLOSED: roles(HD)},
        S.ANSWERED: {S.ANSWERED: roles(HD), S.CLOSED: roles(HD, REQUESTER), S.OPEN: roles(HD, REQUESTER)},
        S.CLOSED: {S.OPEN: roles(HD, REQUESTER)},
    },
    state_phrases={
        S.OPEN: _("still open"),
        S.ASSIGNED: _("already assigned"),
        S.ANSWERED: _("already answered"),
        S.CLOSED: _("already closed"),
    },
    action_phrases={
        S.OPEN: _("reopened"),
        S.ASSIGNED: _("assigned"),
        S.ANSWERED: _("answered"),
        S.CLOSED: _("closed"),
    },
    illegal_message=_("This ticket is %(state)s; it cannot be %(action)s."),
)


def _event(ticket: Ticket, actor: Any, event: str, before: str, **details: Any) -> None:
    record(
        actor=actor,
        event_type=f"case.ticket_{event}",
        subject=ticket,
        details={"state": {"before": before, "after": ticket.state}, **details},
    )


def _notify(ticket: Ticket, subject: str, body: str) -> None:
    email = ticket.contact_email or (ticket.requester.email if ticket.requester else "")
    notify_address(email=email, phone=ticket.contact_phone, subject=subject, body=body)


@transaction.atomic
def ticket_open(
    *,
    channel: str,
    category: str,
    name: str,
    subject: str,
    body: str,
    contact_email: str = "",
    contact_phone: str = "",
    requester: Any = None,
    logged_by: Any = None,
    region_code: str = "",
    now: datetime.datetime | None = None,
) -> Ticket:
    if channel not in TicketChannel.values:
        raise CaseError(_("Unknown channel."), code="case.bad_channel")
    if category not in TicketCategory.values:
        raise CaseError(_("Choose a category."), code="case.bad_category")
    if not (name.strip() and subject.strip() and body.strip()):
        raise CaseError(_("Fill in your name, the subject and the message."), code="case.missing")
    has_account_email = bool(requester is not None and getattr(requester, "email", ""))
    if not (contact_email or contact_phone or has_account_email):
        raise CaseError(
            _("Give an e-mail address or a phone number so we can answer."), code="case.no_contact"
        )
    if region_code and not region_exists(region_code):
        raise CaseError(_("Unknown region code."), code="case.region_unknown")
    if channel == TicketChannel.HOTLINE and not officer_scope(logged_by).has_role(HD):
        raise CaseError(_("Only helpdesk agents log hotline calls."), code="case.role_denied")
    ticket = Ticket.objects.create(
        channel=channel,
        category=category,
        name=name.strip(),
        subject=subject.strip(),
        body=body.strip(),
        contact_email=contact_email,
        contact_phone=contact_phone,
        requester=requester,
        logged_by=logged_by,
        region_code=region_code,
        created_at=now or timezone.now(),
    )
    actor = logged_by or requester
    details = {"state": {"before": "", "after": ticket.state}, "channel": channel, "category": category}
    if actor is not None:
        record(actor=actor, event_type="case.ticket_opened", subject=ticket, details=details)
    else:
        from bansos.core.audit import SystemActor

        record(
            actor=SystemActor("contact-form"),
            event_type="case.ticket_opened",
            subject=ticket,
            details=details,
        )
    _notify(
        ticket,
        gettext("Ticket #%(id)s received") % {"id": ticket.pk},
        gettext('We received your message "%(subject)s" and will answer soon.') % {"subject": ticket.subject},
    )
    return ticket


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


@transaction.atomic
def ticket_assign(*, ticket: Ticket, assignee: Any, actor: Any) -> Ticket:
    ticket = _locked(ticket)
    WORKFLOW.check(current=ticket.state, target=S.ASSIGNED, user=actor, region_code=ticket.region_code)
    if not officer_scope(assignee).covers(ticket.region_code, [HD], write=True):
        raise CaseError(_("Assign the ticket to a helpdesk agent of its region."), code="case.bad_assignee")
    before = ticket.state
    ticket.state, ticket.assignee = S.ASSIGNED, assignee
    ticket.save()
    _event(ticket, actor, "assigned", before, assignee=assignee.pk)
    return ticket


@transaction.atomic
def ticket_reply(*, ticket: Ticket, actor: Any, body: str) -> TicketReply:
    ticket = _locked(ticket)
    WORKFLOW.check(current=ticket.state, target=S.ANSWERED, user=actor, region_code=ticket.region_code)
    if not body.strip():
        raise CaseError(_("Write the reply."), code="case.missing")
    reply = TicketReply.objects.create(ticket=ticket, author=actor, body=body.strip())
    before = ticket.state
    ticket.state = S.ANSWERED
    if ticket.assignee_id is None:
        ticket.assignee = actor
    ticket.save()
    _event(ticket, actor, "answered", before, reply=reply.pk)
    _notify(ticket, gettext("Answer to ticket #%(id)s") % {"id": ticket.pk}, reply.body)
    return reply


@transaction.atomic
def ticket_close(*, ticket: Ticket, actor: Any) -> Ticket:
    ticket = _locked(ticket)
    WORKFLOW.check(
        current=ticket.state,
        target=S.CLOSED,
        user=actor,
        region_code=ticket.region_code,
        is_requester=ticket.requester_id is not None and ticket.requester_id == actor.pk,
    )
    before = ticket.state
    ticket.state = S.CLOSED
    ticket.save()
    _event(ticket, actor, "closed", before)
    return ticket


@transaction.atomic
def ticket_reopen(*, ticket: Ticket, actor: Any) -> Ticket:
    ticket = _locked(ticket)
    WORKFLOW.check(
        current=ticket.state,
        target=S.OPEN,
        user=actor,
        region_code=ticket.region_code,
        is_requester=ticket.requester_id is not None and ticket.requester_id == actor.pk,
    )
    before = ticket.state
    ticket.state = S.OPEN
    ticket.save()
    _event(ticket, actor, "reopened", before)
    return ticket
