"""The public check in headless Chromium on a 360-pixel phone, the way a citizen uses it: open /cek/, pass
the anti-bot check (the ALTCHA checkbox, or the written question for those who cannot run it), search by
NIK and see the masked result; search by region and name with a spelling variant; reach the not-found
page; and keep what the first visit downloads under 100 KB, measured from the browser's own responses."""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from bansos.core.audit import SystemActor
from bansos.core.testing.browser import LOCALE, PHONE_VIEWPORT
from bansos.lookup.tests.helpers import household_with_decile
from bansos.programs import services as program_services
from bansos.programs.models import Enrolment, Period, Program
from bansos.registry.models import Person
from bansos.registry.tests.factories import GAMBIR, make_person, new_nik

pytestmark = pytest.mark.browser
ACTOR = SystemActor("test")
BUDGET = 100 * 1024
WORDS = {
    word: value
    for words in (
        ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh"],
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
    )
    for value, word in enumerate(words)
}


def beneficiary(full_name: str = "MUHAMMAD RIZKI PRATAMA") -> tuple[Person, str]:
    """A person in Gambir whose household receives PKH in APR-JUN 2026 (paid); returns (person, NIK)."""
    household = household_with_decile(2)
    nik = new_nik(GAMBIR)
    person = make_person(household, full_name=full_name, nik=nik)
    program, _created = Program.objects.get_or_create(
        code="PKH",
        defaults={"name": "Program Keluarga Harapan", "kind": "cash", "frequency": "quarterly"},
    )
    period = Period.objects.filter(program=program, year=2026, stage=2).first() or (
        program_services.period_create(
            program=program,
            year=2026,
            stage=2,
            starts_on=datetime.date(2026, 4, 1),
            ends_on=datetime.date(2026, 6, 30),
            actor=ACTOR,
        )
    )
    Period.objects.filter(pk=period.pk).update(state=Period.State.PAID)
    Enrolment.objects.create(
        period=period,
        program=program,
        household=household,
        status=Enrolment.Status.ENROLLED,
        payment_status=Enrolment.Payment.CREDITED,
        paid_on=datetime.date(2026, 5, 20),
    )
    return person, nik


def pass_antibot(page: Page) -> None:
    """Tick the ALTCHA checkbox and wait until the widget has solved and signed its proof-of-work."""
    widget = page.locator("altcha-widget").first
    checkbox = widget.locator("input[type=checkbox]")
    widget.locator(f"label[for='{checkbox.get_attribute('id')}']").click()  # the "not a robot" label
    expect(widget.locator("input[type=hidden][name=altcha]")).to_have_value(
        re.compile(r".{20,}"), timeout=20_000
    )


def answer_question(page: Page, prefix: str) -> None:
    """Open the written question (folded away when the widget runs) and type the sum, as a person would."""
    details = page.locator("details.antibot-fallback").first
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    label = page.locator(f"label[for={prefix}-answer]").inner_text().lower()
    a, b = (WORDS[word] for word in label.replace("?", " ").replace(".", " ").split() if word in WORDS)
    page.fill(f"#{prefix}-answer", str(a + b))


def test_check_by_nik_with_the_altcha_checkbox_shows_the_masked_result(page: Page, site: str) -> None:
    _person, nik = beneficiary()
    page.goto(f"{site}/cek/")
    expect(page.locator("h1")).to_have_text("Cek status bantuan sosial")
    page.fill("#nik", nik)
    pass_antibot(page)
    page.click("button[type=submit]:has-text('Cek status')")
    expect(page.locator("h1")).to_have_text("Hasil pencarian")
    card = page.locator("section.card").first
    expect(card.locator("dd strong")).to_have_text("M******D R***I P*****A")
    expect(card).to_contain_text("Gambir")
    pkh = card.locator("tr", has=page.locator("th", has_text="PKH"))
    expect(pkh.locator("td").nth(0)).to_have_text("YA")
    expect(pkh.locator("td").nth(1)).to_have_text("APR-JUN 2026")
    html = page.content()
    assert nik not in html and "RIZKI" not in html.upper().replace("R***I", "")
    assert nik not in page.url
    # Nothing overflows sideways on a 360-pixel screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_check_by_region_and_a_spelling_variant_of_the_name(page: Page, site: str) -> None:
    beneficiary("MUHAMMAD RIZKI PRATAMA")
    page.goto(f"{site}/cek/")
    page.get_by_role("link", name="Dengan wilayah dan nama").click()
    page.select_option("#province", "31")
    page.select_option("#regency", "3171")  # filled by the page's script from the API
    page.select_option("#district", "317101")
    page.select_option("#village", GAMBIR)
    page.fill("#name", "moh rizky pratama")  # Moh./Muhammad and a typo: found anyway
    pass_antibot(page)
    page.click("button[name=search]")
    expect(page.locator("h1")).to_have_text("Hasil pencarian")
    expect(page.locator("dd strong").first).to_have_text("M******D R***I P*****A")


@pytest.fixture
def phone_without_js(browser: Browser) -> Iterator[Page]:
    """A phone with JavaScript off: the region steps and the written question take over."""
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale=LOCALE, java_script_enabled=False)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_without_javascript_the_question_and_region_steps_work(phone_without_js: Page, site: str) -> None:
    page = phone_without_js
    beneficiary("SITI AMINAH")
    page.goto(f"{site}/cek/?mode=name")
    for level, code in (("province", "31"), ("regency", "3171"), ("district", "317101")):
        page.select_option(f"#{level}", code)
        page.click("button[name=step]")  # "show the next choices": the page comes back with the next select
    page.select_option("#village", GAMBIR)
    page.fill("#name", "Sitti Aminah")
    answer_question(page, "name")
    page.click("button[name=search]")
    expect(page.locator("h1")).to_have_text("Hasil pencarian")
    expect(page.locator("dd strong").first).to_have_text("S**I A****H")


def test_unknown_nik_leads_to_the_not_found_page_with_next_steps(phone_without_js: Page, site: str) -> None:
    page = phone_without_js
    page.goto(f"{site}/cek/")
    page.fill("#nik", new_nik(GAMBIR))
    answer_question(page, "nik")
    page.click("button[type=submit]:has-text('Cek status')")
    expect(page.locator("h1")).to_have_text("Data tidak ditemukan")
    expect(page.locator("main")).to_contain_text("NIK ini tidak ada dalam data bantuan sosial")


def test_a_wrong_answer_keeps_the_person_on_the_form_with_a_clear_message(
    phone_without_js: Page, site: str
) -> None:
    page = phone_without_js
    page.goto(f"{site}/cek/")
    page.fill("#nik", new_nik(GAMBIR))
    page.fill("#nik-answer", "99")
    page.click("button[type=submit]:has-text('Cek status')")
    expect(page.locator("#form-error")).to_be_visible()
    expect(page.locator("#nik")).to_have_value("")  # the NIK is never echoed back


@pytest.mark.parametrize("path", ["/cek/", "/cek/?mode=name"])
def test_first_visit_transfers_less_than_100_kb(page: Page, site: str, path: str) -> None:
    """Every response of a cold first visit (new browser context: empty cache), bytes on the wire."""
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    page.goto(site + path, wait_until="networkidle")
    total = 0
    for response in responses:
        sizes = response.request.sizes()
        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
    print(f"{path}: {len(responses)} responses, {total} bytes transferred")
    assert len(responses) >= 3  # the page, its script and the widget
    assert total < BUDGET, [(r.url, r.request.sizes()["responseBodySize"]) for r in responses]
