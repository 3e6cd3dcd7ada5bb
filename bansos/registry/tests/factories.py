"""Test factories: real village codes, NIK/KK numbers whose structure is valid for them."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from bansos.core.audit import SystemActor
from bansos.registry import services
from bansos.registry.identifiers import kk_for, nik_for
from bansos.registry.models import Household, Person

GAMBIR = "3171011001"  # Kelurahan Gambir, Jakarta Pusat
KEUDE_BAKONGAN = "1101012001"  # Desa Keude Bakongan, Aceh Selatan
ACTOR = SystemActor("test")
_serials = itertools.count(1)


def new_kk(village_code: str = GAMBIR) -> str:
    return kk_for(district_code=village_code[:6], issued_on=datetime.date(2015, 3, 2), serial=next(_serials))


def new_nik(village_code: str = GAMBIR, *, sex: str = "M", birth_date: datetime.date | None = None) -> str:
    return nik_for(
        district_code=village_code[:6],
        birth_date=birth_date or datetime.date(1985, 6, 15),
        sex=sex,
        serial=next(_serials),
    )


def make_household(village_code: str = GAMBIR, *, kk: str | None = None, **attributes: Any) -> Household:
    return services.household_register(
        kk=kk or new_kk(village_code), village_code=village_code, actor=ACTOR, **attributes
    )


def make_person(
    household: Household,
    *,
    full_name: str = "BUDI SANTOSO",
    sex: str = "M",
    birth_date: datetime.date = datetime.date(1985, 6, 15),
    relationship: str = "head",
    marital_status: str = "married",
    nik: str | None = None,
    **attributes: Any,
) -> Person:
    return services.person_add(
        household=household,
        nik=nik or new_nik(household.village_id, sex=sex, birth_date=birth_date),
        full_name=full_name,
        sex=sex,
        birth_date=birth_date,
        relationship=relationship,
        marital_status=marital_status,
        actor=ACTOR,
        **attributes,
    )
