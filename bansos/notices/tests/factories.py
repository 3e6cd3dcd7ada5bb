"""Test helpers: officers, programs, announcements and subscriptions."""

from __future__ import annotations

import itertools
from typing import Any

from bansos.accounts.models import User
from bansos.accounts.services import officer_role_grant
from bansos.core.audit import SystemActor
from bansos.notices import services
from bansos.notices.models import Announcement, Channel, Subscription
from bansos.programs.models import Program

ACTOR = SystemActor("test")
GAMBIR = "3171011001"  # Kelurahan Gambir, Gambir, Jakarta Pusat, DKI Jakarta
CIDENG = "3171011002"  # same district
ACEH_VILLAGE = "1101012001"  # Keude Bakongan, Aceh Selatan
_n = itertools.count(1)


def user(prefix: str = "warga", **fields: Any) -> User:
    n = next(_n)
    return User.objects.create_user(
        username=f"{prefix}{n}", password="x", email=f"{prefix}{n}@example.id", **fields
    )


def officer(role: str, region_code: str) -> User:
    person = user(role)
    officer_role_grant(user=person, role=role, region_code=region_code, actor=ACTOR)
    return person


def program(code: str = "PKH") -> Program:
    return Program.objects.get(code=code)


def active_email(email: str, region: str = "", program_code: str | None = None) -> Subscription:
    subscription = services.subscription_create_email(
        email=email, region_code=region, program=program(program_code) if program_code else None
    )
    return services.subscription_confirm(token=subscription.token)


def sms_sub(region: str = "", program_code: str | None = None, phone: str = "081234567890") -> Subscription:
    return services.subscription_create_for_user(
        user=user(), channel=Channel.SMS, region_code=region, phone=phone,
        program=program(program_code) if program_code else None,
    )  # fmt: skip


def published(
    title: str = "Penyaluran PKH tahap 1",
    regions: list[str] | None = None,
    program_code: str | None = "PKH",
    **kw: Any,
) -> Announcement:
    author = officer("national_admin", "")
    a = services.announcement_create(
        title=title, body="Isi pengumuman.", regions=regions or [], actor=author,
        program=program(program_code) if program_code else None, **kw,
    )  # fmt: skip
    return services.announcement_publish(announcement=a, actor=author)
