"""Test helpers: officers, programs, announcements and subscriptions."""

from __future__ import annotations

from typing import Any

from bansos.cases.tests.factories import CIDENG as CIDENG  # re-exported for the notices tests
from bansos.cases.tests.factories import GAMBIR as GAMBIR
from bansos.cases.tests.factories import KEUDE_BAKONGAN, officer, user
from bansos.core.audit import SystemActor
from bansos.notices import services
from bansos.notices.models import Announcement, Channel, Subscription
from bansos.programs.models import Program

ACTOR = SystemActor("test")
ACEH_VILLAGE = KEUDE_BAKONGAN  # Aceh Selatan: far from Jakarta's Gambir and Cideng (same district)


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
