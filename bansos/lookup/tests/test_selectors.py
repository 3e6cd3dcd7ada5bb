import datetime

import pytest

from bansos.lookup.programs import STANDARD_PROGRAMS
from bansos.lookup.selectors import status_by_name, status_by_nik
from bansos.lookup.tests.helpers import household_with_decile
from bansos.registry.tests.factories import GAMBIR, KEUDE_BAKONGAN, make_household, make_person, new_nik

pytestmark = pytest.mark.django_db


def test_by_nik_found_is_masked_with_region_and_decile() -> None:
    household = household_with_decile(2)
    nik = new_nik(GAMBIR)
    make_person(household, full_name="WAWAN LUBIS", nik=nik)

    result = status_by_nik(nik)

    assert result is not None
    assert result.masked_name == "W***N L***S"
    assert result.village_code == GAMBIR
    assert (
        result.region
        == {
            "village": "Gambir",
            "district": "Gambir",
            "regency": "Kota Adm. Jakarta Pusat",
            "province": "DKI Jakarta",
        }
        or result.region["village"].upper() == "GAMBIR"
    )
    assert result.decile == 2
    assert [p.code for p in result.programs][:4] == [code for code, _name in STANDARD_PROGRAMS]
    assert not result.is_beneficiary
    assert not result.deceased


def test_by_nik_not_found() -> None:
    assert status_by_nik(new_nik(GAMBIR)) is None


def test_deceased_person_is_found_but_receives_nothing_with_reason() -> None:
    household = household_with_decile(1)
    nik = new_nik(GAMBIR)
    make_person(
        household, full_name="SITI AMINAH", sex="F", relationship="spouse", nik=new_nik(GAMBIR, sex="F")
    )
    make_person(household, full_name="BUDI SANTOSO", nik=nik, deceased_date=datetime.date(2025, 1, 1))

    result = status_by_nik(nik)

    assert result is not None and result.deceased
    assert all(not p.receiving and p.reason for p in result.programs)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Moh. Rizki", "MUHAMMAD RIZKI"),
        ("muhamad rizki", "MUHAMMAD RIZKI"),
        ("M Rizki", "MUHAMMAD RIZKI"),
        ("sitti aminah", "SITI AMINAH"),
        ("Siti  Aminah.", "SITI AMINAH"),
        ("SITI-AMINAH", "SITI AMINAH"),
        ("abdulah", "ABDULLAH"),
        ("Achmad Dhani", "AHMAD DHANI"),
        ("budi santosa", "BUDI SANTOSO"),  # one-letter typo
        ("santoso budi", "BUDI SANTOSO"),  # word order
    ],
)
def test_by_name_tolerates_spelling_variants(typed: str, stored: str) -> None:
    household = make_household(GAMBIR)
    make_person(household, full_name=stored)
    make_person(household, full_name="WAWAN LUBIS", relationship="child", marital_status="single")

    results = status_by_name(GAMBIR, typed)

    assert len(results) == 1
    assert results[0].masked_name == " ".join(
        w[0] + "*" * (len(w) - 2) + w[-1] if len(w) > 2 else w[0] + "*" for w in stored.split()
    )


def test_by_name_only_within_the_chosen_village() -> None:
    make_person(make_household(KEUDE_BAKONGAN), full_name="MUHAMMAD RIZKI")

    assert status_by_name(GAMBIR, "Muhammad Rizki") == []
    assert len(status_by_name(KEUDE_BAKONGAN, "Muhammad Rizki")) == 1


def test_by_name_partial_name_does_not_list_the_village() -> None:
    household = make_household(GAMBIR)
    make_person(household, full_name="SITI AMINAH", sex="F")
    make_person(household, full_name="SITI NURHALIZA", sex="F", relationship="child", marital_status="single")

    assert status_by_name(GAMBIR, "siti") == []
    assert status_by_name(GAMBIR, "") == []
    assert status_by_name(GAMBIR, " .,- ") == []


def test_by_name_returns_at_most_a_handful_best_first() -> None:
    for _ in range(8):
        make_person(make_household(GAMBIR), full_name="AHMAD YANI")
    make_person(make_household(GAMBIR), full_name="AHMAD YANTO")

    results = status_by_name(GAMBIR, "Ahmad Yani", limit=5)

    assert len(results) == 5
    assert {r.masked_name for r in results} == {"A***D Y**I"}
