"""Officer role assignment. (Citizen accounts are built on top of this module's User.)"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.accounts.models import OfficerRole, Role, User
from bansos.accounts.scoping import ROLE_LEVELS
from bansos.core.audit import Actor, record
from bansos.core.errors import DomainError
from bansos.regions.selectors import region_exists
from bansos.registry.models import Household


def officer_role_grant(*, user: User, role: str, region_code: str = "", actor: Actor) -> OfficerRole:
    """Give ``user`` ``role`` over ``region_code`` ("" = national). The code's level must fit the role
    (a village operator gets one village, Dinsos one regency...) and the region must exist."""
    if role not in Role.values:
        raise DomainError(_("Unknown role %(role)s."), code="role.unknown", role=role)
    region_code = region_code.strip()
    level = ROLE_LEVELS[role]
    if level is not None and len(region_code) != level:
        raise DomainError(
            _("The role %(role)s needs a region code of %(digits)s digits."),
            code="role.region_level",
            role=Role(role).label,
            digits=level,
        )
    if region_code and not region_exists(region_code):
        raise DomainError(
            _("Unknown region code %(region)s."), code="role.region_unknown", region=region_code
        )
    with transaction.atomic():
        existing = OfficerRole.objects.filter(
            user=user, role=role, region_code=region_code, ended_at__isnull=True
        ).first()
        if existing is not None:
            return existing
        grant = OfficerRole.objects.create(user=user, role=role, region_code=region_code)
        record(
            actor=actor,
            event_type="officer_role.granted",
            subject=grant,
            details={"user": user.pk, "role": role, "region_code": region_code},
        )
    return grant


def officer_role_end(*, grant: OfficerRole, actor: Actor) -> OfficerRole:
    with transaction.atomic():
        if grant.ended_at is None:
            grant.ended_at = timezone.now()
            grant.save(update_fields=["ended_at"])
            record(
                actor=actor,
                event_type="officer_role.ended",
                subject=grant,
                details={"user": grant.user_id, "role": grant.role, "region_code": grant.region_code},
            )
    return grant


def household_view_record(*, household: Household, actor: User) -> None:
    """Record that an officer opened a household's record (citizens see who looked at their data)."""
    record(
        actor=actor,
        event_type="household.viewed",
        subject=household,
        details={"village": household.village_id},
    )
