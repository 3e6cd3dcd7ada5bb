from __future__ import annotations

import datetime

import pytest
from django.core import mail

from bansos.cases import proposals
from bansos.cases.models import Attachment, Proposal, ProposalState
from bansos.cases.workflow import CaseError, flatten
from bansos.core import sms
from bansos.core.errors import PermissionDenied
from bansos.core.models import AuditEvent
from bansos.programs.ranking import ranking_run
from bansos.registry.models import Household

from .factories import ACTOR, CIDENG, GAMBIR, GPS, make_proposal, officer, pdf, photo, proposal_data, user

pytestmark = pytest.mark.django_db

STATES = [s.value for s in ProposalState]
LEGAL = set(flatten(proposals.WORKFLOW.table))
ILLEGAL = [(a, b) for a in STATES for b in STATES if (a, b) not in LEGAL]


def _move(proposal: Proposal, target: str, actor: object) -> Proposal:
    if target == "verified":
        return proposals.proposal_verify(
            proposal=proposal, actor=actor, visit_notes="Kunjungan", latitude=GPS[0], longitude=GPS[1]
        )
    if target == "deliberated":
        return proposals.proposal_record_meeting(
            proposal=proposal, actor=actor, meeting_date=datetime.date(2026, 1, 5), minutes=pdf()
        )
    if target == "accepted":
        return proposals.proposal_accept(proposal=proposal, actor=actor)
    if target == "rejected":
        return proposals.proposal_reject(proposal=proposal, actor=actor, reason="Tidak memenuhi syarat")
    raise CaseError("no service", code="case.illegal_transition")


def _actor_for(state: str, target: str) -> object:
    roles = proposals.WORKFLOW.allowed(state).get(target, frozenset({"village_operator"}))
    return officer("dinsos", "3171") if "dinsos" in roles else officer("village_operator", GAMBIR)


def test_submit_stores_encrypted_identifiers_photos_and_notifies_on_commit(
    django_capture_on_commit_callbacks,
):
    proposer = user()
    data = proposal_data()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        proposal = proposals.proposal_submit(proposer=proposer, photos=[photo(), photo("PNG")], **data)
    assert len(callbacks) == 1
    assert proposal.state == "submitted"
    assert proposal.kk == data["kk"] and proposal.head_nik == data["head_nik"]
    assert data["kk"].encode() not in bytes(proposal.kk_encrypted)
    assert proposal.attachments.filter(kind="photo").count() == 2
    assert [m.subject for m in mail.outbox] == [f"Usulan #{proposal.pk} diterima"]
    assert mail.outbox[0].to == [proposer.email]
    assert [m.to for m in sms.outbox] == ["081234567890"]
    event = AuditEvent.objects.get(event_type="case.proposal_submitted")
    assert data["kk"] not in str(event.details) and data["head_nik"] not in str(event.details)


def test_no_notification_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(CaseError):
        proposals.proposal_submit(proposer=user(), photos=[photo()], **proposal_data(address=" "))
    assert callbacks == [] and mail.outbox == [] and Proposal.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "photos", "code"),
    [
        ({"village_code": "9999999999"}, 1, "case.village_unknown"),
        ({"kk": "123"}, 1, "kk.format"),
        ({"head_sex": "M"}, 1, "nik.sex_mismatch"),
        ({"members_count": 0}, 1, "case.bad_members"),
        ({"housing": {"floor_type": "gold"}}, 1, "case.bad_housing"),
        ({}, 0, "case.photo_required"),
        ({}, 6, "case.too_many_photos"),
    ],
)
def test_bad_proposals_are_refused_and_change_nothing(overrides, photos, code):
    with pytest.raises(Exception) as caught:
        proposals.proposal_submit(
            proposer=user(), photos=[photo() for _ in range(photos)], **proposal_data(**overrides)
        )
    assert caught.value.code == code  # type: ignore[attr-defined]
    assert Proposal.objects.count() == 0 and Attachment.objects.count() == 0


def test_already_registered_or_pending_family_is_refused():
    data = proposal_data()
    proposals.proposal_submit(proposer=user(), photos=[photo()], **data)
    with pytest.raises(CaseError) as caught:
        proposals.proposal_submit(proposer=user(), photos=[photo()], **data)
    assert caught.value.code == "case.duplicate"
    accepted = make_proposal(state="accepted")
    with pytest.raises(CaseError) as caught:
        proposals.proposal_submit(
            proposer=user(),
            photos=[photo()],
            **proposal_data(kk=accepted.kk, head_nik=proposal_data()["head_nik"]),
        )
    assert caught.value.code == "case.already_registered"


@pytest.mark.parametrize(("state", "target"), sorted(LEGAL))
def test_every_legal_transition(state, target, django_capture_on_commit_callbacks):
    proposal = make_proposal(state=state)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = _move(proposal, target, _actor_for(state, target))
    assert moved.state == target
    assert (
        AuditEvent.objects.filter(event_type=f"case.proposal_{target}", subject_id=str(proposal.pk)).count()
        == 1
    )
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [proposal.proposer.email]


@pytest.mark.parametrize(("state", "target"), [p for p in ILLEGAL if p[1] != "submitted"])
def test_every_illegal_transition_is_refused_with_a_clear_message(state, target):
    proposal = make_proposal(state=state)
    actor = _actor_for(state, target)
    events = AuditEvent.objects.count()
    with pytest.raises(CaseError) as caught:
        _move(proposal, target, actor)
    assert caught.value.code == "case.illegal_transition"
    proposal.refresh_from_db()
    assert proposal.state == state and AuditEvent.objects.count() == events


def test_illegal_message_in_indonesian():
    proposal = make_proposal(state="deliberated")
    with pytest.raises(CaseError) as caught:
        _move(proposal, "verified", officer("village_operator", GAMBIR))
    assert caught.value.message == "Usulan ini sudah disetujui musyawarah desa; tidak bisa diverifikasi."


@pytest.mark.parametrize(
    ("state", "target", "role", "region"),
    [
        ("submitted", "verified", "village_operator", CIDENG),  # another village
        ("submitted", "verified", "dinsos", "3171"),  # wrong role
        ("submitted", "verified", "auditor", ""),  # read-only
        ("deliberated", "accepted", "village_operator", GAMBIR),
        ("deliberated", "accepted", "dinsos", "3172"),  # another regency
    ],
)
def test_roles_and_regions_are_enforced(state, target, role, region):
    proposal = make_proposal(state=state)
    with pytest.raises(PermissionDenied) as caught:
        _move(proposal, target, officer(role, region))
    assert caught.value.code == "case.role_denied"
    proposal.refresh_from_db()
    assert proposal.state == state


def test_verification_needs_notes_and_gps_inside_indonesia():
    proposal = make_proposal()
    operator = officer("village_operator", GAMBIR)
    with pytest.raises(CaseError) as caught:
        proposals.proposal_verify(
            proposal=proposal, actor=operator, visit_notes="ok", latitude=None, longitude=None
        )
    assert caught.value.code == "case.gps_required"
    with pytest.raises(CaseError) as caught:
        proposals.proposal_verify(
            proposal=proposal, actor=operator, visit_notes="ok", latitude=GPS[0], longitude=GPS[0]
        )
    assert caught.value.code == "case.gps_outside"
    with pytest.raises(CaseError) as caught:
        proposals.proposal_verify(
            proposal=proposal, actor=operator, visit_notes=" ", latitude=GPS[0], longitude=GPS[1]
        )
    assert caught.value.code == "case.notes_required"
    proposal.refresh_from_db()
    assert proposal.state == "submitted" and proposal.visit_notes == ""


def test_meeting_needs_minutes_and_a_past_date():
    proposal = make_proposal(state="verified")
    operator = officer("village_operator", GAMBIR)
    with pytest.raises(CaseError) as caught:
        proposals.proposal_record_meeting(
            proposal=proposal, actor=operator, meeting_date=datetime.date(2026, 1, 5), minutes=None
        )
    assert caught.value.code == "case.minutes_required"
    with pytest.raises(CaseError) as caught:
        proposals.proposal_record_meeting(
            proposal=proposal, actor=operator, meeting_date=datetime.date(2999, 1, 1), minutes=pdf()
        )
    assert caught.value.code == "case.bad_date"
    assert proposal.attachments.filter(kind="minutes").count() == 0


def test_rejection_needs_a_reason_and_is_kept():
    proposal = make_proposal()
    operator = officer("village_operator", GAMBIR)
    with pytest.raises(CaseError):
        proposals.proposal_reject(proposal=proposal, actor=operator, reason="")
    rejected = proposals.proposal_reject(proposal=proposal, actor=operator, reason="Keluarga sudah mampu")
    assert rejected.state == "rejected" and rejected.rejection_reason == "Keluarga sudah mampu"


def test_accepted_proposal_becomes_a_registry_household_ranked_in_the_next_cycle():
    proposal = make_proposal(state="accepted")
    household = Household.objects.get(pk=proposal.household_id or 0)
    assert household.provenance == "proposal" and household.village_id == GAMBIR
    assert household.floor_type == "earth" and household.address == "Jl. Melati 4"
    head = household.members.get()
    assert head.full_name == "SITI AMINAH" and head.nik == proposal.head_nik and head.relationship == "head"
    assert household.decile is None
    ranking_run(actor=ACTOR)
    household.refresh_from_db()
    assert household.decile is not None and household.welfare_score is not None
