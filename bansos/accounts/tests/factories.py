"""Test helpers for citizen accounts: a household in the registry, photos, registration data."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.test import Client
from PIL import Image

from bansos.accounts import registration
from bansos.accounts.models import Registration, User
from bansos.registry.models import Household, Person
from bansos.registry.tests.factories import GAMBIR, make_household, make_person, new_kk, new_nik

BIRTH = datetime.date(1985, 6, 15)
PASSWORD = "Sandi-Rahasia-2026"

__all__ = ["BIRTH", "GAMBIR", "PASSWORD", "new_kk", "new_nik"]


def photo_bytes(fmt: str = "JPEG", size: tuple[int, int] = (320, 240), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "CameraMaker"
        data[0x8825] = {2: (6.0, 10.0, 30.0)}
        image.save(out, format=fmt, exif=data)
    else:
        image.save(out, format=fmt)
    return out.getvalue()


def photo(fmt: str = "JPEG", name: str = "ktp.jpg", **kwargs: Any) -> io.BytesIO:
    data = io.BytesIO(photo_bytes(fmt, **kwargs))
    data.name = name
    return data


def family(village_code: str = GAMBIR, name: str = "BUDI SANTOSO") -> tuple[Household, Person, str, str]:
    """A household with a head (``name``, born BIRTH) and a child; returns (household, head, nik, kk)."""
    kk = new_kk(village_code)
    household = make_household(village_code, kk=kk, address="Jl. Kenanga 7")
    nik = new_nik(village_code, birth_date=BIRTH)
    head = make_person(household, full_name=name, birth_date=BIRTH, nik=nik)
    make_person(
        household,
        full_name="DEWI SANTOSO",
        sex="F",
        birth_date=datetime.date(2012, 3, 4),
        relationship="child",
        marital_status="single",
    )
    return household, head, nik, kk


def form_data(nik: str, kk: str, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nik": nik,
        "kk": kk,
        "full_name": "Budi Santoso",
        "birth_date": BIRTH,
        "phone": "0812-3456-7890",
        "email": "budi@example.id",
        "password": PASSWORD,
    }
    data.update(overrides)
    return data


def submit(nik: str, kk: str, **overrides: Any) -> Registration:
    data = form_data(nik, kk, **overrides)
    data.setdefault("ktp_photo", photo())
    data.setdefault("selfie", photo(name="selfie.jpg"))
    return registration.registration_submit(**data)


def officer_login(client: Client, officer: User) -> Client:
    """Sign an officer in for the console: with a verified second factor where the officer sign-in
    (bansos.accounts.testing) exists, else a plain session."""
    try:
        from bansos.accounts.testing import login_officer  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        client.force_login(officer)
        return client
    result: Client = login_officer(client, officer)
    return result


def verified_citizen(village_code: str = GAMBIR, **overrides: Any) -> tuple[User, Household]:
    household, _head, nik, kk = family(village_code)
    reg = submit(nik, kk, **overrides)
    assert reg.status == Registration.Status.VERIFIED
    return reg.user, household
