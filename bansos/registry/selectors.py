"""Reads of the registry. Look-ups by NIK or KK go through the blind index, never through plaintext."""

from __future__ import annotations

from typing import TypedDict

from django.db.models import Count, QuerySet

from bansos.core import crypto
from bansos.registry.models import Household, Person


class RegistrySummary(TypedDict):
    households: int
    people: int
    villages: int


def person_by_nik(nik: str) -> Person | None:
    return (
        Person.objects.select_related("household", "village")
        .filter(nik_index=crypto.blind_index(nik), merged_into__isnull=True)
        .first()
    )


def household_by_kk(kk: str) -> Household | None:
    return Household.objects.select_related("village").filter(kk_index=crypto.blind_index(kk)).first()


def people_in_village_by_name_key(village_code: str, key_prefix: str) -> QuerySet[Person]:
    return Person.objects.filter(
        village_id=village_code, name_key__startswith=key_prefix, merged_into__isnull=True
    )


def registry_summary() -> RegistrySummary:
    people = Person.objects.count()
    households = Household.objects.aggregate(n=Count("id"), villages=Count("village", distinct=True))
    return {"households": households["n"], "people": people, "villages": households["villages"]}
