from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from django.test import Client
from ninja.testing import TestClient

from bansos.accounts.testing import login_officer, verified
from bansos.cases.models import Objection, Proposal
from config.api import api

from .factories import (
    CIDENG,
    GAMBIR,
    beneficiary,
    make_objection,
    make_proposal,
    officer,
    photo,
    proposal_data,
    user,
)

pytestmark = pytest.mark.django_db

client = TestClient(api)  # JSON operations; multipart ones go through Django's client (real session)


def multipart(who: Any, path: str, data: Mapping[str, object]) -> Any:
    browser = login_officer(Client(), who)  # officers with a verified second factor
    return browser.post("/api/cases" + path, data)


def proposal_form() -> dict[str, str]:
    data = proposal_data()
    form = {k: str(v) for k, v in data.items() if k != "housing"}
    form["floor_type"] = "earth"
    return form


def test_anonymous_is_refused():
    assert client.get("/cases/mine").status_code == 401


def test_citizen_files_a_proposal_and_lists_only_their_own():
    who = user()
    response = multipart(who, "/proposals", {**proposal_form(), "photos": [photo()]})
    assert response.status_code == 201, response.content
    proposal = Proposal.objects.get()
    assert response.json() == {"id": proposal.pk, "state": "submitted"}
    make_proposal()  # someone else's
    mine = client.get("/cases/mine", user=who).json()
    assert [(c["kind"], c["id"], c["state"]) for c in mine] == [("usulan", proposal.pk, "submitted")]
    assert client.get(f"/cases/mine/usulan/{proposal.pk}", user=who).status_code == 200
    assert client.get(f"/cases/mine/usulan/{proposal.pk}", user=user()).status_code == 404


def test_bad_proposal_gives_code_and_message_and_changes_nothing():
    response = multipart(user(), "/proposals", {**proposal_form(), "members_count": "0", "photos": [photo()]})
    assert response.status_code == 400
    assert response.json()["code"] == "case.bad_members"
    assert Proposal.objects.count() == 0


def test_officer_queue_and_transition_are_scoped():
    mine, theirs = make_proposal(GAMBIR), make_proposal(CIDENG)
    operator = officer("village_operator", GAMBIR)
    queue = client.get("/cases/queue/usulan?waiting=true", user=verified(operator)).json()
    assert [c["id"] for c in queue] == [mine.pk]
    data = {
        "target": "verified",
        "visit_notes": "Sudah dikunjungi",
        "latitude": "-6.17",
        "longitude": "106.82",
    }
    response = multipart(operator, f"/officer/usulan/{mine.pk}/transition", data)
    assert response.status_code == 200 and response.json()["state"] == "verified"
    foreign = multipart(operator, f"/officer/usulan/{theirs.pk}/transition", data)
    missing = multipart(operator, "/officer/usulan/999999/transition", data)
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    theirs.refresh_from_db()
    assert theirs.state == "submitted"


def test_illegal_transition_over_the_api():
    proposal = make_proposal(state="accepted")
    response = multipart(
        officer("dinsos", "3171"),
        f"/officer/usulan/{proposal.pk}/transition",
        {"target": "rejected", "note": "x"},
    )
    assert response.status_code == 400 and response.json()["code"] == "case.illegal_transition"


def test_objection_over_the_api_and_reporter_anonymity():
    household = beneficiary(name="JOKO")
    reporter = user()
    response = multipart(
        reporter,
        "/objections",
        {"village_code": GAMBIR, "reported_name": "Joko", "reason": "moved", "description": "Pindah",
         "latitude": "-6.17", "longitude": "106.82", "photo": photo()},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    objection = Objection.objects.get()
    assert objection.household == household
    # Another citizen (e.g. the reported family) sees nothing of it.
    assert client.get("/cases/mine", user=user()).json() == []
    assert client.get(f"/cases/mine/sanggahan/{objection.pk}", user=user()).status_code == 404
    dinsos = client.get(
        f"/cases/officer/sanggahan/{objection.pk}", user=verified(officer("dinsos", "3171"))
    ).json()
    assert dinsos["detail"]["reporter"] == reporter.username
    auditor = client.get(
        f"/cases/officer/sanggahan/{objection.pk}", user=verified(officer("auditor", ""))
    ).json()
    assert "reporter" not in auditor["detail"] and reporter.username not in str(auditor)


def test_overdue_queue_over_the_api():
    import datetime

    old = make_objection(now=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC))
    make_objection()
    queue = client.get("/cases/queue/sanggahan?overdue=true", user=verified(officer("dinsos", "3171"))).json()
    assert [(c["id"], c["detail"]["overdue"]) for c in queue] == [(old.pk, True)]


def test_correction_and_ticket_over_the_api():
    from .factories import make_household, make_person

    household = make_household(GAMBIR)
    head = make_person(household)
    who = user()
    response = client.post(
        "/cases/corrections",
        json={"kk": household.kk, "requester_nik": head.nik, "kind": "address", "address": "Jl. Baru"},
        user=who,
    )
    assert response.status_code == 201
    ticket = client.post(
        "/cases/tickets",
        json={"name": "Ani", "category": "status", "subject": "Tanya", "body": "Halo"},
        user=who,
    )
    assert ticket.status_code == 201
    assert sorted(c["kind"] for c in client.get("/cases/mine", user=who).json()) == ["perbaikan", "tiket"]
