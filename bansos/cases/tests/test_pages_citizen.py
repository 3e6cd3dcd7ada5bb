from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from bansos.cases.models import Correction, Objection, Proposal, Ticket

from .factories import GAMBIR, beneficiary, make_proposal, photo, proposal_data, user

pytestmark = pytest.mark.django_db

REGION = {"province": "31", "regency": "3171", "district": "317101", "village": GAMBIR}


def logged_in(who: Any = None) -> tuple[Client, Any]:
    who = who or user()
    client = Client()
    client.force_login(who)
    return client, who


def proposal_post(**overrides: object) -> dict[str, object]:
    data = proposal_data()
    post = {k: v for k, v in data.items() if k not in ("housing", "village_code")}
    post.update(REGION, head_birth_date="1980-02-01", for_self="1", floor_type="earth", photo1=photo())
    post.update(overrides)
    return post


@pytest.mark.parametrize(
    "url", ["/kasus/", "/kasus/usulan/baru/", "/kasus/sanggahan/baru/", "/kasus/perbaikan/baru/"]
)
def test_citizen_pages_need_login(url):
    response = Client().get(url)
    assert response.status_code == 302 and "?next=" in response["Location"]


def test_proposal_form_files_a_proposal_and_shows_it():
    client, who = logged_in()
    page = client.get("/kasus/usulan/baru/")
    assert page.status_code == 200 and 'name="photo1"' in page.content.decode()
    response = client.post("/kasus/usulan/baru/", proposal_post())
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kasus/usulan/{proposal.pk}/"
    assert (
        proposal.proposer == who
        and proposal.village_id == GAMBIR
        and proposal.housing == {"floor_type": "earth"}
    )
    detail = client.get(response["Location"]).content.decode()
    assert "SITI AMINAH" in detail and 'id="state"' in detail
    assert proposal.kk not in detail and proposal.head_nik not in detail


def test_region_step_reveals_the_next_select_without_javascript():
    client, _who = logged_in()
    response = client.post("/kasus/usulan/baru/", {"province": "31", "step": "next"})
    assert response.status_code == 200
    assert '<option value="3171"' in response.content.decode()
    assert Proposal.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"photo1": ""}, "photo1"),
        ({"village": ""}, "case.village_unknown"),
        ({"kk": "12345"}, "KK"),
    ],
)
def test_bad_proposal_shows_the_error_and_changes_nothing(overrides, message):
    client, _who = logged_in()
    response = client.post("/kasus/usulan/baru/", proposal_post(**overrides))
    assert response.status_code == 400
    if message.startswith("case."):
        message = "Pilih desa tempat keluarga tinggal."
    assert message in response.content.decode()
    assert Proposal.objects.count() == 0


def test_a_citizen_cannot_see_another_citizens_cases():
    proposal = make_proposal()
    client, _who = logged_in()
    assert client.get(f"/kasus/usulan/{proposal.pk}/").status_code == 404
    owner, _ = logged_in(proposal.proposer)
    assert owner.get(f"/kasus/usulan/{proposal.pk}/").status_code == 200


def test_objection_form_and_the_reported_household_never_learns_who_reported():
    household = beneficiary(name="JOKO SUSILO")
    reporter = user(first_name="Rahasia", last_name="Pelapor")
    client, _ = logged_in(reporter)
    response = client.post(
        "/kasus/sanggahan/baru/",
        {**REGION, "reported_name": "Joko Susilo", "reason": "well_off", "description": "Punya mobil",
         "latitude": "-6.175392", "longitude": "106.827153", "photo": photo()},
    )  # fmt: skip
    objection = Objection.objects.get()
    assert response.status_code == 302 and objection.household == household
    # The reported family (any other citizen) cannot open it, nor list it.
    reported, _ = logged_in()
    assert reported.get(f"/kasus/sanggahan/{objection.pk}/").status_code == 404
    assert reporter.username not in reported.get("/kasus/").content.decode()


def test_objection_for_an_unknown_person_is_refused():
    client, _ = logged_in()
    response = client.post(
        "/kasus/sanggahan/baru/",
        {**REGION, "reported_name": "Tidak Ada", "reason": "well_off", "description": "x",
         "latitude": "-6.1", "longitude": "106.8", "photo": photo()},
    )  # fmt: skip
    assert response.status_code == 400 and Objection.objects.count() == 0


def test_correction_form():
    from .factories import make_household, make_person

    household = make_household(GAMBIR)
    head = make_person(household)
    client, _ = logged_in()
    response = client.post(
        "/kasus/perbaikan/baru/",
        {"kk": household.kk, "requester_nik": head.nik, "kind": "address", "address": "Jl. Baru 2"},
    )
    correction = Correction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kasus/perbaikan/{correction.pk}/"
    bad = client.post("/kasus/perbaikan/baru/", {"kk": household.kk, "requester_nik": "1", "kind": "address"})
    assert bad.status_code == 400 and Correction.objects.count() == 1


def test_public_contact_form_opens_a_ticket_and_acknowledges(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(
            "/kontak/",
            {"name": "Pak Budi", "category": "payment", "subject": "Dana belum cair", "body": "Sudah 3 bulan",
             "contact_email": "budi@example.id"},
        )  # fmt: skip
    ticket = Ticket.objects.get()
    assert response.status_code == 200 and f"#{ticket.pk}" in response.content.decode()
    assert ticket.channel == "web" and ticket.requester is None
    assert [m.to for m in mail.outbox] == [["budi@example.id"]]
    missing = Client().post("/kontak/", {"name": "X", "category": "other", "subject": "s", "body": "b"})
    assert missing.status_code == 400 and Ticket.objects.count() == 1


def test_citizen_ticket_and_reopen():
    from bansos.cases import tickets

    from .factories import officer

    client, who = logged_in()
    response = client.post(
        "/kasus/tiket/baru/", {"name": "Ani", "category": "status", "subject": "Tanya", "body": "Halo",
                               "contact_email": who.email},
    )  # fmt: skip
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and ticket.channel == "citizen" and ticket.requester == who
    tickets.ticket_reply(ticket=ticket, actor=officer("helpdesk", ""), body="Jawaban")
    assert "Jawaban" in client.get(f"/kasus/tiket/{ticket.pk}/").content.decode()
    assert client.post(f"/kasus/tiket/{ticket.pk}/buka-lagi/").status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == "open"


def test_public_contact_form_is_rate_limited(settings):
    from django.core.cache import cache

    cache.clear()
    settings.CASES_CONTACT_RATE_PER_IP = (2, 3600)
    data = {"name": "X", "category": "other", "subject": "s", "body": "b", "contact_phone": "0812345678"}
    assert [Client().post("/kontak/", data).status_code for _ in range(3)] == [200, 200, 429]
    assert Ticket.objects.count() == 2
