"""NIK and KK validation: every rule and error code, century and leap-year handling, cleaning, the builders,
and property-based round trips. Pure Python, no database."""

from __future__ import annotations

import contextlib
import datetime
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from bansos.core.errors import DomainError
from bansos.registry.identifiers import (
    IdentifierError,
    ParsedKk,
    ParsedNik,
    clean_identifier,
    is_valid_nik,
    kk_for,
    known_district_codes,
    nik_agrees,
    nik_for,
    parse_kk,
    parse_nik,
)


@pytest.fixture(autouse=True, scope="module")
def english_messages() -> Iterator[None]:
    """These tests read the English msgids; the Indonesian catalogue is checked in core/tests/test_i18n."""
    with translation.override("en"):
        yield


TODAY = datetime.date(2025, 3, 1)
GAMBIR = "317101"  # Kota Jakarta Pusat, Gambir
DISTRICT_CODES = sorted(known_district_codes())
SIXTEEN_ASCII_DIGITS = re.compile(r"[0-9]{16}", re.ASCII)

# Man born 17 May 1990 in Gambir, serial 0012; the same for a woman (day 17 + 40 = 57).
MAN = "3171011705900012"
WOMAN = "3171015705900012"

date = datetime.date


def nik_error(value: str, **kwargs: object) -> IdentifierError:
    kwargs.setdefault("today", TODAY)
    with pytest.raises(IdentifierError) as caught:
        parse_nik(value, **kwargs)  # type: ignore[arg-type]
    assert_no_leak(caught.value, value)
    return caught.value


def kk_error(value: str, **kwargs: object) -> IdentifierError:
    kwargs.setdefault("today", TODAY)
    with pytest.raises(IdentifierError) as caught:
        parse_kk(value, **kwargs)  # type: ignore[arg-type]
    assert_no_leak(caught.value, value)
    return caught.value


def assert_no_leak(error: IdentifierError, value: str) -> None:
    """Neither the message nor anything else the exception carries contains the identifier."""
    digits = clean_identifier(value)
    carried = [error.message, str(error), repr(error), repr(error.args), repr(error.params)]
    for text in carried:
        assert not re.search(r"[0-9]{6,}", text), text
        if len(digits) >= 6:
            assert digits not in text
    assert set(error.params) <= {"count"}


# --- valid NIKs -------------------------------------------------------------------------------------------


def test_valid_nik_of_a_man() -> None:
    parsed = parse_nik(MAN, today=TODAY)

    assert parsed == ParsedNik(
        nik=MAN, district_code=GAMBIR, birth_date=date(1990, 5, 17), sex="M", serial=12
    )
    assert (parsed.province_code, parsed.regency_code) == ("31", "3171")


def test_valid_nik_of_a_woman_has_day_plus_40() -> None:
    parsed = parse_nik(WOMAN, today=TODAY)

    assert parsed == ParsedNik(
        nik=WOMAN, district_code=GAMBIR, birth_date=date(1990, 5, 17), sex="F", serial=12
    )


@pytest.mark.parametrize(
    ("nik", "birth_date", "sex"),
    [
        ("3171010101900001", date(1990, 1, 1), "M"),
        ("3171013112899999", date(1989, 12, 31), "M"),
        ("3171014101900001", date(1990, 1, 1), "F"),
        ("3171017112890001", date(1989, 12, 31), "F"),
    ],
)
def test_day_range_edges(nik: str, birth_date: datetime.date, sex: str) -> None:
    parsed = parse_nik(nik, today=TODAY)

    assert (parsed.birth_date, parsed.sex) == (birth_date, sex)


def test_matching_sex_and_birth_date_are_accepted() -> None:
    parsed = parse_nik(WOMAN, sex="F", birth_date=date(1990, 5, 17), today=TODAY)

    assert (parsed.sex, parsed.birth_date) == ("F", date(1990, 5, 17))


def test_parsed_reprs_do_not_show_the_identifier_or_birth_date() -> None:
    parsed_nik = parse_nik(WOMAN, today=TODAY)
    parsed_kk = parse_kk("3171011501200001", today=TODAY)

    assert repr(parsed_nik) == "ParsedNik(district_code='317101', ...)"
    assert repr(parsed_kk) == "ParsedKk(district_code='317101', ...)"


def test_is_valid_nik() -> None:
    assert is_valid_nik(MAN) is True
    assert is_valid_nik("3171 0157 0590 0012") is True
    assert is_valid_nik("3171015705900000") is False
    assert is_valid_nik("12345") is False


def test_known_district_codes_come_from_the_bundled_csv() -> None:
    codes = known_district_codes()

    assert len(codes) == 7285
    assert GAMBIR in codes
    assert "110101" in codes
    assert all(len(code) == 6 and code.isascii() and code.isdigit() for code in codes)
    assert known_district_codes() is codes  # read once


def test_custom_district_codes() -> None:
    assert parse_nik("9999991705900012", today=TODAY, district_codes={"999999"}).district_code == "999999"
    assert nik_error(MAN, district_codes={"999999"}).code == "nik.area_unknown"
    assert parse_kk("9999991501200001", today=TODAY, district_codes={"999999"}).district_code == "999999"


# --- cleaning ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "3171 0157 0590 0012",
        "  3171015705900012\n",
        "3171.0157.0590.0012",
        "317101-570590-0012",
        "317101 - 570590 - 0012",
        "3171\u00a00157\t0590\u20130012",  # no-break space, tab, en dash (copy-paste)
    ],
)
def test_typed_separators_are_removed(typed: str) -> None:
    assert clean_identifier(typed) == WOMAN
    assert parse_nik(typed, today=TODAY).nik == WOMAN


def test_clean_identifier_keeps_other_characters() -> None:
    assert clean_identifier(" 31a7/10 ") == "31a7/10"


# --- nik.format -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "count", "message"),
    [
        ("317101570590001", 15, "The NIK must have 16 digits; 15 digits were given."),
        ("31710157059000123", 17, "The NIK must have 16 digits; 17 digits were given."),
        ("3", 1, "The NIK must have 16 digits; 1 digit was given."),
        (
            "",
            0,
            "Please enter the NIK: the 16-digit number on your KTP or family card (KK).",
        ),
        (
            "   ",
            0,
            "Please enter the NIK: the 16-digit number on your KTP or family card (KK).",
        ),
        (
            "317101570590001X",
            15,
            "The NIK may contain only the digits 0 to 9, 16 in total; 15 digits were given.",
        ),
        (
            "3171015705900012/",
            16,
            "The NIK may contain only the digits 0 to 9, 16 in total; 16 digits were given.",
        ),
        (
            "317101570590001\u0663",  # ARABIC-INDIC DIGIT THREE is a digit, but not ASCII
            15,
            "The NIK may contain only the digits 0 to 9, 16 in total; 15 digits were given.",
        ),
        (
            "\uff13\uff11\uff17\uff11\uff10\uff11\uff15\uff17\uff10\uff15\uff19\uff10\uff10\uff10\uff11\uff12",
            0,
            "The NIK may contain only the digits 0 to 9, 16 in total; 0 digits were given.",
        ),
    ],
)
def test_nik_format(value: str, count: int, message: str) -> None:
    error = nik_error(value)

    assert error.code == "nik.format"
    assert error.params == {"count": count}
    assert error.message == message


# --- nik.area_unknown -------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["0000001705900012", "3171991705900012", "3171001705900012"])
def test_nik_area_unknown(value: str) -> None:
    error = nik_error(value)

    assert error.code == "nik.area_unknown"
    assert error.message == (
        "The first 6 digits of the NIK are not a known district code. "
        "Please check the NIK against your KTP or family card (KK)."
    )


# --- nik.birth_date_invalid -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "date_part",
    [
        "000590",  # day 0
        "320590",  # day 32 (neither a man's day nor a woman's)
        "400590",  # day 40
        "720590",  # woman's day 32
        "990590",
        "170090",  # month 0
        "171390",  # month 13
        "310490",  # 31 April
        "710490",  # woman, 31 April
        "300290",  # 30 February
        "290223",  # 29 February 2023 / 1923: not leap years
        "690223",  # woman, same
    ],
)
def test_nik_birth_date_invalid(date_part: str) -> None:
    error = nik_error(f"{GAMBIR}{date_part}0012")

    assert error.code == "nik.birth_date_invalid"
    assert error.message == (
        "Digits 7 to 12 of the NIK do not form a valid birth date. "
        "Please check the NIK against your KTP or family card (KK)."
    )


@pytest.mark.parametrize(
    ("date_part", "birth_date"),
    [
        ("290224", date(2024, 2, 29)),
        ("690224", date(2024, 2, 29)),
        ("290200", date(2000, 2, 29)),  # 2000 is a leap year
        ("290296", date(1996, 2, 29)),
    ],
)
def test_leap_days(date_part: str, birth_date: datetime.date) -> None:
    assert parse_nik(f"{GAMBIR}{date_part}0012", today=TODAY).birth_date == birth_date


def test_leap_day_in_00_falls_back_to_2000_when_2100_is_not_leap() -> None:
    parsed = parse_nik(f"{GAMBIR}2902000012", today=date(2100, 3, 1))

    assert parsed.birth_date == date(2000, 2, 29)


def test_leap_day_in_00_before_it_happened_is_invalid_because_1900_was_not_leap() -> None:
    assert nik_error(f"{GAMBIR}2902000012", today=date(2000, 2, 28)).code == "nik.birth_date_invalid"


# --- century handling around today ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_part", "birth_date"),
    [
        ("010325", date(2025, 3, 1)),  # born today
        ("280225", date(2025, 2, 28)),  # yesterday
        ("020325", date(1925, 3, 2)),  # tomorrow in 2025 would be the future: a centenarian
        ("311225", date(1925, 12, 31)),
        ("010126", date(1926, 1, 1)),  # "26" has not happened yet this century
        ("010199", date(1999, 1, 1)),
        ("010100", date(2000, 1, 1)),
        ("311224", date(2024, 12, 31)),
    ],
)
def test_century_is_the_most_recent_date_not_after_today(date_part: str, birth_date: datetime.date) -> None:
    assert parse_nik(f"{GAMBIR}{date_part}0012", today=TODAY).birth_date == birth_date


def test_birth_date_never_resolves_into_the_future() -> None:
    nik = f"{GAMBIR}0203250012"

    assert parse_nik(nik, today=date(2025, 3, 1)).birth_date == date(1925, 3, 2)
    assert parse_nik(nik, today=date(2025, 3, 2)).birth_date == date(2025, 3, 2)


def test_today_defaults_to_the_real_date() -> None:
    today = datetime.date.today()
    nik = nik_for(district_code=GAMBIR, birth_date=today, sex="M", serial=1)

    assert parse_nik(nik).birth_date == today


def test_given_birth_date_settles_the_century() -> None:
    nik = f"{GAMBIR}0101250012"  # 1 January of a "25" year

    assert parse_nik(nik, today=TODAY).birth_date == date(2025, 1, 1)
    assert parse_nik(nik, birth_date=date(1925, 1, 1), today=TODAY).birth_date == date(1925, 1, 1)


# --- nik.serial_zero --------------------------------------------------------------------------------------


def test_nik_serial_zero() -> None:
    error = nik_error("3171015705900000")

    assert error.code == "nik.serial_zero"
    assert error.message == (
        "The last 4 digits of the NIK cannot be 0000. "
        "Please check the NIK against your KTP or family card (KK)."
    )


def test_nik_serial_bounds() -> None:
    assert parse_nik("3171015705900001", today=TODAY).serial == 1
    assert parse_nik("3171015705909999", today=TODAY).serial == 9999


# --- agreement with sex and birth date --------------------------------------------------------------------


@pytest.mark.parametrize(("nik", "sex"), [(MAN, "F"), (WOMAN, "M")])
def test_nik_sex_mismatch(nik: str, sex: str) -> None:
    error = nik_error(nik, sex=sex)

    assert error.code == "nik.sex_mismatch"
    assert error.message == "The NIK does not match the sex given. Please check both against your KTP."


@pytest.mark.parametrize(
    "birth_date",
    [
        date(1990, 5, 18),  # day
        date(1990, 6, 17),  # month
        date(1991, 5, 17),  # year
        date(1980, 5, 17),  # year % 100
        date(2090, 5, 17),  # agrees on day, month and "90" but lies in the future
    ],
)
def test_nik_birth_date_mismatch(birth_date: datetime.date) -> None:
    error = nik_error(WOMAN, birth_date=birth_date)

    assert error.code == "nik.birth_date_mismatch"
    assert error.message == (
        "The NIK does not match the date of birth given. Please check both against your KTP."
    )


def test_birth_date_in_another_century_agrees_on_day_month_and_two_digit_year() -> None:
    parsed = parse_nik(WOMAN, birth_date=date(1890, 5, 17), today=TODAY)

    assert parsed.birth_date == date(1890, 5, 17)


def test_invalid_sex_argument_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match='sex must be "M" or "F"'):
        parse_nik(MAN, sex="L", today=TODAY)


# --- check order ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kwargs", "code"),
    [
        ("00000099990000", {"sex": "F"}, "nik.format"),
        ("0000009913990000", {"sex": "F"}, "nik.area_unknown"),
        ("3171019913990000", {"sex": "F"}, "nik.birth_date_invalid"),
        ("3171011705900000", {"sex": "F"}, "nik.serial_zero"),
        ("3171011705900012", {"sex": "F", "birth_date": date(2000, 1, 1)}, "nik.sex_mismatch"),
        ("3171011705900012", {"sex": "M", "birth_date": date(2000, 1, 1)}, "nik.birth_date_mismatch"),
    ],
)
def test_nik_checks_run_in_order(value: str, kwargs: dict[str, object], code: str) -> None:
    assert nik_error(value, **kwargs).code == code


def test_errors_are_domain_errors_with_status_400() -> None:
    error = nik_error("1")

    assert isinstance(error, DomainError)
    assert error.status == 400
    assert error.args == ("nik.format",)


# --- KK ---------------------------------------------------------------------------------------------------


def test_valid_kk() -> None:
    parsed = parse_kk("3171 0115 0120 0001", today=TODAY)

    assert parsed == ParsedKk(
        kk="3171011501200001", district_code=GAMBIR, issued_on=date(2020, 1, 15), serial=1
    )
    assert (parsed.province_code, parsed.regency_code) == ("31", "3171")


@pytest.mark.parametrize(
    ("date_part", "issued_on"),
    [
        ("010325", date(2025, 3, 1)),  # issued today
        ("290224", date(2024, 2, 29)),
        ("311299", date(1999, 12, 31)),
        ("010126", date(1926, 1, 1)),  # most recent "26" year not after this year
    ],
)
def test_kk_issue_dates(date_part: str, issued_on: datetime.date) -> None:
    assert parse_kk(f"{GAMBIR}{date_part}0001", today=TODAY).issued_on == issued_on


@pytest.mark.parametrize(
    ("value", "count", "message"),
    [
        ("317101150120001", 15, "The family card (KK) number must have 16 digits; 15 digits were given."),
        ("", 0, "Please enter the family card (KK) number: the 16-digit number on your family card."),
        (
            "KK3171011501200001",
            16,
            "The family card (KK) number may contain only the digits 0 to 9, 16 in total; "
            "16 digits were given.",
        ),
    ],
)
def test_kk_format(value: str, count: int, message: str) -> None:
    error = kk_error(value)

    assert error.code == "kk.format"
    assert error.params == {"count": count}
    assert error.message == message


def test_kk_area_unknown() -> None:
    error = kk_error("9999991501200001")

    assert error.code == "kk.area_unknown"
    assert error.message == (
        "The first 6 digits of the family card (KK) number are not a known district code. "
        "Please check the number against your family card."
    )


@pytest.mark.parametrize(
    "date_part",
    [
        "000120",  # day 0
        "450120",  # no +40 in a KK
        "151320",  # month 13
        "290223",  # not a leap year
        "020325",  # tomorrow
        "311225",  # later this year
    ],
)
def test_kk_issue_date_invalid(date_part: str) -> None:
    error = kk_error(f"{GAMBIR}{date_part}0001")

    assert error.code == "kk.issue_date_invalid"
    assert error.message == (
        "Digits 7 to 12 of the family card (KK) number do not form a valid issue date. "
        "Please check the number against your family card."
    )


def test_kk_serial_zero() -> None:
    error = kk_error("3171011501200000")

    assert error.code == "kk.serial_zero"
    assert error.message == (
        "The last 4 digits of the family card (KK) number cannot be 0000. "
        "Please check the number against your family card."
    )


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("9999994513200000", "kk.area_unknown"),
        ("3171014513200000", "kk.issue_date_invalid"),
        ("3171011501200000", "kk.serial_zero"),
    ],
)
def test_kk_checks_run_in_order(value: str, code: str) -> None:
    assert kk_error(value).code == code


# --- builders ---------------------------------------------------------------------------------------------


def test_nik_for() -> None:
    assert nik_for(district_code=GAMBIR, birth_date=date(1990, 5, 17), sex="M", serial=12) == MAN
    assert nik_for(district_code=GAMBIR, birth_date=date(1990, 5, 17), sex="F", serial=12) == WOMAN
    assert (
        nik_for(district_code=GAMBIR, birth_date=date(2005, 1, 2), sex="F", serial=9999) == "3171014201059999"
    )


def test_kk_for() -> None:
    assert kk_for(district_code=GAMBIR, issued_on=date(2020, 1, 15), serial=1) == "3171011501200001"
    assert kk_for(district_code=GAMBIR, issued_on=date(2005, 3, 2), serial=42) == "3171010203050042"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"district_code": "31710"}, "district_code must be 6 ASCII digits"),
        ({"district_code": "31710a"}, "district_code must be 6 ASCII digits"),
        ({"sex": "P"}, 'sex must be "M" or "F"'),
        ({"serial": 0}, "serial must be between 1 and 9999"),
        ({"serial": 10000}, "serial must be between 1 and 9999"),
    ],
)
def test_nik_for_rejects_bad_parts(kwargs: dict[str, object], message: str) -> None:
    parts: dict[str, object] = {
        "district_code": GAMBIR,
        "birth_date": date(1990, 5, 17),
        "sex": "M",
        "serial": 1,
    }
    with pytest.raises(ValueError, match=re.escape(message)):
        nik_for(**(parts | kwargs))  # type: ignore[arg-type]


def test_kk_for_rejects_bad_parts() -> None:
    with pytest.raises(ValueError, match="serial must be between 1 and 9999"):
        kk_for(district_code=GAMBIR, issued_on=date(2020, 1, 15), serial=0)


# --- properties -------------------------------------------------------------------------------------------

district_codes = st.sampled_from(DISTRICT_CODES)
sexes = st.sampled_from(["M", "F"])
serials = st.integers(min_value=1, max_value=9999)


@settings(max_examples=200, deadline=None)
@given(
    district_code=district_codes,
    birth_date=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sex=sexes,
    serial=serials,
)
def test_nik_round_trip(district_code: str, birth_date: datetime.date, sex: str, serial: int) -> None:
    nik = nik_for(district_code=district_code, birth_date=birth_date, sex=sex, serial=serial)

    parsed = parse_nik(nik, sex=sex, birth_date=birth_date, today=TODAY)
    assert parsed == ParsedNik(
        nik=nik, district_code=district_code, birth_date=birth_date, sex=sex, serial=serial
    )

    alone = parse_nik(nik, today=TODAY)  # without a birth date only the century can differ
    assert (alone.district_code, alone.sex, alone.serial) == (district_code, sex, serial)
    assert (alone.birth_date.day, alone.birth_date.month) == (birth_date.day, birth_date.month)
    assert (alone.birth_date.year - birth_date.year) % 100 == 0
    assert TODAY - datetime.timedelta(days=366 * 100) < alone.birth_date <= TODAY


@settings(max_examples=200, deadline=None)
@given(
    district_code=district_codes,
    issued_on=st.dates(min_value=date(1926, 1, 1), max_value=TODAY),
    serial=serials,
)
def test_kk_round_trip(district_code: str, issued_on: datetime.date, serial: int) -> None:
    kk = kk_for(district_code=district_code, issued_on=issued_on, serial=serial)

    assert parse_kk(kk, today=TODAY) == ParsedKk(
        kk=kk, district_code=district_code, issued_on=issued_on, serial=serial
    )


def _not_sixteen_digits(value: str) -> bool:
    return not SIXTEEN_ASCII_DIGITS.fullmatch(clean_identifier(value))


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(
        st.text(),
        st.text(alphabet="0123456789", max_size=40),
        st.text(alphabet="0123456789 .-abc\u0663\uff11", max_size=24),
    ).filter(_not_sixteen_digits)
)
def test_anything_but_sixteen_digits_is_a_format_error(value: str) -> None:
    with pytest.raises(IdentifierError) as nik_caught:
        parse_nik(value, today=TODAY)
    with pytest.raises(IdentifierError) as kk_caught:
        parse_kk(value, today=TODAY)

    assert (nik_caught.value.code, kk_caught.value.code) == ("nik.format", "kk.format")
    assert nik_caught.value.params == {"count": len(re.findall(r"[0-9]", clean_identifier(value)))}
    assert is_valid_nik(value) is False


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(
        st.text(alphabet="0123456789", min_size=16, max_size=16),
        # mostly real district codes, so the later rules are reached too
        st.tuples(district_codes, st.text(alphabet="0123456789", min_size=10, max_size=10)).map("".join),
    ),
    today=st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31)),
    sex=st.none() | sexes,
    birth_date=st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2150, 12, 31)),
)
def test_any_sixteen_digits_parse_or_raise_identifier_error(
    value: str,
    today: datetime.date,
    sex: str | None,
    birth_date: datetime.date | None,
) -> None:
    try:
        parsed = parse_nik(value, sex=sex, birth_date=birth_date, today=today)
    except IdentifierError as error:
        assert error.code in {
            "nik.area_unknown",
            "nik.birth_date_invalid",
            "nik.serial_zero",
            "nik.sex_mismatch",
            "nik.birth_date_mismatch",
        }
        assert_no_leak(error, value)
    else:
        assert parsed.nik == value
        assert parsed.birth_date <= today
        assert (
            nik_for(
                district_code=parsed.district_code,
                birth_date=parsed.birth_date,
                sex=parsed.sex,
                serial=parsed.serial,
            )
            == value
        )

    try:
        parse_kk(value, today=today)
    except IdentifierError as error:
        assert error.code in {"kk.area_unknown", "kk.issue_date_invalid", "kk.serial_zero"}
        assert_no_leak(error, value)


DISTRICTS_FOR_AGREEMENT = frozenset({"317101", "110101"})


@settings(max_examples=400, deadline=None)
@given(
    district=st.sampled_from(["317101", "110101", "999999"]),
    day_code=st.integers(0, 75),
    month=st.integers(0, 13),
    year2=st.integers(0, 99),
    serial=st.integers(0, 3),
    sex=st.sampled_from(["M", "F", "X"]),
    birth_date=st.dates(datetime.date(1800, 1, 1), datetime.date(2030, 12, 31)),
    today=st.dates(datetime.date(1999, 1, 1), datetime.date(2120, 12, 31)),
    shift=st.booleans(),
)
def test_nik_agrees_only_when_parse_nik_succeeds_with_that_nik_and_birth_date(
    district: str,
    day_code: int,
    month: int,
    year2: int,
    serial: int,
    sex: str,
    birth_date: datetime.date,
    today: datetime.date,
    shift: bool,
) -> None:
    if shift:  # often a birth date that matches the digits, so agreement is actually reached
        day = day_code - 40 if sex == "F" else day_code
        with contextlib.suppress(ValueError):
            birth_date = birth_date.replace(
                month=month, day=day, year=birth_date.year - birth_date.year % 100 + year2
            )
    nik = f"{district}{day_code:02d}{month:02d}{year2:02d}{serial:04d}"
    options: dict[str, Any] = {"today": today, "district_codes": DISTRICTS_FOR_AGREEMENT}
    if not nik_agrees(nik, sex=sex, birth_date=birth_date, **options):
        return
    parsed = parse_nik(nik, sex=sex, birth_date=birth_date, **options)
    assert (parsed.nik, parsed.birth_date) == (nik, birth_date)


def test_nik_agrees_with_the_usual_nik_and_says_no_to_the_rest() -> None:
    today = datetime.date(2026, 11, 23)
    options: dict[str, Any] = {"today": today, "district_codes": DISTRICTS_FOR_AGREEMENT}
    born = datetime.date(1985, 6, 15)
    assert nik_agrees("3171011506850001", sex="M", birth_date=born, **options)
    assert nik_agrees("3171015506850001", sex="F", birth_date=born, **options)
    assert nik_agrees("3171012902000001", sex="M", birth_date=datetime.date(2000, 2, 29), **options)
    assert nik_agrees("3171011506250001", sex="M", birth_date=datetime.date(1925, 6, 15), **options)
    for nik, sex, birth_date in [
        ("3171 0115 0685 0001", "M", born),  # needs cleaning: the full parse decides
        ("3171011506850001", "F", born),
        ("3171015506850001", "M", born),
        ("3171011506850000", "M", born),
        ("9999991506850001", "M", born),
        ("3171011506850001", "M", datetime.date(1785, 6, 15)),  # two centuries back
        ("3171011506850001", "M", datetime.date(1985, 6, 16)),
        ("3171011512260001", "M", datetime.date(2026, 12, 15)),  # after today
    ]:
        assert not nik_agrees(nik, sex=sex, birth_date=birth_date, **options)
