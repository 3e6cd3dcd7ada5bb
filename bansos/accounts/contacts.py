"""Phone numbers and e-mail addresses as citizens type them, normalised for storage and sign-in."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from bansos.core.errors import DomainError

_NOT_DIGITS = re.compile(r"[\s.\-()/]+")


def normalise_phone(value: str) -> str:
    """An Indonesian mobile number as 62… digits ("0812-3456-7890", "+62 812 3456 7890" -> "6281234567890");
    raises DomainError when it cannot be one."""
    digits = _NOT_DIGITS.sub("", value.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    if not (digits.isascii() and digits.isdigit() and digits.startswith("628") and 10 <= len(digits) <= 15):
        raise DomainError(_("Enter a mobile number such as 0812 3456 7890."), code="account.phone_invalid")
    return digits


def normalise_email(value: str) -> str:
    email = value.strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("Enter a valid e-mail address."), code="account.email_invalid") from exc
    local, _at, domain = email.rpartition("@")
    return f"{local}@{domain.lower()}"


def looks_like_email(identifier: str) -> bool:
    return "@" in identifier
