"""Test helpers for casework: officers, citizens, photos and cases in a given state."""

from __future__ import annotations

import datetime
import io
import itertools
from decimal import Decimal
from typing import Any

from PIL import Image

from bansos.accounts.models import User
from bansos.accounts.services import officer_role_grant
from bansos.cases import objections, proposals
from bansos.cases.models import Objection, Proposal
from bansos.core.audit import SystemActor
from bansos.registry.models import Household
from bansos.registry.tests.factories import (
    GAMBIR,
    KEUDE_BAKONGAN,
    make_household,
    make_person,
    new_kk,
    new_nik,
)

ACTOR = SystemActor("test")
_users = itertools.count(1)
# A second village of the same district and regency as Gambir (Jakarta Pusat 3171).
CIDENG = "3171011002"
GPS = (Decimal("-6.175392"), Decimal("106.827153"))

__all__ = ["CIDENG", "GAMBIR", "GPS", "KEUDE_BAKONGAN", "make_household", "make_person", "new_kk", "new_nik"]


def user(prefix: str = "warga", **fields: Any) -> User:
    n = next(_users)
    return User.objects.create_user(
        username=f"{prefix}{n}", password="x", email=f"{prefix}{n}@example.id", **fields
    )


def officer(role: str, region_code: str) -> User:
    person = user(role)
    officer_role_grant(user=person, role=role, region_code=region_code, actor=ACTOR)
    return person


def photo_bytes(fmt: str = "JPEG", *, exif: bool = False, size: tuple[int, int] = (40, 30)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "CameraMaker"  # Make
        data[0x8825] = {2: (6.0, 10.0, 30.0)}  # GPS info (latitude)
        image.save(out, format=fmt, exif=data)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def photo(fmt: str = "JPEG", **kwargs: Any) -> io.BytesIO:
    data = io.BytesIO(photo_bytes(fmt, **kwargs))
    data.name = "rumah.jpg"
    return data


def pdf() -> io.BytesIO:
    data = io.BytesIO(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    data.name = "notulen.pdf"
    return data


def proposal_data(village_code: str = GAMBIR, **overrides: Any) -> dict[str, Any]:
    birth = datetime.date(1980, 2, 1)
    data: dict[str, Any] = {
        "village_code": village_code,
        "address": "Jl. Melati 4",
        "rt": "001",
        "rw": "002",
        "kk": new_kk(village_code),
        "head_nik": new_nik(village_code, sex="F", birth_date=birth),
        "head_name": "Siti Aminah",
        "head_sex": "F",
        "head_birth_date": birth,
        "head_marital_status": "widowed",
        "members_count": 3,
        "circumstances": "Janda dengan dua anak, rumah berlantai tanah.",
        "housing": {"floor_type": "earth", "wall_type": "bamboo", "lighting": "none"},
        "contact_phone": "081234567890",
    }
    data.update(overrides)
    return data


def make_proposal(
    village_code: str = GAMBIR, *, proposer: User | None = None, state: str = "submitted"
) -> Proposal:
    proposal = proposals.proposal_submit(
        proposer=proposer or user(), photos=[photo()], **proposal_data(village_code)
    )
    operator = officer("village_operator", village_code)
    if state in ("verified", "deliberated", "accepted"):
        proposal = proposals.proposal_verify(
            proposal=proposal, actor=operator, visit_notes="Dikunjungi", latitude=GPS[0], longitude=GPS[1]
        )
    if state in ("deliberated", "accepted"):
        proposal = proposals.proposal_record_meeting(
            proposal=proposal, actor=operator, meeting_date=datetime.date(2026, 1, 5), minutes=pdf()
        )
    if state == "accepted":
        proposal = proposals.proposal_accept(proposal=proposal, actor=officer("dinsos", village_code[:4]))
    if state == "rejected":
        proposal = proposals.proposal_reject(proposal=proposal, actor=operator, reason="Sudah mampu")
    return proposal


def beneficiary(village_code: str = GAMBIR, name: str = "BUDI SANTOSO") -> Household:
    household = make_household(village_code)
    make_person(household, full_name=name)
    return household


def make_objection(
    household: Household | None = None, reporter: User | None = None, now: datetime.datetime | None = None
) -> Objection:
    household = household or beneficiary()
    return objections.objection_submit(
        reporter=reporter or user(),
        reporter_village_code=household.village_id,
        household=household,
        reason="well_off",
        description="Punya mobil dan toko besar.",
        latitude=GPS[0],
        longitude=GPS[1],
        photo=photo(),
        now=now,
    )
