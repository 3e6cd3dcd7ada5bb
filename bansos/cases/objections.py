"""Objections (sanggah): a citizen reports a beneficiary household of their own village; the regency
social office (Dinsos) decides within settings.OBJECTION_DECISION_DAYS days. An upheld objection raises the
household flag of the mapped exclusion ground (HouseholdFlag), which the programs' exclusion rules read, so
the next enrolment run excludes the household with that reason.

Anonymity: only the reporter is notified; nothing about the reporter reaches the reported household."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from bansos.accounts.models import Role
from bansos.cases.models import OBJECTION_GROUNDS, Attachment, Objection, ObjectionReason
from bansos.cases.models import ObjectionState as S
from bansos.cases.notify import notify_user
from bansos.cases.proposals import _gps
from bansos.cases.uploads import store_upload
from bansos.cases.workflow import CaseError, Workflow, roles
from bansos.core.audit import record
from bansos.programs.services import household_flag_add
from bansos.registry.models import Household

WORKFLOW = Workflow(
    name="objection",
    table={
        S.SUBMITTED: {S.UPHELD: roles(Role.DINSOS), S.DISMISSED: roles(Role.DINSOS)},
        S.UPHELD: {},
        S.DISMISSED: {},
    },
    state_phrases={
        S.SUBMITTED: _("still waiting for the decision"),
        S.UPHELD: _("already upheld"),
        S.DISMISSED: _("already dismissed"),
    },
    action_phrases={S.SUBMITTED: _("submitted again"), S.UPHELD: _("upheld"), S.DISMISSED: _("dismissed")},
    illegal_message=_("This objection is %(state)s; it cannot be %(action)s."),
)


def decision_due(created_at: datetime.datetime) -> datetime.datetime:
    return created_at + datetime.timedelta(days=settings.OBJECTION_DECISION_DAYS)


@transaction.atomic
def objection_submit(
    *,
    reporter: Any,
    reporter_village_code: str,
    household: Household,
    reason: str,
    description: str,
    latitude: Decimal | None,
    longitude: Decimal | None,
    photo: IO[bytes] | None,
    contact_phone: str = "",
    contact_email: str = "",
    now: datetime.datetime | None = None,
) -> Objection:
    if household.village_id != reporter_village_code:
        raise CaseError(
            _("You can only object to a household in your own village."), code="case.other_village"
        )
    if household.status != Household.Status.ACTIVE:
        raise CaseError(_("This household is no longer in the registry."), code="case.household_inactive")
    if reason not in ObjectionReason.values:
        raise CaseError(_("Choose the reason for the objection."), code="case.bad_reason")
    if not description.strip():
        raise CaseError(_("Describe what you know about this household."), code="case.missing")
    lat, lng = _gps(latitude, longitude)
    if photo is None:
        raise CaseError(_("Attach a photo of the house."), code="case.photo_required")
    created = now or timezone.now()
    objection = Objection.objects.create(
        reporter=reporter,
        household=household,
        village_id=household.village_id,
        reason=reason,
        description=description.strip(),
        latitude=lat,
        longitude=lng,
        created_at=created,
        due_at=decision_due(created),
        contact_phone=contact_phone,
        contact_email=contact_email,
    )
    stored = store_upload(photo)
    Attachment.objects.create(
        objection=objection, kind=Attachment.Kind.PHOTO, path=stored.path,
        content_type=stored.content_type, size=stored.size,
    )  # fmt: skip
    _event(objection, reporter, "submitted", "", reason=reason)
    _notify(
        objection,
        gettext("Objection #%(id)s received") % {"id": objection.pk},
        gettext("Your objection has been received. The regency decides by %(date)s.")
        % {"date": timezone.localtime(objection.due_at).strftime("%d-%m-%Y")},
    )
    return objection


def _event(objection: Objection, actor: Any, event: str, before: str, **details: Any) -> None:
    record(
        actor=actor,
        event_type=f"case.objection_{event}",
        subject=objection,
        details={
            "state": {"before": before, "after": objection.state},
            "village": objection.village_id,
            "household": objection.household_id,
            **details,
        },
    )


def _notify(objection: Objection, subject: str, body: str) -> None:
    notify_user(
        objection.reporter,
        subject,
        body,
        link=f"/kasus/sanggahan/{objection.pk}/",
        email=objection.contact_email,
        phone=objection.contact_phone,
    )


def _decide(
    objection: Objection, *, actor: Any, target: str, note: str, now: datetime.datetime | None
) -> Objection:
    objection = Objection.objects.select_for_update().get(pk=objection.pk)
    WORKFLOW.check(current=objection.state, target=target, user=actor, region_code=objection.village_id)
    if not note.strip():
        raise CaseError(_("Explain the decision."), code="case.reason_required")
    objection.state, objection.decision_note, objection.decided_at = (
        target,
        note.strip(),
        now or timezone.now(),
    )
    objection.save()
    return objection


@transaction.atomic
def objection_uphold(
    *, objection: Objection, actor: Any, note: str, now: datetime.datetime | None = None
) -> Objection:
    objection = _decide(objection, actor=actor, target=S.UPHELD, note=note, now=now)
    ground = OBJECTION_GROUNDS[ObjectionReason(objection.reason)]
    flag = household_flag_add(
        household=objection.household, ground=ground, actor=actor, source=f"sanggahan #{objection.pk}"
    )
    _event(objection, actor, "upheld", S.SUBMITTED, ground=ground, flag=flag.pk)
    _notify(
        objection,
        gettext("Objection #%(id)s upheld") % {"id": objection.pk},
        gettext("The regency upheld your objection; the household is excluded from the next period."),
    )
    return objection


@transaction.atomic
def objection_dismiss(
    *, objection: Objection, actor: Any, note: str, now: datetime.datetime | None = None
) -> Objection:
    objection = _decide(objection, actor=actor, target=S.DISMISSED, note=note, now=now)
    _event(objection, actor, "dismissed", S.SUBMITTED)
    _notify(
        objection,
        gettext("Objection #%(id)s dismissed") % {"id": objection.pk},
        gettext("The regency dismissed your objection. Reason: %(reason)s")
        % {"reason": objection.decision_note},
    )
    return objection
