from __future__ import annotations

import datetime

import pytest
from django.test import Client

from bansos.accounts.testing import officer_client
from bansos.cases.models import Proposal
from bansos.core.models import AuditEvent
from bansos.registry.models import Household

from .factories import (
    CIDENG,
    GAMBIR,
    beneficiary,
    make_objection,
    make_proposal,
    new_kk,
    new_nik,
    officer,
    pdf,
    user,
)  # fmt: skip

pytestmark = pytest.mark.django_db


def as_user(who) -> Client:
    """Logged in; officers with a verified second factor (as after /petugas/masuk/)."""
    return officer_client(who)


def test_console_needs_an_officer():
    assert Client().get("/petugas/").status_code == 302
    assert as_user(user()).get("/petugas/").status_code == 403


def test_dashboard_shows_what_waits_for_each_role():
    make_proposal(GAMBIR)
    make_proposal(GAMBIR, state="deliberated")
    make_proposal(CIDENG)
    operator = as_user(officer("village_operator", GAMBIR)).get("/petugas/")
    assert operator.status_code == 200
    assert 'id="waiting-usulan">1<' in operator.content.decode()
    dinsos = as_user(officer("dinsos", "3171")).get("/petugas/").content.decode()
    assert 'id="waiting-usulan">1<' in dinsos


def test_queue_and_detail_are_scoped_to_the_village():
    mine = make_proposal(GAMBIR)
    theirs = make_proposal(CIDENG)
    client = as_user(officer("village_operator", GAMBIR))
    page = client.get("/petugas/usulan/").content.decode()
    assert f"/petugas/usulan/{mine.pk}/" in page and f"/petugas/usulan/{theirs.pk}/" not in page
    assert client.get(f"/petugas/usulan/{mine.pk}/").status_code == 200
    foreign = client.get(f"/petugas/usulan/{theirs.pk}/")
    missing = client.get("/petugas/usulan/999999/")
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content


def test_action_on_a_foreign_case_is_not_found_and_changes_nothing():
    theirs = make_proposal(CIDENG)
    client = as_user(officer("village_operator", GAMBIR))
    response = client.post(f"/petugas/usulan/{theirs.pk}/aksi/rejected/", {"confirm": "on", "note": "tidak"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.state == "submitted"


def test_verify_needs_explicit_confirmation():
    proposal = make_proposal(GAMBIR)
    client = as_user(officer("village_operator", GAMBIR))
    confirm = client.get(f"/petugas/usulan/{proposal.pk}/aksi/verified/")
    assert confirm.status_code == 200 and 'name="confirm"' in confirm.content.decode()
    data = {"visit_notes": "Rumah bambu", "latitude": "-6.17", "longitude": "106.82"}
    assert client.post(f"/petugas/usulan/{proposal.pk}/aksi/verified/", data).status_code == 400
    proposal.refresh_from_db()
    assert proposal.state == "submitted"
    done = client.post(f"/petugas/usulan/{proposal.pk}/aksi/verified/", {**data, "confirm": "on"})
    assert done.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "verified"


def test_meeting_upload_and_illegal_action_message():
    proposal = make_proposal(GAMBIR, state="verified")
    client = as_user(officer("village_operator", GAMBIR))
    response = client.post(
        f"/petugas/usulan/{proposal.pk}/aksi/deliberated/",
        {"confirm": "on", "meeting_date": "2026-01-05", "minutes": pdf()},
    )
    assert response.status_code == 302
    again = client.post(
        f"/petugas/usulan/{proposal.pk}/aksi/verified/",
        {"confirm": "on", "visit_notes": "x", "latitude": "-6.1", "longitude": "106.8"},
    )
    assert again.status_code == 400
    assert "Usulan ini sudah disetujui musyawarah desa; tidak bisa diverifikasi." in again.content.decode()


def test_auditor_reads_but_cannot_act():
    proposal = make_proposal(GAMBIR)
    client = as_user(officer("auditor", ""))
    page = client.get(f"/petugas/usulan/{proposal.pk}/").content.decode()
    assert "aksi/" not in page
    events = AuditEvent.objects.count()
    response = client.post(f"/petugas/usulan/{proposal.pk}/aksi/rejected/", {"confirm": "on", "note": "x"})
    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.state == "submitted" and AuditEvent.objects.count() == events


def test_attachments_only_for_officers_who_reach_the_case():
    proposal = make_proposal(GAMBIR)
    attachment = proposal.attachments.get()
    ok = as_user(officer("village_operator", GAMBIR)).get(f"/petugas/lampiran/{attachment.pk}/")
    assert ok.status_code == 200 and ok["Content-Type"] == "image/jpeg"
    body: bytes = b"".join(ok.streaming_content)  # type: ignore[attr-defined]
    assert body[:3] == b"\xff\xd8\xff"
    assert (
        as_user(officer("village_operator", CIDENG)).get(f"/petugas/lampiran/{attachment.pk}/").status_code
        == 404
    )
    assert as_user(user()).get(f"/petugas/lampiran/{attachment.pk}/").status_code == 403


def test_reporter_is_shown_only_to_the_officers_handling_the_objection():
    reporter = user()
    objection = make_objection(reporter=reporter)
    url = f"/petugas/sanggahan/{objection.pk}/"
    for role, region in [("dinsos", "3171"), ("village_operator", GAMBIR)]:
        assert reporter.username in as_user(officer(role, region)).get(url).content.decode()
    auditor = as_user(officer("auditor", "")).get(url)
    assert auditor.status_code == 200 and reporter.username not in auditor.content.decode()
    assert as_user(officer("helpdesk", "")).get(url).status_code == 404


def test_overdue_objections_in_the_regency_queue():
    old = make_objection(now=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    client = as_user(officer("dinsos", "3171"))
    page = client.get("/petugas/sanggahan/?overdue=1").content.decode()
    assert f"/petugas/sanggahan/{old.pk}/" in page and "badge late" in page
    assert 'id="overdue" class="badge late">1<' in client.get("/petugas/").content.decode()


def test_uphold_from_the_console():
    objection = make_objection()
    client = as_user(officer("dinsos", "3171"))
    response = client.post(
        f"/petugas/sanggahan/{objection.pk}/aksi/upheld/", {"confirm": "on", "note": "Terbukti"}
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert objection.state == "upheld"


def test_helpdesk_queue_hotline_and_reply():
    agent = officer("helpdesk", "")
    client = as_user(agent)
    response = client.post(
        "/petugas/tiket/baru/",
        {"name": "Penelepon", "category": "status", "subject": "Telepon", "body": "Tanya status",
         "contact_phone": "0812222222"},
    )  # fmt: skip
    assert response.status_code == 302
    ticket_url = response["Location"]
    assert client.get("/petugas/tiket/").status_code == 200
    reply = client.post(ticket_url + "aksi/answered/", {"confirm": "on", "note": "Sudah dicek"})
    assert reply.status_code == 302
    assert "Sudah dicek" in client.get(ticket_url).content.decode()
    assert as_user(officer("village_operator", GAMBIR)).get(ticket_url).status_code == 404


def test_visitor_status_check_is_scoped():
    household = beneficiary(GAMBIR, name="DEWI LESTARI")
    nik = household.members.get().nik
    mine = as_user(officer("village_operator", GAMBIR)).post("/petugas/cek/", {"nik": nik, "search": "1"})
    assert mine.status_code == 200 and "D**I L*****I" in mine.content.decode()
    other = as_user(officer("village_operator", CIDENG)).post("/petugas/cek/", {"nik": nik, "search": "1"})
    assert "D**I" not in other.content.decode()
    by_name = as_user(officer("village_operator", GAMBIR)).post(
        "/petugas/cek/", {"village": GAMBIR, "name": "Dewi Lestari", "search": "1"}
    )
    assert "D**I L*****I" in by_name.content.decode()


def test_counter_registration_in_own_village_only():
    client = as_user(officer("village_operator", GAMBIR))
    assert client.get("/petugas/rumah-tangga/baru/").status_code == 200
    data = {
        "kk": new_kk(GAMBIR), "address": "Jl. Kenari 1", "head_nik": new_nik(GAMBIR), "head_name": "Rudi",
        "head_sex": "M", "head_birth_date": "1985-06-15", "head_marital_status": "married", "confirm": "on",
    }  # fmt: skip
    foreign = client.post("/petugas/rumah-tangga/baru/", {**data, "village": CIDENG})
    assert foreign.status_code == 400 and Household.objects.count() == 0
    done = client.post("/petugas/rumah-tangga/baru/", {**data, "village": GAMBIR})
    assert done.status_code == 200
    household = Household.objects.get()
    assert household.village_id == GAMBIR and household.provenance == "counter"
    assert household.members.get().full_name == "RUDI"
    assert Proposal.objects.count() == 0
