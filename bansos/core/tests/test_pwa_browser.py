"""The phone app in headless Chromium: the manifest is valid, the service worker registers and takes
control, an uncached page shows the offline page when the network is off (a cached shell page still opens);
and an officer signs in with password and authenticator code (enrolling it on the way) and reaches the
console."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django_otp.oath import totp
from playwright.sync_api import Page, expect

from bansos.accounts.models import User
from bansos.accounts.services import officer_role_grant
from bansos.core.audit import SystemActor
from bansos.registry.tests.factories import GAMBIR

pytestmark = pytest.mark.browser


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    """What the officer's authenticator app shows (now, or ``steps_ahead`` 30-second steps later) for the
    key printed on the enrolment page (RFC 6238, django_otp.oath)."""
    key = base64.b32decode(secret.replace(" ", ""))
    return f"{totp(key, drift=steps_ahead):06d}"


def test_manifest_service_worker_and_offline_page(page: Page, site: str) -> None:
    page.goto(f"{site}/")
    manifest: dict[str, Any] = page.evaluate(
        "() => fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert any(icon["purpose"] == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        response = page.request.get(f"{site}{icon['src']}")
        assert response.ok and response.headers["content-type"] == "image/png"

    page.wait_for_function(
        "() => navigator.serviceWorker.controller !== null"
        " && navigator.serviceWorker.controller.state === 'activated'"
    )
    scope = page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.scope)")
    assert scope == f"{site}/"

    page.context.set_offline(True)
    try:
        page.goto(f"{site}/kontak/")  # never visited, not in the shell
        expect(page.locator("#offline h1")).to_have_text("Anda sedang luring (offline)")
        page.goto(f"{site}/cek/")  # part of the shell: the cached page opens
        expect(page.locator("#offline")).to_have_count(0)
        expect(page.locator("form").first).to_be_visible()
    finally:
        page.context.set_offline(False)
    page.goto(f"{site}/kontak/")
    expect(page.locator("#offline")).to_have_count(0)


def test_officer_enrols_the_authenticator_and_reaches_the_console(page: Page, site: str) -> None:
    user = User.objects.create_user(username="operator-gambir", password="kata-sandi-petugas-7")
    officer_role_grant(user=user, role="village_operator", region_code=GAMBIR, actor=SystemActor("test"))

    page.goto(f"{site}/petugas/")
    expect(page).to_have_url(f"{site}/petugas/masuk/?next=/petugas/")
    page.fill("#id_username", "operator-gambir")
    page.fill("#id_password", "kata-sandi-petugas-7")
    page.click("button[name=signin]")
    expect(page).to_have_url(f"{site}/petugas/masuk/perangkat/")
    expect(page.locator("#qr svg")).to_be_visible()
    secret = page.inner_text("#secret")
    page.fill("#id_code", code_for(secret))
    page.click("button[name=enrol]")
    expect(page.locator("#backup-codes li")).to_have_count(10)
    page.click("#continue")
    expect(page).to_have_url(f"{site}/petugas/")
    expect(page.locator("h1")).to_have_text("Konsol petugas")

    # Signed out, the next sign-in asks only for the code of the next 30-second step.
    page.click("button[name=signout]")
    expect(page).to_have_url(f"{site}/petugas/masuk/")
    page.fill("#id_username", "operator-gambir")
    page.fill("#id_password", "kata-sandi-petugas-7")
    page.click("button[name=signin]")
    expect(page).to_have_url(f"{site}/petugas/masuk/kode/")
    page.fill("#id_code", code_for(secret, steps_ahead=1))
    page.click("button[name=verify]")
    expect(page.locator("h1")).to_have_text("Konsol petugas")
