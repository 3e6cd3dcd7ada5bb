"""The citizen journey in headless Chromium (phone viewport): register with NIK, KK, name, birth date,
phone, password and the two photos; being in the registry, the account is verified at once; sign out, sign
in again with the phone number, and see the household page."""

from __future__ import annotations

import pytest
from playwright.sync_api import FilePayload, Page, expect

from .factories import BIRTH, PASSWORD, family, photo_bytes

pytestmark = pytest.mark.browser


def test_register_sign_in_and_see_my_household(page: Page, site: str) -> None:
    _household, _head, nik, kk = family()

    page.goto(f"{site}/akun/daftar/")
    page.fill("#id_nik", nik)
    page.fill("#id_kk", kk)
    page.fill("#id_full_name", "Budi Santoso")
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
