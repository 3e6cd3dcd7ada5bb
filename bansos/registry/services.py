"""Writes to the registry, one audit event per change in the same transaction.

Interactive changes (counter registration, corrections, admin edits) come through here; bulk loads go
through ``bansos.registry.bulk`` (one audit event per run). Audit details never contain a NIK or KK in
clear: changed identifiers are recorded as "changed" only.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bansos.core import crypto
from bansos.core.audit import Actor, apply_changes, record
from bansos.core.errors import DomainError
from bansos.regions.models import Village
from bansos.registry.identifiers import parse_kk, parse_nik
from bansos.registry.models import Household, Person, Provenance
from bansos.registry.names import clean_full_name, name_key

PROTECTED_FIELDS = frozenset({"kk_encrypted", "kk_index", "nik_encrypted", "nik_index"})
HOUSEHOLD_EDITABLE = frozenset(
    {
        "address", "rt", "rw", "floor_area_m2", "floor_type", "wall_type", "roof_type", "water_source",
        "sanitation", "lighting", "cooking_fuel", "tenure", "has_motorcycle", "has_car",
        "has_refrigerator", "has_land", "has_livestock", "last_verified_at",
    }
)  # fmt: skip
PERSON_EDITABLE = frozenset(
    {
        "full_name", "birth_place", "relationship", "marital_status", "education", "schooling",
        "occupation", "is_civil_servant", "is_military", "is_police", "disability", "chronic_illness",
        "is_pregnant", "deceased_date",
    }
)  # fmt: skip


class RegistryError(DomainError):
    code = "registry.invalid"


def _apply_changes(instance: Household | Person, changes: dict[str, Any], allowed: frozenset[str]) -> dict:
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise RegistryError(_("These fields cannot be changed here: %(fields)s."), fields=", ".join(unknown))
    return apply_changes(instance, changes)


def _village(code: str) -> Village:
    village = Village.objects.filter(code=code).first()
    if village is None:
        raise RegistryError(
            _("Village code %(village)s does not exist."), code="registry.village_unknown", village=code
        )
    return village


@transaction.atomic
def household_register(
    *,
    kk: str,
    village_code: str,
    actor: Actor,
    provenance: str = Provenance.COUNTER,
    address: str = "",
    rt: str = "",
    rw: str = "",
    **attributes: Any,
) -> Household:
    """Register a new household (family card). Refuses a KK that is already registered."""
    parsed = parse_kk(kk)
    village = _village(village_code)
    index = crypto.blind_index(parsed.kk)
    if Household.objects.filter(kk_index=index).exists():
        raise RegistryError(_("This KK number is already registered."), code="registry.kk_exists")
    unknown = sorted(set(attributes) - HOUSEHOLD_EDITABLE)
    if unknown:
        raise RegistryError(_("These fields cannot be changed here: %(fields)s."), fields=", ".join(unknown))
    household = Household(
        kk_encrypted=crypto.encrypt(parsed.kk),
        kk_index=index,
        village=village,
        address=address,
        rt=rt,
        rw=rw,
        provenance=provenance,
        **attributes,
    )
    household.full_clean(exclude=["kk_encrypted"])
    household.save()
    record(
        actor=actor,
        event_type="registry.household_registered",
        subject=household,
        details={"village": village.code, "provenance": provenance},
    )
    return household


@transaction.atomic
def person_add(
    *,
    household: Household,
    nik: str,
    full_name: str,
    sex: str,
    birth_date: datetime.date,
    relationship: str,
    marital_status: str,
    actor: Actor,
    provenance: str = Provenance.COUNTER,
    **attributes: Any,
) -> Person:
    """Add a person to a household. The NIK must be valid, agree with sex and birth date, and be new."""
    parsed = parse_nik(nik, sex=sex, birth_date=birth_date)
    index = crypto.blind_index(parsed.nik)
    if Person.objects.filter(nik_index=index).exists():
        raise RegistryError(_("This NIK is already registered."), code="registry.nik_exists")
    if relationship == Person.Relationship.HEAD and household.members.filter(relationship="head").exists():
        raise RegistryError(_("This household already has a head of family."), code="registry.second_head")
    unknown = sorted(set(attributes) - PERSON_EDITABLE)
    if unknown:
        raise RegistryError(_("These fields cannot be changed here: %(fields)s."), fields=", ".join(unknown))
    person = Person(
        household=household,
        village_id=household.village_id,
        nik_encrypted=crypto.encrypt(parsed.nik),
        nik_index=index,
        full_name=clean_full_name(full_name),
        name_key=name_key(full_name),
        sex=sex,
        birth_date=birth_date,
        relationship=relationship,
        marital_status=marital_status,
        provenance=provenance,
        **attributes,
    )
    person.full_clean(exclude=["nik_encrypted", "household", "village"])
    person.save()
    record(
        actor=actor,
        event_type="registry.person_added",
        subject=person,
        details={"household": household.pk, "relationship": relationship},
    )
    return person


@transaction.atomic
def household_update(*, household: Household, actor: Actor, **changes: Any) -> Household:
    diff = _apply_changes(household, changes, HOUSEHOLD_EDITABLE)
    if not diff:
        return household
    household.full_clean(exclude=["kk_encrypted"])
    household.save()
    record(actor=actor, event_type="registry.household_updated", subject=household, details={"changes": diff})
    return household


@transaction.atomic
def household_move(*, household: Household, village_code: str, actor: Actor, address: str = "") -> Household:
    """Move a household (and its members' search entries) to another village."""
    village = _village(village_code)
    before = household.village_id
    if before == village.code:
        return household
    household.village = village
    household.address = address or household.address
    household.save(update_fields=["village", "address", "updated_at"])
    household.members.update(village_id=village.code, updated_at=timezone.now())
    record(
        actor=actor,
        event_type="registry.household_moved",
        subject=household,
        details={"changes": {"village": {"before": before, "after": village.code}}},
    )
    return household


@transaction.atomic
def household_archive(*, household: Household, status: str, reason: str, actor: Actor) -> Household:
    if status == Household.Status.ACTIVE or status not in Household.Status.values:
        raise RegistryError(_("Choose why the household leaves the registry."), code="registry.bad_status")
    before = household.status
    household.status = status
    household.save(update_fields=["status", "updated_at"])
    record(
        actor=actor,
        event_type="registry.household_archived",
        subject=household,
        details={"changes": {"status": {"before": before, "after": status}}, "reason": reason},
    )
    return household


@transaction.atomic
def person_update(*, person: Person, actor: Actor, **changes: Any) -> Person:
    if "full_name" in changes:
        changes["full_name"] = clean_full_name(str(changes["full_name"]))
    diff = _apply_changes(person, changes, PERSON_EDITABLE)
    if not diff:
        return person
    if "full_name" in diff:
        person.name_key = name_key(person.full_name)
    if person.deceased_date and person.deceased_date < person.birth_date:
        raise RegistryError(_("The date of death is before the birth date."), code="registry.bad_death_date")
    person.full_clean(exclude=["nik_encrypted", "household", "village"])
    person.save()
    record(actor=actor, event_type="registry.person_updated", subject=person, details={"changes": diff})
    return person


def person_record_death(*, person: Person, deceased_date: datetime.date, actor: Actor) -> Person:
    if deceased_date > timezone.localdate():
        raise RegistryError(_("The date of death cannot be in the future."), code="registry.bad_death_date")
    return person_update(person=person, actor=actor, deceased_date=deceased_date)
