from __future__ import annotations

import datetime

import pytest
from django.core import mail

from bansos.cases import selectors, tickets
from bansos.cases.models import Ticket
from bansos.cases.workflow import CaseError, flatten
from bansos.core import sms
from bansos.core.errors import PermissionDenied
from bansos.core.models import AuditEvent

from .factories import officer, user

pytestmark = pytest.mark.django_db

STATES = ["open", "assigned", "answered", "closed"]
LEGAL = set(flatten(tickets.WORKFLOW.table))


def web_ticket(**overrides: object) -> Ticket:
    data: dict[str, object] = {
        "channel": "web", "category": "status", "name": "Ibu Sri", "subject": "Status PKH",
        "body": "Kenapa bantuan saya berhenti?", "contact_email": "sri@example.id",
        "contact_phone": "0811111111",
    }  # fmt: skip
    data.update(overrides)
    return tickets.ticket_open(**data)  # type: ignore[arg-type]


def _move(ticket: Ticket, target: str, actor: object) -> object:
    if target == "assigned":
        return tickets.ticket_assign(ticket=ticket, assignee=officer("helpdesk", ""), actor=actor)
    if target == "answered":
        return tickets.ticket_reply(ticket=ticket, actor=actor, body="Silakan datang ke kantor desa.")
    if target == "closed":
        return tickets.ticket_close(ticket=ticket, actor=actor)
    return tickets.ticket_reopen(ticket=ticket, actor=actor)


def in_state(state: str, agent: object) -> Ticket:
    ticket = web_ticket()
    path = {"open": [], "assigned": ["assigned"], "answered": ["answered"], "closed": ["closed"]}[state]
    for step in path:
        _move(ticket, step, agent)
    ticket.refresh_from_db()
    return ticket


@pytest.mark.parametrize(("state", "target"), sorted(LEGAL))
def test_every_legal_transition(state, target):
    agent = officer("helpdesk", "")
    ticket = in_state(state, agent)
    _move(ticket, target, agent)
    ticket.refresh_from_db()
    assert ticket.state == target
    event = {"assigned": "assigned", "answered": "answered", "closed": "closed", "open": "reopened"}[target]
    assert AuditEvent.objects.filter(event_type=f"case.ticket_{event}", subject_id=str(ticket.pk)).exists()


@pytest.mark.parametrize(("state", "target"), [(a, b) for a in STATES for b in STATES if (a, b) not in LEGAL])
def test_every_illegal_transition_is_refused(state, target):
    agent = officer("helpdesk", "")
    ticket = in_state(state, agent)
    with pytest.raises(CaseError) as caught:
        _move(ticket, target, agent)
    assert caught.value.code == "case.illegal_transition"
    ticket.refresh_from_db()
    assert ticket.state == state


def test_reply_is_sent_by_email_and_sms_on_commit(django_capture_on_commit_callbacks):
    ticket = web_ticket()
    mail.outbox.clear()
    sms.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_reply(
            ticket=ticket, actor=officer("helpdesk", ""), body="Data Anda sedang diperbarui."
        )
    assert [m.to for m in mail.outbox] == [["sri@example.id"]]
    assert "Data Anda sedang diperbarui." in mail.outbox[0].body
    assert [s.to for s in sms.outbox] == ["0811111111"]
    ticket.refresh_from_db()
    assert ticket.state == "answered" and ticket.assignee is not None


def test_contact_is_required_and_hotline_only_for_agents():
    with pytest.raises(CaseError) as caught:
        web_ticket(contact_email="", contact_phone="")
    assert caught.value.code == "case.no_contact"
    with pytest.raises(CaseError) as caught:
        web_ticket(channel="hotline", logged_by=user())
    assert caught.value.code == "case.role_denied"
    assert Ticket.objects.count() == 0
    assert web_ticket(channel="hotline", logged_by=officer("helpdesk", "31")).channel == "hotline"


def test_requester_may_reopen_their_own_ticket_but_not_another():
    owner = user()
    ticket = web_ticket(channel="citizen", requester=owner)
    tickets.ticket_reply(ticket=ticket, actor=officer("helpdesk", ""), body="Sudah dijawab")
    with pytest.raises(PermissionDenied):
        tickets.ticket_reopen(ticket=ticket, actor=user())
    tickets.ticket_reopen(ticket=ticket, actor=owner)
    ticket.refresh_from_db()
    assert ticket.state == "open"


def test_assignment_only_to_agents_of_the_region_and_regional_scoping():
    ticket = web_ticket(region_code="3171")
    jakarta = officer("helpdesk", "31")
    aceh = officer("helpdesk", "11")
    with pytest.raises(CaseError) as caught:
        tickets.ticket_assign(ticket=ticket, assignee=aceh, actor=jakarta)
    assert caught.value.code == "case.bad_assignee"
    with pytest.raises(PermissionDenied):
        tickets.ticket_assign(ticket=ticket, assignee=jakarta, actor=aceh)
    tickets.ticket_assign(ticket=ticket, assignee=jakarta, actor=jakarta)
    kind = selectors.KINDS["tiket"]
    assert list(selectors.readable(kind, jakarta)) == [ticket]
    assert list(selectors.readable(kind, aceh)) == []
    assert list(selectors.readable(kind, officer("village_operator", "3171011001"))) == []


def test_ageing_and_oldest_first_order():
    old = web_ticket(now=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    new = web_ticket(now=datetime.datetime(2026, 1, 20, tzinfo=datetime.UTC))
    now = datetime.datetime(2026, 1, 21, 12, tzinfo=datetime.UTC)
    assert (old.age_days(now), new.age_days(now)) == (20, 1)
    agent = officer("helpdesk", "")
    kind = selectors.KINDS["tiket"]
    assert list(selectors.queue(kind, agent)) == [old, new]
    assert list(selectors.queue(kind, agent, oldest_first=False)) == [new, old]
