"""The review journey in headless Chromium: a village operator opens the duplicate queue, compares the two
records, merges them after confirming, then undoes the merge."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page, expect

from bansos.cases.tests.factories import GAMBIR, officer
from bansos.cases.tests.test_browser import login_as
from bansos.core.audit import SystemActor
from bansos.linkage.dedup import dedup_exact
from bansos.linkage.models import CandidatePair
from bansos.registry.models import Person
from bansos.registry.tests.factories import make_household, make_person

pytestmark = pytest.mark.browser


def test_operator_merges_a_duplicate_and_undoes_it(page: Page, site: str) -> None:
    born = datetime.date(1975, 4, 9)
    first = make_person(make_household(GAMBIR), full_name="MUHAMMAD RIDWAN", birth_date=born)
    second = make_person(make_household(GAMBIR), full_name="Moh. Ridwan", birth_date=born)
    dedup_exact(actor=SystemActor("test"))
    pair = CandidatePair.objects.get()
    login_as(page, site, officer("village_operator", GAMBIR))

    page.goto(f"{site}/petugas/duplikat/")
    expect(page.locator("h1")).to_have_text("Kemungkinan duplikat")
    page.click(f"a[href='/petugas/duplikat/{pair.pk}/']")
    expect(page.locator("table")).to_contain_text("MUHAMMAD RIDWAN")
    expect(page.locator("table")).to_contain_text("MOH. RIDWAN")
    page.check("#id_keep_0")
    page.check("#id_confirm")
    page.click("button:has-text('Gabungkan data')")
    expect(page.locator("p.ok")).to_contain_text("Digabung oleh")
    assert Person.objects.get(pk=second.pk).merged_into_id == first.pk

    page.click("button:has-text('Batalkan penggabungan')")
    expect(page.locator("button:has-text('Gabungkan data')")).to_be_visible()
    assert Person.objects.get(pk=second.pk).merged_into_id is None
