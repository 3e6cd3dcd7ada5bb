"""The role-by-region access matrix of the officer console and the officer API.

Every role (village operator, district, Dinsos, province, national admin, helpdesk, auditor) is given a
region that holds Gambir (Jakarta Pusat) and none that holds Keude Bakongan (Aceh). For each case kind
(proposals, objections, corrections, tickets) there is one case in each village, each under a distinct
name. Through pages and API alike an officer sees exactly the cases its role may read in its region; any
other case answers exactly as a case that does not exist (404, same body), and no page or answer carries
its name. The auditor reads but every action is refused and changes nothing; an action on a foreign case
is not found and changes nothing, for every role."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from ninja.testing import TestClient

from bansos.accounts.testing import officer_client, verified
from bansos.cases import corrections, proposals, tickets
from bansos.cases.models import TicketCategory, TicketChannel
from bansos.cases.selectors import KINDS
from config.api import api

from .factories import (
    GAMBIR,
    KEUDE_BAKONGAN,
    beneficiary,
    make_household,
    make_objection,
    make_person,
    officer,
    photo,
    proposal_data,
    user,
)  # fmt: skip

pytestmark = pytest.mark.django_db

OWN, FOREIGN = GAMBIR, KEUDE_BAKONGAN
ROLES = {
    "village_operator": GAMBIR,
    "district": GAMBIR[:6],
    "dinsos": GAMBIR[:4],
    "province": GAMBIR[:2],
    "national_admin": "",
    "helpdesk": GAMBIR[:4],
    "auditor": GAMBIR[:4],
}
# An action each kind offers in its first state, and the data it needs (the confirmation ticked).
ACTIONS = {
    "usulan": ("rejected", {"confirm": "on", "note": "Tidak memenuhi syarat"}),
    "sanggahan": ("dismissed", {"confirm": "on", "note": "Tidak terbukti"}),
    "perbaikan": ("rejected", {"confirm": "on", "note": "Dokumen tidak cocok"}),
    "tiket": ("closed", {"confirm": "on"}),
}
MISSING = 987654
api_client = TestClient(api)


def name(kind: str, village: str) -> str:
    return f"{kind.upper()}{'DALAM' if village == OWN else 'LUAR'}"


def make_case(kind: str, village: str) -> Any:
    label = name(kind, village)
    if kind == "usulan":
        data = proposal_data(village, head_name=label.title())
        return proposals.proposal_submit(proposer=user(), photos=[photo()], **data)
    if kind == "sanggahan":
        return make_objection(beneficiary(village, name=label))
    if kind == "perbaikan":
        household = make_household(village)
        head = make_person(household, full_name=label)
        return corrections.correction_submit(
            requester=user(), kk=household.kk, requester_nik=head.nik, kind="address",
            data={"address": f"Jl. {label} 9", "rt": "003", "rw": "004"},
        )  # fmt: skip
    return tickets.ticket_open(
        channel=TicketChannel.CITIZEN, category=TicketCategory.STATUS, name=label, subject=f"Tanya {label}",
        body="Kapan bantuan cair?", requester=user(), region_code=village,
    )  # fmt: skip


@pytest.fixture
def cases() -> dict[str, dict[str, Any]]:
    return {kind: {OWN: make_case(kind, OWN), FOREIGN: make_case(kind, FOREIGN)} for kind in KINDS}


def may_read(role: str, kind: str, village: str) -> bool:
    return role in (KINDS[kind].read_roles or ()) and village.startswith(ROLES[role])


def names_shown(body: str, kind: str) -> set[str]:
    return {village for village in (OWN, FOREIGN) if name(kind, village) in body.upper()}


@pytest.mark.parametrize("role", ROLES)
def test_pages_show_exactly_what_the_role_reads_in_its_region(role: str, cases: dict[str, Any]) -> None:
    client = officer_client(officer(role, ROLES[role]))
    assert client.get("/petugas/").status_code == 200
    for kind, by_village in cases.items():
        readable = {v for v in (OWN, FOREIGN) if may_read(role, kind, v)}
        listing = client.get(f"/petugas/{kind}/")
        assert listing.status_code == 200
        body = listing.content.decode()
        linked = {v for v, case in by_village.items() if f'href="/petugas/{kind}/{case.pk}/"' in body}
        assert linked == readable, (role, kind)
        assert names_shown(body, kind) <= readable, (role, kind)
        missing = client.get(f"/petugas/{kind}/{MISSING}/")
        assert missing.status_code == 404
        for village, case in by_village.items():
            detail = client.get(f"/petugas/{kind}/{case.pk}/")
            if village in readable:
                assert detail.status_code == 200, (role, kind, village)
            else:
                assert detail.status_code == 404, (role, kind, village)
                assert detail.content == missing.content
                assert names_shown(detail.content.decode(), kind) == set()


@pytest.mark.parametrize("role", ROLES)
def test_api_answers_exactly_what_the_role_reads_in_its_region(role: str, cases: dict[str, Any]) -> None:
    who = verified(officer(role, ROLES[role]))
    for kind, by_village in cases.items():
        readable = {v for v in (OWN, FOREIGN) if may_read(role, kind, v)}
        queue = api_client.get(f"/cases/queue/{kind}", user=who)
        assert queue.status_code == 200
        assert {c["id"] for c in queue.json()} == {by_village[v].pk for v in readable}, (role, kind)
        assert names_shown(str(queue.json()), kind) <= readable
        missing = api_client.get(f"/cases/officer/{kind}/{MISSING}", user=who)
        assert missing.status_code == 404
        for village, case in by_village.items():
            detail = api_client.get(f"/cases/officer/{kind}/{case.pk}", user=who)
            if village in readable:
                assert detail.status_code == 200 and detail.json()["id"] == case.pk
            else:
                assert detail.status_code == 404, (role, kind, village)
                assert detail.json() == missing.json()


def _states(cases: dict[str, dict[str, Any]]) -> dict[tuple[str, str], str]:
    states = {}
    for kind, by_village in cases.items():
        for village, case in by_village.items():
            case.refresh_from_db()
            states[kind, village] = case.state
    return states


@pytest.mark.parametrize("role", [r for r in ROLES if r != "national_admin"])
def test_actions_on_foreign_cases_are_not_found_and_change_nothing(role: str, cases: dict[str, Any]) -> None:
    who = officer(role, ROLES[role])
    client = officer_client(who)
    before = _states(cases)
    for kind, (target, data) in ACTIONS.items():
        foreign = cases[kind][FOREIGN]
        page = client.post(f"/petugas/{kind}/{foreign.pk}/aksi/{target}/", data)
        missing = client.post(f"/petugas/{kind}/{MISSING}/aksi/{target}/", data)
        assert page.status_code == missing.status_code == 404
        assert page.content == missing.content
        answer = client.post(f"/api/cases/officer/{kind}/{foreign.pk}/transition", {"target": target, **data})
        assert answer.status_code == 404 and answer.json()["code"] == "scope.not_found"
        assert names_shown(page.content.decode() + answer.content.decode(), kind) == set()
    assert _states(cases) == before


def test_the_auditor_reads_everything_in_its_region_but_every_action_is_refused(
    cases: dict[str, Any],
) -> None:
    auditor = officer("auditor", ROLES["auditor"])
    client = officer_client(auditor)
    before = _states(cases)
    for kind, (target, data) in ACTIONS.items():
        own = cases[kind][OWN]
        detail = client.get(f"/petugas/{kind}/{own.pk}/").content.decode()
        assert "/aksi/" not in detail  # no action offered
        assert client.get(f"/petugas/{kind}/{own.pk}/aksi/{target}/").status_code == 403
        assert client.post(f"/petugas/{kind}/{own.pk}/aksi/{target}/", data).status_code == 403
        answer = client.post(f"/api/cases/officer/{kind}/{own.pk}/transition", {"target": target, **data})
        assert answer.status_code == 403 and answer.json()["code"] == "case.role_denied"
    assert _states(cases) == before
    assert client.get("/petugas/tiket/baru/").status_code == 404  # only helpdesk agents log hotline calls


def test_each_kind_is_acted_on_by_its_own_role_in_its_own_region(cases: dict[str, Any]) -> None:
    """The other side of the matrix: the allowed role does change the case (so refusals above are real)."""
    actors = {"usulan": "village_operator", "sanggahan": "dinsos", "perbaikan": "village_operator"}
    actors["tiket"] = "helpdesk"
    for kind, (target, data) in ACTIONS.items():
        client = officer_client(officer(actors[kind], ROLES[actors[kind]]))
        own = cases[kind][OWN]
        assert client.get(f"/petugas/{kind}/{own.pk}/aksi/{target}/").status_code == 200
        response = client.post(f"/petugas/{kind}/{own.pk}/aksi/{target}/", data)
        assert response.status_code == 302, (kind, response.content.decode()[:500])
        own.refresh_from_db()
        assert own.state == target


@pytest.mark.parametrize("role", ROLES)
def test_attachments_follow_the_case(role: str, cases: dict[str, Any]) -> None:
    client = officer_client(officer(role, ROLES[role]))
    for village in (OWN, FOREIGN):
        attachment = cases["usulan"][village].attachments.get()
        status = client.get(f"/petugas/lampiran/{attachment.pk}/").status_code
        assert status == (200 if may_read(role, "usulan", village) else 404), (role, village)


@pytest.mark.parametrize("role", ROLES)
def test_counter_check_never_shows_a_foreign_household(role: str) -> None:
    foreign = beneficiary(FOREIGN, name="WARGA ACEH")
    nik = foreign.members.get().nik
    page = officer_client(officer(role, ROLES[role])).post("/petugas/cek/", {"nik": nik})
    assert page.status_code == 200
    shown = "WARGA ACEH" in page.content.decode().upper() or "W***A A**H" in page.content.decode()
    assert shown == (role == "national_admin")


def test_officers_without_a_role_or_second_factor_see_nothing(cases: dict[str, Any]) -> None:
    citizen = Client()
    citizen.force_login(user())
    unverified = Client()
    unverified.force_login(officer("national_admin", ""))
    for kind, by_village in cases.items():
        url = f"/petugas/{kind}/{by_village[OWN].pk}/"
        assert citizen.get(url).status_code == 403
        response = unverified.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/")
        assert api_client.get(f"/cases/officer/{kind}/{by_village[OWN].pk}", user=user()).status_code == 403
