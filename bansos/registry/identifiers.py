"""Validation of the two Indonesian civil-registry identifiers: NIK (person) and KK (family card).

Both are 16 ASCII digits::

    NIK  PP RR DD  dd mm yy  ssss      KK  PP RR DD  dd mm yy  ssss
         district  birth     serial        district  issue     serial

* ``PPRRDD`` (digits 1-6): the Kemendagri district (kecamatan) code: province (2), regency/city (2),
  district (2). For a NIK it is where the number was first issued, for a KK the issuing district. Valid
  codes are the 7,285 districts in ``bansos/regions/data/districts.csv``.
* ``ddmmyy`` (digits 7-12): for a NIK the birth date, with 40 added to the day for women (a woman born on
  the 5th has ``45``); for a KK the issue date.
* ``ssss`` (digits 13-16): a serial number from ``0001``; ``0000`` never occurs.

The two-digit year has no century. A NIK birth date resolves to the most recent real date with that day,
month and two-digit year that is not after ``today``, so a NIK never decodes to a future birth date and
people over a hundred still validate (as a person a hundred years younger; pass ``birth_date`` to settle
it). A KK issue date uses the most recent year not after this year and must not be in the future.

Errors are :class:`IdentifierError` with a stable ``code`` (``nik.format``, ``kk.area_unknown``, ...) and
a message for the citizen. Neither the message nor the exception ever contains the identifier itself.
"""

from __future__ import annotations

import csv
import datetime
import functools
import re
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from bansos.core.errors import DomainError

LENGTH = 16
DISTRICTS_CSV = Path(__file__).resolve().parent.parent / "regions" / "data" / "districts.csv"
FEMALE_DAY_OFFSET = 40
SEXES = ("M", "F")
MAX_SERIAL = 9999

# Whitespace (including no-break spaces from copy-paste), dots, and the hyphen/dash characters people type
# or paste between digit groups: "3171 0112 3456 0001", "3171.011234.560001", "317101-123456-0001".
_SEPARATORS = re.compile(r"[\s.\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_DISTRICT_CODE = re.compile(r"[0-9]{6}", re.ASCII)


class IdentifierError(DomainError):
    """A NIK or KK number that cannot be right. ``code`` says which rule failed."""

    code = "identifier.invalid"


@dataclass(frozen=True, repr=False)
class ParsedNik:
    nik: str
    district_code: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    serial: int

    @property
    def province_code(self) -> str:
        return self.district_code[:2]

    @property
    def regency_code(self) -> str:
        return self.district_code[:4]

    def __repr__(self) -> str:  # masked: reprs end up in logs and tracebacks
        return f"ParsedNik(district_code={self.district_code!r}, ...)"


@dataclass(frozen=True, repr=False)
class ParsedKk:
    kk: str
    district_code: str
    issued_on: datetime.date
    serial: int

    @property
    def province_code(self) -> str:
        return self.district_code[:2]

    @property
    def regency_code(self) -> str:
        return self.district_code[:4]

    def __repr__(self) -> str:  # masked: reprs end up in logs and tracebacks
        return f"ParsedKk(district_code={self.district_code!r}, ...)"


# --- public API -------------------------------------------------------------------------------------------


def clean_identifier(value: str) -> str:
    """Remove surrounding whitespace and the spaces, dots and dashes people put between digit groups."""
    return _SEPARATORS.sub("", value.strip())


@functools.lru_cache(maxsize=1)
def known_district_codes() -> frozenset[str]:
    """The 6-digit Kemendagri district codes bundled with the app (read once per process)."""
    with DISTRICTS_CSV.open(newline="", encoding="utf-8") as handle:
        return frozenset(row["code"] for row in csv.DictReader(handle))


def parse_nik(
    value: str,
    *,
    sex: str | None = None,
    birth_date: datetime.date | None = None,
    today: datetime.date | None = None,
    district_codes: Container[str] | None = None,
) -> ParsedNik:
    """Validate a NIK and split it into its parts; raise :class:`IdentifierError` on the first broken rule.

    Checks, in order: 16 digits, known district, real birth date, serial not 0000, then agreement with
    ``sex`` ("M"/"F") and ``birth_date`` when given. A given ``birth_date`` agrees when day, month and
    two-digit year match; it is then returned as the birth date (it settles the century).
    """
    if sex is not None:
        _check_sex(sex)
    today = today or datetime.date.today()
    nik = _check_format(value, kind="nik")
    district_code = _check_area(nik, kind="nik", district_codes=district_codes)
    day_code, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    nik_sex = "F" if day_code > FEMALE_DAY_OFFSET else "M"
    day = day_code - FEMALE_DAY_OFFSET if nik_sex == "F" else day_code
    resolved = _resolve_birth_date(day, month, year2, today=today)
    if resolved is None:
        raise IdentifierError(
            _(
                "Digits 7 to 12 of the NIK do not form a valid birth date. "
                "Please check the NIK against your KTP or family card (KK)."
            ),
            code="nik.birth_date_invalid",
        )
    serial = _check_serial(nik, kind="nik")
    if sex is not None and sex != nik_sex:
        raise IdentifierError(
            _("The NIK does not match the sex given. Please check both against your KTP."),
            code="nik.sex_mismatch",
        )
    if birth_date is not None:
        resolved = _agreeing_birth_date(resolved, birth_date, today=today)
    return ParsedNik(nik=nik, district_code=district_code, birth_date=resolved, sex=nik_sex, serial=serial)


def nik_agrees(
    value: str,
    *,
    sex: str,
    birth_date: datetime.date,
    today: datetime.date,
    district_codes: Container[str],
) -> bool:
    """A quick yes for the usual NIK: True only when ``value`` is exactly 16 ASCII digits and
    ``parse_nik(value, sex=sex, birth_date=birth_date, today=today, district_codes=district_codes)``
    succeeds, returning that NIK and ``birth_date``. False says nothing: ask :func:`parse_nik`.

    For the bulk import, where the full parse (with its error messages) would be the slowest step of a
    row. The birth date must fall in the latest year not after ``today`` that has the NIK's two-digit year
    or the one a century before: those are the years :func:`parse_nik` resolves to."""
    if len(value) != LENGTH or not value.isascii() or not value.isdigit():
        return False
    if value[:6] not in district_codes or value[12:] == "0000" or birth_date > today:
        return False
    day = int(value[6:8])
    if sex == "F":
        day -= FEMALE_DAY_OFFSET
    elif sex != "M" or day > FEMALE_DAY_OFFSET:
        return False
    year2 = int(value[10:12])
    if (birth_date.day, birth_date.month, birth_date.year % 100) != (day, int(value[8:10]), year2):
        return False
    return birth_date.year >= _latest_year(year2, today) - 100


def parse_kk(
    value: str,
    *,
    today: datetime.date | None = None,
    district_codes: Container[str] | None = None,
) -> ParsedKk:
    """Validate a KK number and split it into its parts; raise :class:`IdentifierError` if it is wrong.

    Checks, in order: 16 digits, known district, real issue date not in the future, serial not 0000.
    """
    today = today or datetime.date.today()
    kk = _check_format(value, kind="kk")
    district_code = _check_area(kk, kind="kk", district_codes=district_codes)
    issued_on = _resolve_issue_date(int(kk[6:8]), int(kk[8:10]), int(kk[10:12]), today=today)
    if issued_on is None:
        raise IdentifierError(
            _(
                "Digits 7 to 12 of the family card (KK) number do not form a valid issue date. "
                "Please check the number against your family card."
            ),
            code="kk.issue_date_invalid",
        )
    serial = _check_serial(kk, kind="kk")
    return ParsedKk(kk=kk, district_code=district_code, issued_on=issued_on, serial=serial)


def is_valid_nik(value: str) -> bool:
    """True when ``parse_nik(value)`` succeeds (with today's date and the bundled district codes)."""
    try:
        parse_nik(value)
    except IdentifierError:
        return False
    return True


def nik_for(*, district_code: str, birth_date: datetime.date, sex: str, serial: int) -> str:
    """Build the NIK for these parts (the inverse of :func:`parse_nik`). Raises ValueError on bad parts."""
    _check_district_code_shape(district_code)
    _check_sex(sex)
    _check_serial_range(serial)
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == "F" else 0)
    return f"{district_code}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def kk_for(*, district_code: str, issued_on: datetime.date, serial: int) -> str:
    """Build the KK number for these parts (inverse of :func:`parse_kk`). Raises ValueError on bad parts."""
    _check_district_code_shape(district_code)
    _check_serial_range(serial)
    return f"{district_code}{issued_on.day:02d}{issued_on.month:02d}{issued_on.year % 100:02d}{serial:04d}"


# --- the individual rules ---------------------------------------------------------------------------------


def _check_format(value: str, *, kind: str) -> str:
    if len(value) == LENGTH and value.isascii() and value.isdigit():  # the usual case: nothing to clean
        return value
    cleaned = clean_identifier(value)
    digit_count = sum(len(run) for run in _ASCII_DIGITS.findall(cleaned))
    if _ASCII_DIGITS.fullmatch(cleaned) and len(cleaned) == LENGTH:
        return cleaned
    raise IdentifierError(
        _format_message(kind, cleaned, digit_count), code=f"{kind}.format", count=digit_count
    )


def _format_message(kind: str, cleaned: str, digit_count: int) -> str | Promise:
    if kind == "nik":
        if not cleaned:
            return _("Please enter the NIK: the 16-digit number on your KTP or family card (KK).")
        if digit_count != len(cleaned):
            return ngettext_lazy(
                "The NIK may contain only the digits 0 to 9, 16 in total; %(count)s digit was given.",
                "The NIK may contain only the digits 0 to 9, 16 in total; %(count)s digits were given.",
                digit_count,
            )
        return ngettext_lazy(
            "The NIK must have 16 digits; %(count)s digit was given.",
            "The NIK must have 16 digits; %(count)s digits were given.",
            digit_count,
        )
    if not cleaned:
        return _("Please enter the family card (KK) number: the 16-digit number on your family card.")
    if digit_count != len(cleaned):
        return ngettext_lazy(
            "The family card (KK) number may contain only the digits 0 to 9, 16 in total; "
            "%(count)s digit was given.",
            "The family card (KK) number may contain only the digits 0 to 9, 16 in total; "
            "%(count)s digits were given.",
            digit_count,
        )
    return ngettext_lazy(
        "The family card (KK) number must have 16 digits; %(count)s digit was given.",
        "The family card (KK) number must have 16 digits; %(count)s digits were given.",
        digit_count,
    )


def _check_area(value: str, *, kind: str, district_codes: Container[str] | None) -> str:
    codes = known_district_codes() if district_codes is None else district_codes
    district_code = value[:6]
    if district_code in codes:
        return district_code
    if kind == "nik":
        message = _(
            "The first 6 digits of the NIK are not a known district code. "
            "Please check the NIK against your KTP or family card (KK)."
        )
    else:
        message = _(
            "The first 6 digits of the family card (KK) number are not a known district code. "
            "Please check the number against your family card."
        )
    raise IdentifierError(message, code=f"{kind}.area_unknown")


def _check_serial(value: str, *, kind: str) -> int:
    serial = int(value[12:])
    if serial:
        return serial
    if kind == "nik":
        message = _(
            "The last 4 digits of the NIK cannot be 0000. Please check the NIK against your KTP or "
            "family card (KK)."
        )
    else:
        message = _(
            "The last 4 digits of the family card (KK) number cannot be 0000. "
            "Please check the number against your family card."
        )
    raise IdentifierError(message, code=f"{kind}.serial_zero")


def _agreeing_birth_date(
    resolved: datetime.date, birth_date: datetime.date, *, today: datetime.date
) -> datetime.date:
    """The given birth date when it agrees with the NIK's day, month and two-digit year, else an error.

    Comparing the full date when both fall in the same century is the same as comparing day, month and
    year % 100, so that is the comparison made; a given birth date in the future never agrees."""
    same = (birth_date.day, birth_date.month, birth_date.year % 100) == (
        resolved.day,
        resolved.month,
        resolved.year % 100,
    )
    if same and birth_date <= today:
        return birth_date
    raise IdentifierError(
        _("The NIK does not match the date of birth given. Please check both against your KTP."),
        code="nik.birth_date_mismatch",
    )


# --- dates ------------------------------------------------------------------------------------------------


def _latest_year(year2: int, today: datetime.date) -> int:
    """The most recent year not after ``today``'s year that ends in these two digits."""
    return today.year - (today.year - year2) % 100


def _real_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _resolve_birth_date(day: int, month: int, year2: int, *, today: datetime.date) -> datetime.date | None:
    """The most recent real date with this day, month and two-digit year that is not after ``today``.

    Looks back at most one century further (a person over 100), so 29 February in a "00" year is tried
    in both 2000 and 1900."""
    latest = _latest_year(year2, today)
    for year in (latest, latest - 100):
        candidate = _real_date(year, month, day) if year >= datetime.MINYEAR else None
        if candidate is not None and candidate <= today:
            return candidate
    return None


def _resolve_issue_date(day: int, month: int, year2: int, *, today: datetime.date) -> datetime.date | None:
    """The real date in the most recent year ending in these two digits; None if unreal or in the future."""
    candidate = _real_date(_latest_year(year2, today), month, day)
    return candidate if candidate is not None and candidate <= today else None


# --- argument checks for the builders (programming errors, not user input) -------------------------------


def _check_district_code_shape(district_code: str) -> None:
    if not _DISTRICT_CODE.fullmatch(district_code):
        raise ValueError("district_code must be 6 ASCII digits")


def _check_sex(sex: str) -> None:
    if sex not in SEXES:
        raise ValueError('sex must be "M" or "F"')


def _check_serial_range(serial: int) -> None:
    if not 1 <= serial <= MAX_SERIAL:
        raise ValueError(f"serial must be between 1 and {MAX_SERIAL}")
