import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from bansos.lookup import selectors
from bansos.lookup.programs import ProgramStatus
from bansos.lookup.tests.helpers import answered_question, household_with_decile, solved_altcha
from bansos.registry.models import Person
from bansos.registry.tests.factories import GAMBIR, make_person, new_nik

pytestmark = pytest.mark.django_db
URL = "/cek/"


def receiving_pkh(household_id: int) -> list[ProgramStatus]:
    return [
        ProgramStatus("PKH", "PKH", True, period="APR-JUN 2026", payment_status="credited to the account"),
        ProgramStatus("BPNT", "BPNT/Sembako", False, period="APR-JUN 2026", reason="welfare decile above"),
        ProgramStatus("PBI-JK", "PBI-JK", False),
        ProgramStatus("BLT", "BLT", False),
    ]


def post_nik(client: Client, nik: str, **extra: str) -> Any:
    return client.post(URL, {"mode": "nik", "nik": nik, "altcha": solved_altcha(), **extra})


def assert_no_identifiers(html: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in html
        assert secret.upper() not in html.upper() or len(secret) < 3


def test_get_shows_both_methods_and_the_question() -> None:
    response = Client().get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="nik"' in html and 'name="question_token"' in html and "altcha-widget" in html
    assert "?mode=name" in html
    assert len(response.content) < 100_000


def test_region_steps_work_without_javascript() -> None:
    client = Client()
    response = client.post(URL, {"mode": "name", "province": "31", "step": "next"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="3171"' in html  # regencies of DKI Jakarta
    response = client.post(
        URL, {"mode": "name", "province": "31", "regency": "3171", "district": "317101", "step": "1"}
    )
    assert f'value="{GAMBIR}"' in response.content.decode()
    # a regency outside the province is ignored
    response = client.post(URL, {"mode": "name", "province": "11", "regency": "3171", "step": "1"})
    assert 'value="317101"' not in response.content.decode()


def test_found_by_nik_beneficiary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(selectors, "statuses_from_rows", lambda rows: receiving_pkh(0))
    nik = new_nik(GAMBIR)
    make_person(household_with_decile(1), full_name="WAWAN LUBIS", nik=nik)

    response = post_nik(Client(), nik)
    html = response.content.decode()

    assert response.status_code == 200
    assert "W***N L***S" in html and "APR-JUN 2026" in html and "YA" in html and "TIDAK" in html
    assert_no_identifiers(html, nik, "WAWAN", "LUBIS")


def test_not_a_beneficiary_explains_why_and_what_next() -> None:
    nik = new_nik(GAMBIR)
    make_person(household_with_decile(7), full_name="WAWAN LUBIS", nik=nik)

    with override_settings(LANGUAGE_CODE="en"):
        response = post_nik(Client(HTTP_ACCEPT_LANGUAGE="en"), nik)
    html = response.content.decode()

    assert response.status_code == 200
    assert "W***N L***S" in html and "TIDAK" in html
    assert "Not a beneficiary" in html and "desa/kelurahan office" in html
    assert_no_identifiers(html, nik, "WAWAN", "LUBIS")


def test_not_found_by_nik_is_not_a_dead_end() -> None:
    nik = new_nik(GAMBIR)
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        URL, {"mode": "nik", "nik": nik, "altcha": solved_altcha()}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "No data found" in html and "KTP" in html and "propose" in html and 'href="/cek/"' in html
    assert nik not in html


def test_by_name_found_and_not_found_with_question_fallback() -> None:
    make_person(household_with_decile(3), full_name="MUHAMMAD RIZKI")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    token, answer = answered_question()
    found = client.post(
        URL,
        {"mode": "name", "province": "31", "regency": "3171", "district": "317101", "village": GAMBIR,
         "name": "Moh. Rizki", "question_token": token, "question_answer": answer},
    )  # fmt: skip
    html = found.content.decode()
    assert found.status_code == 200 and "M******D R***I" in html
    assert_no_identifiers(html, "MUHAMMAD", "RIZKI")

    token, answer = answered_question()
    missing = client.post(
        URL,
        {
            "mode": "name",
            "village": GAMBIR,
            "name": "Slamet Riyadi",
            "question_token": token,
            "question_answer": answer,
        },
    )
    assert missing.status_code == 200 and "No data found" in missing.content.decode()
    assert "RIYADI" not in missing.content.decode().upper()


@pytest.mark.parametrize(
    ("nik", "expected"),
    [("12345", "16 digits"), ("", "Please enter the NIK"), ("3171abc", "only the digits")],
)
def test_malformed_nik_gets_a_clear_message_and_nothing_changes(nik: str, expected: str) -> None:
    before = Person.objects.count()
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        URL, {"mode": "nik", "nik": nik, "altcha": solved_altcha()}
    )
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert Person.objects.count() == before
    assert not [k for k in cache._cache if "antibot:used" in k]  # type: ignore[attr-defined]  # check not consumed


def test_wrong_and_replayed_antibot_refused() -> None:
    nik = new_nik(GAMBIR)
    make_person(household_with_decile(1), full_name="WAWAN LUBIS", nik=nik)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")

    missing = client.post(URL, {"mode": "nik", "nik": nik})
    assert missing.status_code == 400 and "anti-bot check" in missing.content.decode()
    token, answer = answered_question()
    wrong = client.post(
        URL, {"mode": "nik", "nik": nik, "question_token": token, "question_answer": str(int(answer) + 1)}
    )
    assert wrong.status_code == 400 and "W***N" not in wrong.content.decode()

    payload = solved_altcha()
    assert client.post(URL, {"mode": "nik", "nik": nik, "altcha": payload}).status_code == 200
    replay = client.post(URL, {"mode": "nik", "nik": nik, "altcha": payload})
    assert replay.status_code == 400 and "already used" in replay.content.decode()
    assert "W***N" not in replay.content.decode()


@override_settings(LOOKUP_RATE_PER_IP=(2, 60))
def test_rate_limit_per_client_gives_429_with_retry_after() -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    for _ in range(2):
        post_nik(client, new_nik(GAMBIR))
    limited = post_nik(client, new_nik(GAMBIR))
    assert limited.status_code == 429
    seconds = int(limited["Retry-After"])
    assert 1 <= seconds <= 60
    assert re.search(rf"try again in {seconds} seconds", limited.content.decode())
    assert post_nik(Client(REMOTE_ADDR="10.9.9.9"), new_nik(GAMBIR)).status_code == 200


@override_settings(LOOKUP_RATE_PER_NIK=(2, 600))
def test_rate_limit_per_nik_across_clients() -> None:
    nik = new_nik(GAMBIR)
    for i in range(2):
        assert post_nik(Client(REMOTE_ADDR=f"10.0.0.{i}"), nik).status_code == 200
    limited = post_nik(Client(REMOTE_ADDR="10.0.0.99"), nik)
    assert limited.status_code == 429 and limited["Retry-After"]


def test_get_with_nik_in_query_does_not_search() -> None:
    nik = new_nik(GAMBIR)
    make_person(household_with_decile(1), full_name="WAWAN LUBIS", nik=nik)
    response = Client().get(URL, {"nik": nik})
    assert response.status_code == 200 and "W***N" not in response.content.decode()


def test_search_never_redirects_and_form_posts_to_bare_url() -> None:
    html = Client().get(URL).content.decode()
    assert re.findall(r'<form method="post" action="([^"]*)"', html) == ["/cek/"]
    response = post_nik(Client(), new_nik(GAMBIR))
    assert response.status_code == 200 and not response.has_header("Location")


def test_home_links_to_the_check() -> None:
    assert 'href="/cek/"' in Client().get("/").content.decode()


def test_name_form_error_keeps_the_region_and_name_but_finds_nothing() -> None:
    make_person(household_with_decile(3), full_name="MUHAMMAD RIZKI")
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        URL,
        {"mode": "name", "province": "31", "regency": "3171", "district": "317101", "village": GAMBIR,
         "name": "Muhammad Rizki", "question_token": "forged", "question_answer": "7"},
    )  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 400
    assert f'<option value="{GAMBIR}" selected>' in html and 'value="Muhammad Rizki"' in html
    assert "M******D R***I" not in html
