"""The guarded public check, shared by the pages and the API: rate limit by client address, validate the
input, verify the anti-bot answer, rate limit by NIK, then read. Raises DomainError subclasses (coded, with
a message in the user's language); never logs or returns the NIK or an unmasked name."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from bansos.core import crypto
from bansos.core.dbrouting import public_read
from bansos.core.errors import DomainError
from bansos.lookup import antibot, ratelimit, selectors
from bansos.lookup.selectors import LookupResult
from bansos.registry.identifiers import parse_nik
from bansos.registry.names import name_key

MAX_NAME_LENGTH = 150
MIN_NAME_LETTERS = 2  # "Ai", "Ii": Sundanese full names of two letters exist


class LookupInputError(DomainError):
    code = "lookup.invalid"
    status = 400


def check_by_nik(*, nik: str, answer: antibot.AntiBotAnswer, client_ip: str) -> LookupResult | None:
    try:
        parsed = parse_nik(nik)  # IdentifierError (code nik.*) with a clear message
        antibot.verify(answer)
    except DomainError:
        ratelimit.check_ip(client_ip)  # refused requests count too (and a flooding client is told to wait)
        raise
    # Both counters in one cache round trip (the client address, then the NIK asked about), with the read
    # made while it is in flight; its answer is only returned when neither is past its limit.
    index = crypto.blind_index(parsed.nik)  # the NIK's only form past this point: counted and read by it
    with public_read():
        return ratelimit.read_for_ip_and_nik(client_ip, index, lambda: selectors.status_by_nik_index(index))


def check_by_name(
    *, village_code: str, name: str, answer: antibot.AntiBotAnswer, client_ip: str
) -> list[LookupResult]:
    ratelimit.check_ip(client_ip)
    village_code = village_code.strip()
    if not selectors.village_exists(village_code):
        raise LookupInputError(
            _("Please choose the province, regency, district and village."), code="lookup.village_required"
        )
    if len(name) > MAX_NAME_LENGTH or len(name_key(name).replace(" ", "")) < MIN_NAME_LETTERS:
        raise LookupInputError(
            _("Please enter the full name as written on the KTP (at least 2 letters)."),
            code="lookup.name_required",
        )
    antibot.verify(answer)
    with public_read():
        return selectors.status_by_name(village_code, name)
