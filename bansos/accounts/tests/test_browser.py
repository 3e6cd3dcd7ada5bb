"""The citizen journey in headless Chromium (phone viewport): register with NIK, KK, name, birth date,
phone, password and the two photos; being in the registry, the account is verified at once; sign out, sign
in again with the phone number, and see the household page."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import FilePayload, Page, expect

from bansos.accounts.models import Registration
from bansos.cases.tests.factories import GAMBIR, officer

from .factories import BIRTH, PASSWORD, family, officer_login, photo_bytes

pytestmark = pytest.mark.browser


def register(page: Page, site: str, nik: str, kk: str, name: str = "Budi Santoso") -> None:
    page.goto(f"{site}/akun/daftar/")
    page.fill("#id_nik", nik)
    page.fill("#id_kk", kk)
    page.fill("#id_full_name", name)
    page.fill("#id_birth_date", BIRTH.isoformat())
    page.fill("#id_phone", "0812 3456 7890")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    ktp: FilePayload = {"name": "ktp.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}
    selfie: FilePayload = {"name": "swafoto.png", "mimeType": "image/png", "buffer": photo_bytes("PNG")}
    page.set_input_files("#id_ktp_photo", files=[ktp])
    page.set_input_files("#id_selfie", files=[selfie])
    page.click("button[name=send]")
    expect(page.locator("h1")).to_have_text("Akun saya")


def test_register_sign_in_and_see_my_household(page: Page, site: str) -> None:
    _household, _head, nik, kk = family()
    register(page, site, nik, kk)
    expect(page.locator("#status")).to_have_text("diverifikasi")
    expect(page.locator("#unread")).to_have_text("(1)")

    page.locator("header button", has_text="Keluar").click()
    page.goto(f"{site}/akun/rumah-tangga/")
    expect(page).to_have_url(f"{site}/akun/masuk/?next=/akun/rumah-tangga/")
    page.fill("#id_username", "081234567890")
    page.fill("#id_password", PASSWORD)
    page.click("button[name=signin]")

    expect(page.locator("h1")).to_have_text("Keluarga saya")
    members = page.locator("#members")
    expect(members).to_contain_text("BUDI SANTOSO")
    expect(members).to_contain_text("DEWI SANTOSO")
    expect(members).to_contain_text(f"{nik[:6]}******{nik[-4:]}")
    expect(page.locator("#programs")).to_contain_text("PKH")


def test_a_registration_that_differs_is_verified_by_the_village_operator(page: Page, site: str) -> None:
    _household, _head, nik, kk = family()
    register(page, site, nik, kk, name="Budi Santosa Wijaya")  # not the registry's name
    expect(page.locator("#status")).to_have_text("menunggu verifikasi")
    page.goto(f"{site}/akun/rumah-tangga/")
    expect(page.locator("main")).to_contain_text("belum terverifikasi")
    citizen_cookies = page.context.cookies()
    reg = Registration.objects.get()

    operator = officer("village_operator", GAMBIR)
    client = officer_login(Client(), operator)
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])
    page.goto(f"{site}/petugas/verifikasi/")
    page.click(f"a[href='/petugas/verifikasi/{reg.pk}/']")
    expect(page.locator("main")).to_contain_text("nama berbeda")
    for photo in ("#ktp", "#selfie"):  # both photos load for the operator
        assert page.locator(photo).evaluate("img => img.complete && img.naturalWidth > 0")
    page.check("#id_confirm >> nth=0")
    page.click("#verify")
    expect(page.locator("#state")).to_have_text("diverifikasi")

    page.context.clear_cookies()
    page.context.add_cookies(citizen_cookies)  # type: ignore[arg-type]
    page.goto(f"{site}/akun/notifikasi/")
    expect(page.locator("#inbox")).to_contain_text("Akun Anda terverifikasi")
    page.goto(f"{site}/akun/rumah-tangga/")
    expect(page.locator("#members")).to_contain_text("BUDI SANTOSO")
