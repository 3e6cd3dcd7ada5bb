"""Reads for citizen accounts: the inbox, the verification queue (region-scoped) and "my household"."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from bansos.accounts.models import Notification, OfficerRole, Registration, Role, User
from bansos.accounts.registration import VERIFIER_ROLES
from bansos.accounts.scoping import scope_filter, scoped_get
from bansos.core.models import AuditEvent
from bansos.lookup.programs import ProgramStatus, program_statuses
from bansos.programs.models import Enrolment, Ground, HouseholdFlag, Period
from bansos.regions.selectors import village_path
from bansos.registry.models import Household, Person


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def notifications_of(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user_id=user.pk)


def registration_queue(user: Any, *, status: str = Registration.Status.PENDING) -> QuerySet[Registration]:
    """Registrations in the officer's regions (verifier roles only), oldest first."""
    queryset = Registration.objects.filter(status=status).select_related("village", "user")
    return scope_filter(queryset, user, field="region_code", roles=VERIFIER_ROLES)


def registration_get(user: Any, pk: int) -> Registration:
    """One registration in the officer's regions, or NotFound."""
    queryset = Registration.objects.select_related("village", "user", "person", "decided_by")
    return scoped_get(queryset, user, field="region_code", roles=VERIFIER_ROLES, pk=pk)


def mask_nik(nik: str) -> str:
    """The first six digits (the district) and the last four, e.g. 317101******0001."""
    return f"{nik[:6]}{'*' * (len(nik) - 10)}{nik[-4:]}"


@dataclass(frozen=True)
class Member:
    full_name: str
    nik_masked: str
    relationship: str
    sex: str
    birth_date: datetime.date
    deceased: bool
    is_me: bool


@dataclass(frozen=True)
class PeriodOutcome:
    program: str
    period: str
    status: str
    enrolled: bool
    amount: int
    channel: str
    payment_status: str
    paid_on: datetime.date | None
    reasons: list[str]


@dataclass(frozen=True)
class Access:
    occurred_at: datetime.datetime
    what: str
    who: str


@dataclass
class HouseholdView:
    household: Household
    region: dict[str, str]
    members: list[Member]
    programs: list[ProgramStatus]
    history: list[PeriodOutcome]
    flags: list[str]
    accesses: list[Access] = field(default_factory=list)


def _members(household: Household, me: Person | None) -> list[Member]:
    people = Person.objects.filter(household=household).order_by("birth_date", "id")
    return [
        Member(
            full_name=p.full_name,
            nik_masked=mask_nik(p.nik),
            relationship=str(p.get_relationship_display()),
            sex=str(p.get_sex_display()),
            birth_date=p.birth_date,
            deceased=p.deceased_date is not None,
            is_me=me is not None and p.pk == me.pk,
        )
        for p in people
    ]


def _history(household: Household) -> list[PeriodOutcome]:
    enrolments = (
        Enrolment.objects.filter(household=household)
        .exclude(period__state=Period.State.PLANNED)
        .select_related("program", "period")
        .order_by("-period__starts_on", "program__code")
    )
    return [
        PeriodOutcome(
            program=e.program.code,
            period=e.period.label,
            status=str(e.get_status_display()),
            enrolled=e.status == Enrolment.Status.ENROLLED,
            amount=e.amount,
            channel=str(e.get_channel_display()) if e.channel else "",
            payment_status=str(e.get_payment_status_display()) if e.payment_status else "",
            paid_on=e.paid_on,
            reasons=[str(Ground(r).label) if r in Ground.values else r for r in e.reason_list],
        )
        for e in enrolments
    ]


def _role_labels(user_ids: set[int]) -> dict[int, str]:
    labels: dict[int, set[str]] = {}
    for grant in OfficerRole.objects.filter(user_id__in=user_ids):
        label = str(Role(grant.role).label)
        labels.setdefault(grant.user_id, set()).add(
            f"{label} {grant.region_code}".strip() if grant.region_code else label
        )
    return {pk: ", ".join(sorted(names)) for pk, names in labels.items()}


def household_accesses(household: Household, *, exclude_user: Any = None, limit: int = 50) -> list[Access]:
    """Who viewed or changed the household or its members, newest first: officers by their roles (not their
    names), other changes as "system"; the citizen's own actions are left out."""
    member_ids = [str(pk) for pk in Person.objects.filter(household=household).values_list("pk", flat=True)]
    events = AuditEvent.objects.filter(
        Q(subject_type="registry.household", subject_id=str(household.pk))
        | Q(subject_type="registry.person", subject_id__in=member_ids)
    )
    if exclude_user is not None:
        events = events.exclude(actor_id=exclude_user.pk)
    rows = list(events.order_by("-occurred_at", "-id")[:limit])
    roles = _role_labels({e.actor_id for e in rows if e.actor_id is not None})
    accesses = []
    for event in rows:
        if event.actor_id is None:
            who = _("system (%(label)s)") % {"label": event.actor_label}
        else:
            who = roles.get(event.actor_id) or _("administrator")
        what = _("viewed") if event.event_type.endswith(".viewed") else _("changed")
        accesses.append(Access(occurred_at=event.occurred_at, what=what, who=who))
    return accesses


def household_view(household: Household, *, me: Person | None = None) -> HouseholdView:
    flags = HouseholdFlag.objects.filter(household=household, active=True).values_list("ground", flat=True)
    return HouseholdView(
        household=household,
        region=village_path(household.village_id) or {},
        members=_members(household, me),
        programs=program_statuses(household.pk),
        history=_history(household),
        flags=[str(Ground(g).label) if g in Ground.values else g for g in flags],
    )


def my_household(user: User) -> HouseholdView | None:
    """The household of a verified citizen (with who viewed or changed it), or None."""
    if user.person_id is None:
        return None
    person = Person.objects.select_related("household").get(pk=user.person_id)
    view = household_view(person.household, me=person)
    view.accesses = household_accesses(person.household, exclude_user=user)
    return view


def household_for_officer(user: Any, pk: int) -> Household:
    return scoped_get(Household.objects.select_related("village"), user, pk=pk)
