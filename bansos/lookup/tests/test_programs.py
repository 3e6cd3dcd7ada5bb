import datetime
from typing import Any

import pytest

from bansos.core.audit import SystemActor
from bansos.lookup.programs import program_statuses
from bansos.lookup.selectors import status_by_nik
from bansos.lookup.tests.helpers import household_with_decile
from bansos.programs import services as program_services
from bansos.programs.models import Enrolment, Period, Program
from bansos.registry.tests.factories import GAMBIR, make_person, new_nik

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")


def period(code: str, year: int, stage: int, state: str = Period.State.PAID) -> Period:
    program = Program.objects.get(code=code)
    month = 3 * (stage - 1) + 1
    existing = Period.objects.filter(program=program, year=year, stage=stage).first()
    created = existing or program_services.period_create(
        program=program,
        year=year,
        stage=stage,
        starts_on=datetime.date(year, month, 1),
        ends_on=datetime.date(year, month + 2, 28),
        actor=ACTOR,
    )
    Period.objects.filter(pk=created.pk).update(state=state)
    created.refresh_from_db()
    return created


def enrol(household_id: int, p: Period, status: str, **fields: object) -> Enrolment:
    return Enrolment.objects.create(
        period=p, program=p.program, household_id=household_id, status=status, **fields
    )


def test_standard_programs_are_listed_as_tidak_without_enrolments() -> None:
    household = household_with_decile(1)
    statuses = program_statuses(household.pk)
    assert [(s.code, s.answer, s.period) for s in statuses][:4] == [
        ("PKH", "TIDAK", None),
        ("BPNT", "TIDAK", None),
        ("PBI-JK", "TIDAK", None),
        ("BLT", "TIDAK", None),
    ]


def test_latest_non_planned_period_with_payment_and_reason() -> None:
    household = household_with_decile(1)
    old, current, planned = (
        period("PKH", 2026, 1),
        period("PKH", 2026, 2),
        period("PKH", 2026, 3, Period.State.PLANNED),
    )
    enrol(household.pk, old, Enrolment.Status.EXCLUDED, reason="civil_servant")
    enrol(
        household.pk,
        current,
        Enrolment.Status.ENROLLED,
        payment_status=Enrolment.Payment.CREDITED,
        paid_on=datetime.date(2026, 5, 12),
    )
    enrol(household.pk, planned, Enrolment.Status.EXCLUDED, reason="deceased")
    bpnt = period("BPNT", 2026, 2)
    enrol(household.pk, bpnt, Enrolment.Status.EXCLUDED, reason="civil_servant")

    by_code = {s.code: s for s in program_statuses(household.pk)}

    pkh = by_code["PKH"]
    assert (pkh.answer, pkh.period, pkh.paid_on) == ("YA", current.label, datetime.date(2026, 5, 12))
    assert pkh.period == "APR-JUN 2026" and pkh.payment_status and pkh.reason is None
    assert (by_code["BPNT"].answer, by_code["BPNT"].period) == ("TIDAK", "APR-JUN 2026")
    assert by_code["BPNT"].reason
    assert by_code["BLT"].answer == "TIDAK" and by_code["BLT"].period is None


def test_lookup_result_uses_enrolments() -> None:
    household = household_with_decile(2)
    nik = new_nik(GAMBIR)
    make_person(household, full_name="WAWAN LUBIS", nik=nik)
    enrol(household.pk, period("PKH", 2026, 2), Enrolment.Status.ENROLLED)

    result = status_by_nik(nik)

    assert result is not None and result.is_beneficiary


def test_not_beneficiary_page_shows_the_recorded_reason() -> None:
    from django.test import Client

    from bansos.lookup.tests.helpers import solved_altcha

    household = household_with_decile(3)
    nik = new_nik(GAMBIR)
    make_person(
        household, full_name="WAWAN LUBIS", nik=nik, occupation="civil_servant", is_civil_servant=True
    )
    enrol(household.pk, period("PKH", 2026, 2), Enrolment.Status.EXCLUDED, reason="civil_servant")

    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/cek/", {"mode": "nik", "nik": nik, "altcha": solved_altcha()}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert "civil servant (ASN) in the family" in html and "APR-JUN 2026" in html
    assert "Not a beneficiary" in html and nik not in html and "WAWAN" not in html


def test_a_shared_enrolment_pattern_is_worked_out_once_per_catalogue_and_language(settings: Any) -> None:
    from django.utils import translation

    from bansos.lookup import catalogue

    settings.LOOKUP_METADATA_CACHE_SECONDS = 60  # one catalogue for the whole test, as in production
    catalogue.clear()
    first, second = household_with_decile(1), household_with_decile(1)
    p = period("BPNT", 2026, 2)
    for household in (first, second):
        enrol(household.pk, p, Enrolment.Status.EXCLUDED, reason="civil_servant")
    with translation.override("id"):
        ours = program_statuses(first.pk)
        assert program_statuses(second.pk) == ours
        indonesian = {s.code: s.reason for s in ours}["BPNT"]
    with translation.override("en"):
        english = {s.code: s.reason for s in program_statuses(second.pk)}["BPNT"]
    assert indonesian and english and indonesian != english
    assert len(catalogue.catalogue().derived) == 2  # one pattern, two languages
    Enrolment.objects.filter(household=second).update(status=Enrolment.Status.ENROLLED, reason="")
    with translation.override("id"):
        assert {s.code: s.answer for s in program_statuses(second.pk)}["BPNT"] == "YA"
    catalogue.clear()
