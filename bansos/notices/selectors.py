"""Reads: which subscriptions an announcement or period reaches, which announcements a region sees, and
which announcements an officer may manage (through bansos.accounts.scoping)."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from bansos.accounts.scoping import Scope, officer_scope
from bansos.notices.models import Announcement, AnnouncementRegion, Subscription

LEVELS = (2, 4, 6, 10)
# Roles that write announcements: the ministry for the whole country, province and regency offices for
# their own region.
AUTHOR_ROLES = ("national_admin", "province", "dinsos")


def ancestors(code: str) -> list[str]:
    """``code`` and the codes of the regions above it (3171011001 -> 31, 3171, 317101, 3171011001)."""
    return [code[:n] for n in LEVELS if n <= len(code)]


def subscriptions_matching(*, regions: list[str], program_id: int | None) -> QuerySet[Subscription]:
    """Active subscriptions a message for ``regions`` (none = whole country) and ``program_id`` (None = a
    general message) reaches. Regions match by code prefix both ways: a subscriber to a village hears
    about its province, a subscriber to a province hears about its regencies; "" subscribed to all."""
    queryset = Subscription.objects.filter(state=Subscription.State.ACTIVE)
    if regions:
        condition = Q(region_code="") | Q(region_code__in={a for r in regions for a in ancestors(r)})
        for region in regions:
            condition |= Q(region_code__startswith=region)
        queryset = queryset.filter(condition)
    if program_id is not None:
        queryset = queryset.filter(Q(program__isnull=True) | Q(program_id=program_id))
    return queryset


def visible_announcements(
    *,
    region: str = "",
    program_id: int | None = None,
    now: datetime.datetime | None = None,
    within: bool = True,
) -> QuerySet[Announcement]:
    """Published, current announcements for ``region`` (its own, its ancestors' and national ones; with
    ``within`` also those for regions inside it) and ``program_id`` (its own and general ones)."""
    now = now or timezone.now()
    queryset = Announcement.objects.filter(state=Announcement.State.PUBLISHED, publish_at__lte=now).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    if region:
        condition = Q(region_code="") | Q(region_code__in=ancestors(region))
        if within:
            condition |= Q(region_code__startswith=region)
        queryset = queryset.filter(
            pk__in=AnnouncementRegion.objects.filter(condition).values("announcement_id")
        )
    if program_id is not None:
        queryset = queryset.filter(Q(program__isnull=True) | Q(program_id=program_id))
    return queryset.select_related("program")


def officer_announcements(user: object, scope: Scope | None = None) -> QuerySet[Announcement]:
    """Announcements whose every target region lies inside the officer's author scope."""
    scope = scope if scope is not None else officer_scope(user)
    condition = scope.q("region_code", AUTHOR_ROLES, write=True)
    if condition is None:
        return Announcement.objects.none()
    if not condition:  # a national role: everything
        return Announcement.objects.select_related("program")
    outside = AnnouncementRegion.objects.exclude(condition).values("announcement_id")
    return Announcement.objects.exclude(pk__in=outside).select_related("program")


def region_names(codes: list[str]) -> dict[str, str]:
    from bansos.regions.selectors import CODE_LENGTHS

    names: dict[str, str] = {}
    for length, model in CODE_LENGTHS.items():
        wanted = [c for c in codes if len(c) == length]
        if wanted:
            names.update(model.objects.filter(code__in=wanted).values_list("code", "name"))  # type: ignore[attr-defined]
    return names
