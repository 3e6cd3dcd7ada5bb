"""The review queue through the console pages and /api/linkage: region scoping (an operator of village A
neither sees nor acts on a pair in village B), merge, dismiss, un-merge, and the external-list upload."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from ninja.testing import TestClient

from bansos.accounts.testing import officer_client, verified
from bansos.cases.tests.factories import CIDENG, GAMBIR, officer, user
from bansos.linkage.dedup import dedup_exact
from bansos.linkage.models import CandidatePair, ExternalList, PersonFlag
from bansos.registry.models import Person
from bansos.registry.tests.factories import make_household, make_person
from config.api import api

pytestmark = pytest.mark.django_db
api_client = TestClient(api)
BORN = datetime.date(1979, 8, 17)


def pair_in(village: str) -> CandidatePair:
    make_person(make_household(village), full_name=f"AHMAD {village}", birth_date=BORN)
    make_person(make_household(village), full_name=f"ACHMAD {village}", birth_date=BORN)
    dedup_exact(actor=officer("national_admin", ""))
    return CandidatePair.objects.get(left_village_id=village)


def as_user(who) -> Client:
    """Officers: a session verified by the second factor, as /petugas/masuk/ leaves it."""
    return officer_client(who)


def test_queue_needs_an_officer_verified_by_the_second_factor() -> None:
    assert Client().get("/petugas/duplikat/").status_code == 302
    citizen = Client()
    citizen.force_login(user())
    assert citizen.get("/petugas/duplikat/").status_code == 403
    unverified = Client()
    unverified.force_login(officer("village_operator", GAMBIR))
    response = unverified.get("/petugas/duplikat/")
    assert response.status_code == 302 and response["Location"].startswith("/petugas/masuk/")
    assert api_client.get("/linkage/pairs").status_code == 401
    assert api_client.get("/linkage/pairs", user=user()).json()["code"] == "auth.officer_required"
    answer = api_client.get("/linkage/pairs", user=officer("village_operator", GAMBIR))
    assert (answer.status_code, answer.json()["code"]) == (403, "auth.otp_required")


def test_operator_sees_and_acts_only_in_own_village_page() -> None:
    mine, theirs = pair_in(GAMBIR), pair_in(CIDENG)
    operator = as_user(officer("village_operator", GAMBIR))
    page = operator.get("/petugas/duplikat/")
    assert page.status_code == 200
    assert f"AHMAD {GAMBIR}" in page.text and f"AHMAD {CIDENG}" not in page.text
    detail = operator.get(f"/petugas/duplikat/{mine.pk}/")
    assert detail.status_code == 200
    nik = Person.objects.get(pk=mine.left_id).nik
    assert nik not in detail.text and nik[:6] + "******" + nik[-4:] in detail.text  # masked
    assert operator.get(f"/petugas/duplikat/{theirs.pk}/").status_code == 404
    assert operator.post(f"/petugas/duplikat/{theirs.pk}/abaikan/", {"note": "x"}).status_code == 404
    assert (
        operator.post(f"/petugas/duplikat/{theirs.pk}/gabung/", {"keep": "left", "confirm": "on"}).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.status == "pending"


def test_merge_needs_confirmation_then_merges_and_unmerges_from_the_page() -> None:
    pair = pair_in(GAMBIR)
    operator = as_user(officer("village_operator", GAMBIR))
    refused = operator.post(f"/petugas/duplikat/{pair.pk}/gabung/", {"keep": "right"})
    assert refused.status_code == 400
    assert Person.objects.get(pk=pair.left_id).merged_into_id is None
    done = operator.post(f"/petugas/duplikat/{pair.pk}/gabung/", {"keep": "right", "confirm": "on"})
    assert done.status_code == 302
    assert Person.objects.get(pk=pair.left_id).merged_into_id == pair.right_id
    assert "Batalkan penggabungan" in operator.get(f"/petugas/duplikat/{pair.pk}/").text
    assert operator.post(f"/petugas/duplikat/{pair.pk}/batal-gabung/").status_code == 302
    assert Person.objects.get(pk=pair.left_id).merged_into_id is None
    assert operator.get(f"/petugas/duplikat/{pair.pk}/gabung/").status_code == 405  # POST only


def test_dismiss_from_the_page_keeps_it_out_of_the_queue() -> None:
    pair = pair_in(GAMBIR)
    operator = as_user(officer("village_operator", GAMBIR))
    assert (
        operator.post(f"/petugas/duplikat/{pair.pk}/abaikan/", {"note": "orang berbeda"}).status_code == 302
    )
    dedup_exact(actor=officer("national_admin", ""))
    assert f"AHMAD {GAMBIR}" not in operator.get("/petugas/duplikat/").text
    assert f"AHMAD {GAMBIR}" in operator.get("/petugas/duplikat/?status=dismissed").text


def test_api_queue_scoping_and_decisions() -> None:
    mine, theirs = pair_in(GAMBIR), pair_in(CIDENG)
    operator = verified(officer("village_operator", GAMBIR))
    listed = api_client.get("/linkage/pairs", user=operator).json()
    assert [p["id"] for p in listed] == [mine.pk]
    assert api_client.get(f"/linkage/pairs/{theirs.pk}", user=operator).status_code == 404
    refused = api_client.post(f"/linkage/pairs/{theirs.pk}/dismiss", json={}, user=operator)
    assert (refused.status_code, refused.json()["code"]) == (404, "scope.not_found")
    detail = api_client.get(f"/linkage/pairs/{mine.pk}", user=operator).json()
    assert {row["field"] for row in detail["evidence"]["rows"]} >= {"name", "nik", "birth_date"}
    merged = api_client.post(f"/linkage/pairs/{mine.pk}/merge", json={"keep": "left"}, user=operator)
    assert merged.json()["status"] == "merged"
    again = api_client.post(f"/linkage/pairs/{mine.pk}/dismiss", json={}, user=operator)
    assert (again.status_code, again.json()["code"]) == (400, "linkage.already_decided")
    undone = api_client.post(f"/linkage/pairs/{mine.pk}/unmerge", user=operator)
    assert undone.json()["status"] == "pending"
    auditor = verified(officer("auditor", ""))
    assert api_client.get(f"/linkage/pairs/{mine.pk}", user=auditor).status_code == 200
    assert api_client.post(f"/linkage/pairs/{mine.pk}/dismiss", json={}, user=auditor).status_code == 404
    assert theirs.status == "pending"


def test_external_list_upload_page() -> None:
    head = make_person(make_household(GAMBIR), full_name="BUDI")
    assert as_user(officer("village_operator", GAMBIR)).get("/petugas/daftar-luar/").status_code == 403
    admin = as_user(officer("national_admin", ""))
    assert admin.get("/petugas/daftar-luar/").status_code == 200
    bad = SimpleUploadedFile("x.csv", b"nik,name,birth_date\n123,,\n", content_type="text/csv")
    response = admin.post("/petugas/daftar-luar/", {"kind": "deaths", "source": "Dukcapil", "file": bad})
    assert response.status_code == 400
    assert "baris 2: NIK harus 16 digit" in response.text
    assert not ExternalList.objects.exists()
    good = SimpleUploadedFile(
        "x.csv", f"nik,name,birth_date\n{head.nik},,\n".encode(), content_type="text/csv"
    )
    response = admin.post("/petugas/daftar-luar/", {"kind": "payroll", "source": "BKN", "file": good})
    assert response.status_code == 200 and "1 orang cocok berdasarkan NIK" in response.text
    assert PersonFlag.objects.get().person_id == head.pk


def test_pages_in_indonesian() -> None:
    pair_in(GAMBIR)
    operator = as_user(officer("village_operator", GAMBIR))
    page = operator.get("/petugas/duplikat/", headers={"accept-language": "id"})
    assert "Kemungkinan duplikat" in page.text
