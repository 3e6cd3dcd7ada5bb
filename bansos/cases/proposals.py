"""Proposals (usul): citizen -> village verification (field visit) -> village meeting -> Dinsos decision.
An accepted proposal becomes a registry household (provenance "proposal") that the next ranking run
scores like any other active household; a rejected one carries its reason. Every step notifies the
proposer on commit."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bansos.accounts.models import Role
from bansos.cases.models import Attachment, Proposal
from bansos.cases.models import ProposalState as S
from bansos.cases.notify import notify_user
from bansos.cases.uploads import discard, store_upload
from bansos.cases.workflow import CaseError, Workflow, roles
from bansos.core import crypto
from bansos.core.audit import Actor, record
from bansos.regions.models import Village
from bansos.registry import services as registry
from bansos.registry.identifiers import parse_kk, parse_nik
from bansos.registry.models import Household, Person, Provenance

VO, DINSOS = Role.VILLAGE_OPERATOR, Role.DINSOS
MAX_PHOTOS = 5

WORKFLOW = Workflow(
    name="proposal",
    table={
        S.SUBMITTED: {S.VERIFIED: roles(VO), S.REJECTED: roles(VO)},
        S.VERIFIED: {S.DELIBERATED: roles(VO), S.REJECTED: roles(VO)},
        S.DELIBERATED: {S.ACCEPTED: roles(DINSOS), S.REJECTED: roles(DINSOS)},
        S.ACCEPTED: {},
        S.REJECTED: {},
    },
    state_phrases={
        S.SUBMITTED: _("still waiting for the village's verification"),
        S.VERIFIED: _("already verified"),
        S.DELIBERATED: _("already approved by the village meeting"),
        S.ACCEPTED: _("already accepted"),
        S.REJECTED: _("already rejected"),
    },
    action_phrases={
        S.SUBMITTED: _("submitted again"),
        S.VERIFIED: _("verified"),
        S.DELIBERATED: _("given a village meeting outcome"),
        S.ACCEPTED: _("accepted"),
        S.REJECTED: _("rejected"),
    },
    illegal_message=_("This proposal is %(state)s; it cannot be %(action)s."),
)

HOUSING_CHOICES: dict[str, Any] = {
    "floor_type": Household.FloorType,
    "wall_type": Household.WallType,
    "roof_type": Household.RoofType,
    "water_source": Household.WaterSource,
    "sanitation": Household.Sanitation,
    "lighting": Household.Lighting,
    "cooking_fuel": Household.CookingFuel,
    "tenure": Household.Tenure,
}
HOUSING_FLAGS = ("has_motorcycle", "has_car", "has_refrigerator", "has_land", "has_livestock")


def _clean_housing(housing: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for key, value in housing.items():
        if key in HOUSING_CHOICES:
            if value in ("", None):
                continue
            if value not in HOUSING_CHOICES[key].values:
                raise CaseError(_("Unknown value for %(field)s."), code="case.bad_housing", field=key)
            clean[key] = value
        elif key in HOUSING_FLAGS:
            clean[key] = bool(value)
        elif key == "floor_area_m2":
            if value in ("", None):
                continue
            if not isinstance(value, int) or not 1 <= value <= 10_000:
                raise CaseError(_("The floor area must be between 1 and 10,000 m²."), code="case.bad_housing")
            clean[key] = value
        else:
            raise CaseError(_("Unknown value for %(field)s."), code="case.bad_housing", field=key)
    return clean


def _gps(latitude: Decimal | None, longitude: Decimal | None) -> tuple[Decimal, Decimal]:
    if latitude is None or longitude is None:
        raise CaseError(_("The GPS position is required."), code="case.gps_required")
    if not (Decimal(-11) <= latitude <= Decimal(6) and Decimal(95) <= longitude <= Decimal(141)):
        raise CaseError(_("The GPS position is outside Indonesia."), code="case.gps_outside")
    return latitude.quantize(Decimal("0.000001")), longitude.quantize(Decimal("0.000001"))


def _locked(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update().get(pk=proposal.pk)


def _notify(proposal: Proposal, subject: str, body: str) -> None:
    notify_user(
        proposal.proposer,
        subject,
        body,
        link=f"/kasus/usulan/{proposal.pk}/",
        email=proposal.contact_email,
        phone=proposal.contact_phone,
    )


def _event(proposal: Proposal, actor: Actor, event: str, before: str, **details: Any) -> None:
    record(
        actor=actor,
        event_type=f"case.proposal_{event}",
        subject=proposal,
        details={
            "state": {"before": before, "after": proposal.state},
            "village": proposal.village_id,
            **details,
        },
    )


@transaction.atomic
def proposal_submit(
    *,
    proposer: Any,
    village_code: str,
    address: str,
    kk: str,
    head_nik: str,
    head_name: str,
    head_sex: str,
    head_birth_date: datetime.date,
    head_marital_status: str,
    circumstances: str,
    photos: list[IO[bytes]],
    members_count: int = 1,
    rt: str = "",
    rw: str = "",
    housing: dict[str, Any] | None = None,
    for_self: bool = True,
    contact_phone: str = "",
    contact_email: str = "",
    now: datetime.datetime | None = None,
) -> Proposal:
    village = Village.objects.filter(code=village_code).first()
    if village is None:
        raise CaseError(_("Choose the village where the family lives."), code="case.village_unknown")
    parsed_kk = parse_kk(kk)
    parsed_nik = parse_nik(head_nik, sex=head_sex, birth_date=head_birth_date)
    kk_index = crypto.blind_index(parsed_kk.kk)
    if Household.objects.filter(kk_index=kk_index).exists():
        raise CaseError(
            _("This family is already in the registry; ask for a data correction instead."),
            code="case.already_registered",
        )
    if Proposal.objects.filter(
        kk_index=kk_index, state__in=[S.SUBMITTED, S.VERIFIED, S.DELIBERATED]
    ).exists():
        raise CaseError(
            _("This family has already been proposed and is being processed."), code="case.duplicate"
        )
    if head_marital_status not in Person.MaritalStatus.values:
        raise CaseError(_("Choose the marital status."), code="case.bad_marital_status")
    if not address.strip() or not circumstances.strip() or not head_name.strip():
        raise CaseError(_("Fill in the address, the name and why the family needs aid."), code="case.missing")
    if not 1 <= members_count <= 30:
        raise CaseError(_("The number of family members must be between 1 and 30."), code="case.bad_members")
    if not photos:
        raise CaseError(_("Attach at least one photo of the house."), code="case.photo_required")
    if len(photos) > MAX_PHOTOS:
        raise CaseError(_("Attach at most %(n)s photos."), code="case.too_many_photos", n=MAX_PHOTOS)
    proposal = Proposal.objects.create(
        proposer=proposer,
        for_self=for_self,
        village=village,
        address=address.strip(),
        rt=rt,
        rw=rw,
        kk_encrypted=crypto.encrypt(parsed_kk.kk),
        kk_index=kk_index,
        head_nik_encrypted=crypto.encrypt(parsed_nik.nik),
        head_name=head_name.strip().upper(),
        head_sex=head_sex,
        head_birth_date=head_birth_date,
        head_marital_status=head_marital_status,
        members_count=members_count,
        circumstances=circumstances.strip(),
        housing=_clean_housing(housing or {}),
        contact_phone=contact_phone,
        contact_email=contact_email,
        created_at=now or timezone.now(),
    )
    written: list[str] = []
    try:
        for photo in photos:
            stored = store_upload(photo)
            written.append(stored.path)
            Attachment.objects.create(
                proposal=proposal, kind=Attachment.Kind.PHOTO, path=stored.path,
                content_type=stored.content_type, size=stored.size,
            )  # fmt: skip
    except Exception:
        discard(written)  # the transaction rolls back: leave no file behind
        raise
    _event(proposal, proposer, "submitted", "", photos=len(photos))
    _notify(
        proposal,
        gettext("Proposal #%(id)s received") % {"id": proposal.pk},
        gettext("Your proposal has been received and waits for the village's verification."),
    )
    return proposal


@transaction.atomic
def proposal_verify(
    *, proposal: Proposal, actor: Any, visit_notes: str, latitude: Decimal | None, longitude: Decimal | None
) -> Proposal:
    proposal = _locked(proposal)
    WORKFLOW.check(current=proposal.state, target=S.VERIFIED, user=actor, region_code=proposal.village_id)
    if not visit_notes.strip():
        raise CaseError(_("Write what the field visit found."), code="case.notes_required")
    lat, lng = _gps(latitude, longitude)
    before = proposal.state
    proposal.state, proposal.visit_notes = S.VERIFIED, visit_notes.strip()
    proposal.visit_latitude, proposal.visit_longitude = lat, lng
    proposal.save()
    _event(proposal, actor, "verified", before, latitude=str(lat), longitude=str(lng))
    _notify(
        proposal,
        gettext("Proposal #%(id)s verified") % {"id": proposal.pk},
        gettext("The village has verified your proposal; it goes to the village meeting next."),
    )
    return proposal


@transaction.atomic
def proposal_record_meeting(
    *, proposal: Proposal, actor: Any, meeting_date: datetime.date | None, minutes: IO[bytes] | None
) -> Proposal:
    proposal = _locked(proposal)
    WORKFLOW.check(current=proposal.state, target=S.DELIBERATED, user=actor, region_code=proposal.village_id)
    if meeting_date is None or meeting_date > timezone.localdate():
        raise CaseError(_("Give the date of the village meeting (not in the future)."), code="case.bad_date")
    if minutes is None:
        raise CaseError(_("Upload the minutes of the village meeting."), code="case.minutes_required")
    stored = store_upload(minutes, allow_pdf=True)
    Attachment.objects.create(
        proposal=proposal, kind=Attachment.Kind.MINUTES, path=stored.path,
        content_type=stored.content_type, size=stored.size,
    )  # fmt: skip
    before = proposal.state
    proposal.state, proposal.meeting_date = S.DELIBERATED, meeting_date
    proposal.save()
    _event(proposal, actor, "deliberated", before, meeting_date=meeting_date.isoformat())
    _notify(
        proposal,
        gettext("Proposal #%(id)s approved by the village meeting") % {"id": proposal.pk},
        gettext(
            "The village meeting approved your proposal; the regency social office (Dinsos) decides next."
        ),
    )
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: Proposal, actor: Any, note: str = "") -> Proposal:
    """Dinsos accepts: the family becomes a registry household (head of family as its first member)."""
    proposal = _locked(proposal)
    WORKFLOW.check(current=proposal.state, target=S.ACCEPTED, user=actor, region_code=proposal.village_id)
    household = registry.household_register(
        kk=proposal.kk,
        village_code=proposal.village_id,
        actor=actor,
        provenance=Provenance.PROPOSAL,
        address=proposal.address,
        rt=proposal.rt,
        rw=proposal.rw,
        **proposal.housing,
    )
    registry.person_add(
        household=household,
        nik=proposal.head_nik,
        full_name=proposal.head_name,
        sex=proposal.head_sex,
        birth_date=proposal.head_birth_date,
        relationship=Person.Relationship.HEAD,
        marital_status=proposal.head_marital_status,
        actor=actor,
        provenance=Provenance.PROPOSAL,
    )
    before = proposal.state
    proposal.state, proposal.household, proposal.decision_note = S.ACCEPTED, household, note.strip()
    proposal.save()
    _event(proposal, actor, "accepted", before, household=household.pk)
    _notify(
        proposal,
        gettext("Proposal #%(id)s accepted") % {"id": proposal.pk},
        gettext(
            "Dinsos accepted your proposal. The family is now in the social registry and will be ranked in "
            "the next cycle."
        ),
    )
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, actor: Any, reason: str) -> Proposal:
    proposal = _locked(proposal)
    WORKFLOW.check(current=proposal.state, target=S.REJECTED, user=actor, region_code=proposal.village_id)
    if not reason.strip():
        raise CaseError(_("Give the reason for the rejection."), code="case.reason_required")
    before = proposal.state
    proposal.state, proposal.rejection_reason = S.REJECTED, reason.strip()
    proposal.save()
    _event(proposal, actor, "rejected", before, reason=proposal.rejection_reason)
    _notify(
        proposal,
        gettext("Proposal #%(id)s rejected") % {"id": proposal.pk},
        gettext("Your proposal was rejected. Reason: %(reason)s") % {"reason": proposal.rejection_reason},
    )
    return proposal
