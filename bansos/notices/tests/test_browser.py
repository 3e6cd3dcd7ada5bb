"""Staying updated, in headless Chromium: a resident filters the news by region with the cascading selects,
subscribes by e-mail and confirms through the link; a Dinsos admin writes and publishes an announcement for
the regency (with the confirmation box); the resident's e-mail arrives with its unsubscribe link, which
works with one button."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from playwright.sync_api import Page, expect

from bansos.accounts.testing import login_officer
from bansos.notices.models import Subscription
from bansos.programs.models import Program

from .factories import officer, published

pytestmark = pytest.mark.browser


def login_as(page: Page, site: str, who: Any) -> None:
    client = login_officer(Client(), who)  # a verified second factor, as the officer console needs
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site}])


def test_subscribe_confirm_publish_receive_and_unsubscribe(page: Page, site: str) -> None:
    # Transactional tests that ran before may have flushed the seeded programs.
    Program.objects.get_or_create(
        code="BPNT", defaults={"name": "BPNT/Sembako", "kind": "in_kind", "frequency": "quarterly"}
    )
    published("Posyandu Gambir", regions=["3171011001"], program_code=None)
    published("Kabar Aceh", regions=["11"], program_code=None)

    page.goto(f"{site}/berita/")
    page.select_option("#province", "31")
    page.select_option("#regency", "3171")  # filled by the page's script from the regions API
    page.click("#news-filter button[type=submit]:not([name=step])")
    expect(page.locator("article h2")).to_have_text(["Posyandu Gambir"])

    page.click("text=Dapatkan pengumuman lewat e-mail, SMS atau push")
    page.fill("#id_email", "warga@example.id")
    page.select_option("#province", "31")
    page.select_option("#regency", "3171")
    page.click("form.cascade button[type=submit]:not([name=step])")
    expect(page.locator("#subscribed")).to_contain_text("Periksa e-mail Anda")
    confirm = re.search(r"https?://\S+/berita/langganan/konfirmasi/\S+/", str(mail.outbox[-1].body))
    assert confirm is not None
    page.goto(site + "/berita/" + confirm.group(0).split("/berita/", 1)[1])
    expect(page.locator("#confirmed")).to_be_visible()
    assert Subscription.objects.get().state == "active"

    mail.outbox.clear()
    login_as(page, site, officer("dinsos", "3171"))
    page.goto(f"{site}/petugas/pengumuman/baru/")
    page.fill("#id_title", "Penyaluran BPNT Jakarta Pusat")
    page.fill("#id_body", "Penyaluran BPNT tahap 1 di kantor pos mulai Senin.")
    page.select_option("#id_program", "BPNT")
    page.fill("#id_regions", "3171")
    page.click("button:has-text('Simpan sebagai draf')")
    expect(page.locator("#state")).to_have_text("draf")
    page.click("text=Terbitkan…")
    page.check("#confirm")
    page.click("button[type=submit]:has-text('Konfirmasi')")
    expect(page.locator("#state")).to_have_text("terbit")
    expect(page.locator("#deliveries")).to_contain_text("sent 1")

    assert [m.to for m in mail.outbox] == [["warga@example.id"]]
    stop = re.search(r"https?://\S+/berita/langganan/berhenti/\S+/", str(mail.outbox[0].body))
    assert stop is not None
    page.context.clear_cookies()
    page.goto(site + "/berita/" + stop.group(0).split("/berita/", 1)[1])
    page.click("#unsubscribe")
    expect(page.locator("#unsubscribed")).to_be_visible()
    assert Subscription.objects.get().state == "unsubscribed"
