"""The proposal journey in headless Chromium: a citizen files a proposal, the village operator verifies it
and records the village meeting, Dinsos accepts it, and the citizen sees the outcome. Logins are made with
Django's test client (officers with a session verified by the second factor, bansos.accounts.testing) and
the session cookie is handed over to the browser."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import FilePayload, Page, expect

from bansos.accounts.testing import login_officer
from bansos.cases.models import Proposal
from bansos.registry.models import Household

from .factories import GAMBIR, new_kk, new_nik, officer, pdf, photo_bytes, user

pytestmark = pytest.mark.browser


def login_as(page: Page, site: str, who: Any) -> None:
    client = login_officer(Client(), who)  # officers: session verified by the second factor
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])


def act(page: Page, site: str, proposal: Proposal, target: str, fields: dict[str, str]) -> None:
    page.goto(f"{site}/petugas/usulan/{proposal.pk}/")
    page.click(f"#action-{target}")
    for selector, value in fields.items():
        page.fill(selector, value)
    if target == "deliberated":
        minutes: FilePayload = {"name": "notulen.pdf", "mimeType": "application/pdf", "buffer": pdf().read()}
        page.set_input_files("#id_minutes", files=[minutes])
    page.check("#id_confirm")
    page.click("button[type=submit]:has-text('Konfirmasi')")
    expect(page.locator("#state")).to_be_visible()


def test_citizen_proposal_is_verified_accepted_and_the_outcome_is_seen(page: Page, site: str) -> None:
    citizen = user()
    operator = officer("village_operator", GAMBIR)
    dinsos = officer("dinsos", "3171")

    # The citizen files the proposal (region selects filled by the page's script from the API).
    login_as(page, site, citizen)
    page.goto(f"{site}/kasus/usulan/baru/")
    page.select_option("#province", "31")
    page.select_option("#regency", "3171")
    page.select_option("#district", "317101")
    page.select_option("#village", GAMBIR)
    page.fill("#id_address", "Jl. Melati 4")
    page.fill("#id_kk", new_kk(GAMBIR))
    page.fill("#id_head_nik", new_nik(GAMBIR, sex="F", birth_date=datetime.date(1980, 2, 1)))
    page.fill("#id_head_name", "Siti Aminah")
    page.select_option("#id_head_sex", "F")
    page.fill("#id_head_birth_date", "1980-02-01")
    page.select_option("#id_head_marital_status", "widowed")
    page.fill("#id_members_count", "3")
    page.fill("#id_circumstances", "Janda dengan dua anak, rumah berlantai tanah.")
    page.select_option("#id_floor_type", "earth")
    house: FilePayload = {"name": "rumah.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes("JPEG")}
    page.set_input_files("#id_photo1", files=[house])
    page.click("button[name=send]")
    expect(page.locator("h1")).to_contain_text("Usulan #")
    expect(page.locator("#state")).to_have_text("diajukan")
    proposal = Proposal.objects.get()

    # The village operator finds it in the queue, verifies it and records the village meeting.
    login_as(page, site, operator)
    page.goto(f"{site}/petugas/")
    page.click("text=Usulan >> nth=1")  # the queue link in the dashboard table (the first is the menu)
    expect(page.locator(f"a[href='/petugas/usulan/{proposal.pk}/']")).to_be_visible()
    visit = {"#id_visit_notes": "Rumah bambu.", "#id_latitude": "-6.175392", "#id_longitude": "106.827153"}
    act(page, site, proposal, "verified", visit)
    expect(page.locator("#state")).to_have_text("diverifikasi desa")
    act(page, site, proposal, "deliberated", {"#id_meeting_date": "2026-01-05"})
    expect(page.locator("#state")).to_have_text("disetujui musyawarah desa")

    # Dinsos accepts it: the family becomes a registry household.
    login_as(page, site, dinsos)
    act(page, site, proposal, "accepted", {"#id_note": "Layak"})
    expect(page.locator("#state")).to_have_text("diterima Dinsos")
    proposal.refresh_from_db()
    assert Household.objects.filter(pk=proposal.household_id or 0, provenance="proposal").exists()

    # The citizen sees the outcome.
    login_as(page, site, citizen)
    page.goto(f"{site}/kasus/")
    page.click(f"a[href='/kasus/usulan/{proposal.pk}/']")
    expect(page.locator("#state")).to_have_text("diterima Dinsos")
    expect(page.locator(".ok")).to_contain_text("akan diperingkat pada siklus berikutnya")
