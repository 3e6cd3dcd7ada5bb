"""'My household': only for a verified member; programs, history per period, reasons; who viewed or
changed the record. The officer household page is region-scoped and records 'household.viewed'."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from bansos.cases.tests.factories import CIDENG, officer, user
from bansos.core.models import AuditEvent
from bansos.lookup.tests.test_programs import enrol, period
from bansos.programs.models import Enrolment

from .factories import family, officer_login, submit, verified_citizen

pytestmark = pytest.mark.django_db


def test_household_page_for_a_verified_member(client: Client) -> None:
    citizen, household = verified_citizen()
    enrol(
        household.pk,
        period("PKH", 2026, 1),
        Enrolment.Status.ENROLLED,
        amount=750_000,
        channel="BRI",
        payment_status="credited",
        paid_on=datetime.date(2026, 2, 10),
    )
    enrol(
        household.pk,
        period("BPNT", 2026, 1),
        Enrolment.Status.EXCLUDED,
        reason="civil_servant",
        reasons="civil_servant",
    )
    client.force_login(citizen)
    page = client.get("/akun/rumah-tangga/").content.decode()
    assert "BUDI SANTOSO" in page and "DEWI SANTOSO" in page
    nik = citizen.registration.nik
    assert nik not in page  # partly masked even for the family
    assert f"{nik[:6]}******{nik[-4:]}" in page
    assert "Rp750.000" in page
    assert "ASN" in page  # the exclusion reason, in words
    assert "Jl. Kenanga 7" in page


def test_household_page_only_for_verified_members(client: Client) -> None:
    client.force_login(user())
    assert client.get("/akun/rumah-tangga/").status_code == 403
    _household, _head, nik, kk = family(name="ANI SUSANTI")
    pending = submit(nik, kk, full_name="Ani Lain")
    client.force_login(pending.user)
    response = client.get("/akun/rumah-tangga/")
    assert response.status_code == 403
    assert "ANI SUSANTI" not in response.content.decode()


def test_officer_household_page_is_scoped_and_audited(client: Client) -> None:
    citizen, household = verified_citizen()
    operator = officer("village_operator", household.village_id)
    officer_login(client, operator)
    page = client.get(f"/petugas/rumah-tangga/{household.pk}/")
    assert page.status_code == 200 and "BUDI SANTOSO" in page.content.decode()
    event = AuditEvent.objects.get(event_type="household.viewed")
    assert event.actor == operator and event.subject_id == str(household.pk)
    officer_login(client, officer("village_operator", CIDENG))
    assert client.get(f"/petugas/rumah-tangga/{household.pk}/").status_code == 404
    client.force_login(citizen)
    assert client.get(f"/petugas/rumah-tangga/{household.pk}/").status_code == 403
    assert AuditEvent.objects.filter(event_type="household.viewed").count() == 1


def test_citizen_sees_which_officer_roles_viewed_or_changed_the_record(client: Client) -> None:
    citizen, household = verified_citizen()
    operator = officer("village_operator", household.village_id)
    officer_login(client, operator)
    client.get(f"/petugas/rumah-tangga/{household.pk}/")
    client.force_login(citizen)
    page = client.get("/akun/rumah-tangga/").content.decode()
    assert "operator desa" in page.lower() or "village operator" in page.lower()
    assert operator.username not in page  # roles, not names
