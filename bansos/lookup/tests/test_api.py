import json
from typing import Any

import pytest
from django.test import Client, override_settings

from bansos.lookup import selectors
from bansos.lookup.tests.helpers import household_with_decile, solved_altcha
from bansos.lookup.tests.test_pages import receiving_pkh
from bansos.registry.tests.factories import GAMBIR, make_person, new_nik

pytestmark = pytest.mark.django_db


def post(client: Client, path: str, body: dict[str, str]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def test_openapi_docs_and_schema() -> None:
    client = Client()
    assert client.get("/api/docs").status_code == 200
    schema = client.get("/api/openapi.json").json()
    assert schema["info"]["title"] == "Bansos API"
    assert {
        "/api/lookup/nik",
        "/api/lookup/name",
        "/api/lookup/challenge",
        "/api/regions/{code}/children",
    } <= set(schema["paths"])
    assert "get" not in schema["paths"]["/api/lookup/nik"]


def test_region_children() -> None:
    client = Client()
    provinces = client.get("/api/regions/").json()
    assert {"code": "31", "name": provinces[[p["code"] for p in provinces].index("31")]["name"]} in provinces
    assert len(provinces) == 38
    villages = client.get("/api/regions/317101/children").json()
    assert GAMBIR in [v["code"] for v in villages]
    assert client.get("/api/regions/xx/children").json() == []


def test_challenge_is_signed_and_expires() -> None:
    body = Client().get("/api/lookup/challenge").json()
    assert body["signature"] and body["parameters"]["expiresAt"] and body["parameters"]["keySignature"]


def test_nik_found_masked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "statuses_from_rows", lambda rows: receiving_pkh(0))
    nik = new_nik(GAMBIR)
    make_person(household_with_decile(2), full_name="WAWAN LUBIS", nik=nik)

    response = post(Client(), "/api/lookup/nik", {"nik": nik, "altcha": solved_altcha()})

    assert response.status_code == 200
    body = response.json()
    assert body["found"] is True
    result = body["result"]
    assert result["masked_name"] == "W***N L***S" and result["decile"] == 2 and result["beneficiary"] is True
    assert [p["answer"] for p in result["programs"]] == ["YA", "TIDAK", "TIDAK", "TIDAK"]
    assert result["programs"][0]["period"] == "APR-JUN 2026"
    text = response.content.decode()
    assert nik not in text and "WAWAN" not in text and "LUBIS" not in text


def test_nik_not_found_and_not_beneficiary() -> None:
    client = Client()
    missing = post(client, "/api/lookup/nik", {"nik": new_nik(GAMBIR), "altcha": solved_altcha()}).json()
    assert missing == {"found": False, "result": None}
    nik = new_nik(GAMBIR)
    make_person(household_with_decile(8), full_name="WAWAN LUBIS", nik=nik)
    body = post(client, "/api/lookup/nik", {"nik": nik, "altcha": solved_altcha()}).json()
    assert body["found"] is True and body["result"]["beneficiary"] is False


def test_name_lookup_with_variants() -> None:
    make_person(household_with_decile(3), full_name="SITI AMINAH", sex="F")
    body = post(
        Client(),
        "/api/lookup/name",
        {"village_code": GAMBIR, "name": "sitti  aminah", "altcha": solved_altcha()},
    ).json()
    assert body["found"] is True
    assert [r["masked_name"] for r in body["results"]] == ["S**I A****H"]
    none = post(
        Client(),
        "/api/lookup/name",
        {"village_code": GAMBIR, "name": "Joko Widodo", "altcha": solved_altcha()},
    ).json()
    assert none == {"found": False, "results": []}


def test_a_two_letter_full_name_is_a_name() -> None:
    # "Ai" is a common full name in West Java (Sundanese); the bench's synthetic registry has people so named.
    make_person(household_with_decile(3), full_name="AI", sex="F")
    body = post(
        Client(), "/api/lookup/name", {"village_code": GAMBIR, "name": "ai", "altcha": solved_altcha()}
    ).json()
    assert body["found"] is True and [r["masked_name"] for r in body["results"]] == ["A*"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"nik": "123", "altcha": "x"}, "nik.format"),
        ({"nik": "9999991506850001", "altcha": "x"}, "nik.area_unknown"),
        ({"nik": "3171011506850001", "altcha": ""}, "antibot.missing"),
        ({"nik": "3171011506850001", "altcha": "garbage"}, "antibot.invalid"),
    ],
)
def test_bad_input_gets_coded_message(body: dict[str, str], code: str) -> None:
    response = post(Client(HTTP_ACCEPT_LANGUAGE="en"), "/api/lookup/nik", body)
    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == code and answer["message"]
    assert body["nik"] not in answer["message"]


def test_name_requires_village_and_name() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    no_village = post(
        client, "/api/lookup/name", {"village_code": "31", "name": "Siti Aminah", "altcha": "x"}
    )
    assert no_village.json()["code"] == "lookup.village_required"
    short = post(client, "/api/lookup/name", {"village_code": GAMBIR, "name": "S.", "altcha": "x"})
    assert short.json()["code"] == "lookup.name_required"


def test_replayed_solution_refused() -> None:
    payload = solved_altcha()
    nik = new_nik(GAMBIR)
    assert post(Client(), "/api/lookup/nik", {"nik": nik, "altcha": payload}).status_code == 200
    replay = post(Client(), "/api/lookup/nik", {"nik": nik, "altcha": payload})
    assert replay.status_code == 400 and replay.json()["code"] == "antibot.replayed"


@override_settings(LOOKUP_RATE_PER_IP=(1, 60))
def test_rate_limited_api_gives_429_with_retry_after() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    post(client, "/api/lookup/nik", {"nik": new_nik(GAMBIR), "altcha": solved_altcha()})
    limited = post(client, "/api/lookup/nik", {"nik": new_nik(GAMBIR), "altcha": solved_altcha()})
    assert limited.status_code == 429
    seconds = int(limited["Retry-After"])
    assert limited.json() == {
        "code": "rate_limited",
        "message": f"Too many requests. Please try again in {seconds} seconds.",
    }


@override_settings(LOOKUP_RATE_PER_IP=(2, 60))
def test_refused_requests_count_against_the_client_too() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    malformed = post(client, "/api/lookup/nik", {"nik": "12345", "altcha": solved_altcha()})
    assert malformed.status_code == 400 and malformed.json()["code"].startswith("nik.")
    unsolved = post(client, "/api/lookup/nik", {"nik": new_nik(GAMBIR), "altcha": "not-a-solution"})
    assert unsolved.status_code == 400 and unsolved.json()["code"].startswith("antibot.")
    for body in ({"nik": "12345", "altcha": "x"}, {"nik": new_nik(GAMBIR), "altcha": solved_altcha()}):
        limited = post(client, "/api/lookup/nik", body)
        assert limited.status_code == 429 and limited.json()["code"] == "rate_limited"


def test_nik_lookup_is_post_only() -> None:
    assert Client().get("/api/lookup/nik", {"nik": new_nik(GAMBIR)}).status_code == 405


@override_settings(LOOKUP_RATE_CHALLENGES_PER_IP=(2, 60))
def test_challenges_are_rate_limited_per_client() -> None:
    client = Client()
    assert [client.get("/api/lookup/challenge").status_code for _ in range(3)] == [200, 200, 429]


def test_a_body_that_is_not_json_is_refused_in_the_users_language() -> None:
    nik = new_nik(GAMBIR)
    broken = Client().post("/api/lookup/nik", '{"nik": "' + nik + '", ', content_type="application/json")
    assert broken.status_code == 400
    assert broken.json() == {
        "code": "request.unreadable",
        "message": "Permintaan tidak dapat dibaca: kirimkan sebuah objek JSON.",
    }
    assert nik not in broken.content.decode()
    english = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/lookup/nik", b"\xff", content_type="application/json"
    )
    assert english.status_code == 400 and english.json()["message"].startswith(
        "The request could not be read"
    )


def test_a_missing_field_is_named_in_the_users_language() -> None:
    response = post(Client(), "/api/lookup/nik", {"nik": new_nik(GAMBIR)})  # no anti-bot answer
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "request.invalid"
    assert body["message"] == "Ada kolom permintaan yang tidak diisi atau jenisnya salah (lihat detail)."
    assert [error["loc"][-1] for error in body["detail"]] == ["altcha"]


def test_answers_are_utf8_json_written_once() -> None:
    response = post(Client(), "/api/lookup/nik", {"nik": new_nik(GAMBIR), "altcha": solved_altcha()})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.content == b'{"found":false,"result":null}'
