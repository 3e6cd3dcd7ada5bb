"""Anti-bot check for the public lookup: ALTCHA proof-of-work, or an accessible text question.

* ALTCHA (https://altcha.org, MIT): the server issues an HMAC-signed challenge with a random secret counter;
  the browser widget (self-hosted, static/lookup/vendor/) finds the counter by brute force and posts the
  payload. Verification uses the signed derived key (fast path, no re-derivation). Nobody reads distorted
  text.
* Fallback for people without JavaScript or who cannot run the widget: a small sum in words ("What is three
  plus four?"), stateless (the answer's HMAC travels in a signed token) and screen-reader friendly.

Both are one-time: a verified challenge's signature (or question nonce) is kept in the cache until the
challenge expires, and a second use is refused. Keys are derived from SECRET_KEY unless
ALTCHA_HMAC_KEY is set.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import altcha
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from bansos.core.conf import setting
from bansos.core.errors import DomainError

ALGORITHM = "PBKDF2/SHA-256"
DEFAULT_COST = 1000  # PBKDF2 iterations per attempt
DEFAULT_MAX_COUNTER = 2000  # the secret counter is drawn from [0, max]: ~1,000 attempts on average
DEFAULT_EXPIRES = 300  # seconds
QUESTION_SALT = "bansos.lookup.question"
USED_PREFIX = "lookup:antibot:used:"
MAX_PAYLOAD_LENGTH = 4096  # a real payload is well under 1,000 characters

NUMBER_WORDS = {
    "id": ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh"],
    "en": ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
}
EXTRA_WORDS = {
    "sebelas": 11, "eleven": 11, "dua belas": 12, "twelve": 12, "tiga belas": 13, "thirteen": 13,
    "empat belas": 14, "fourteen": 14, "lima belas": 15, "fifteen": 15, "enam belas": 16, "sixteen": 16,
    "tujuh belas": 17, "seventeen": 17, "delapan belas": 18, "eighteen": 18,
}  # fmt: skip


class AntiBotError(DomainError):
    code = "antibot.invalid"
    status = 400


@dataclass(frozen=True)
class AntiBotAnswer:
    """What the client sent: an ALTCHA payload, or the question token and the typed answer."""

    altcha: str = ""
    question_token: str = ""
    question_answer: str = ""


@dataclass(frozen=True)
class Question:
    text: str
    token: str


def _secret(purpose: str) -> str:
    configured = getattr(settings, "ALTCHA_HMAC_KEY", "")
    base = configured or settings.SECRET_KEY
    return salted_hmac("bansos.lookup.antibot", purpose, secret=base, algorithm="sha256").hexdigest()


def _expires() -> int:
    return int(getattr(settings, "ALTCHA_EXPIRES", DEFAULT_EXPIRES))


def _mark_used(kind: str, ident: str, expires_at: float) -> None:
    """Remember a verified challenge until it expires; refuse it when it was already used."""
    key = USED_PREFIX + kind + ":" + hashlib.sha256(ident.encode()).hexdigest()
    timeout = max(1, int(expires_at - time.time()) + 1)
    if not cache.add(key, 1, timeout=timeout):
        raise AntiBotError(
            _("This anti-bot check was already used. Please complete a new check."), code="antibot.replayed"
        )


# --- ALTCHA -----------------------------------------------------------------------------------------------


def new_challenge() -> dict[str, object]:
    """A signed ALTCHA challenge (the JSON the widget fetches)."""
    max_counter = int(getattr(settings, "ALTCHA_MAX_COUNTER", DEFAULT_MAX_COUNTER))
    challenge = altcha.create_challenge(
        ALGORITHM,
        int(getattr(settings, "ALTCHA_COST", DEFAULT_COST)),
        counter=secrets.randbelow(max_counter + 1),
        expires_at=int(time.time()) + _expires(),
        hmac_secret=_secret("challenge"),
        hmac_key_secret=_secret("key"),
    )
    return challenge.to_dict()


def verify_altcha(payload: str) -> None:
    """Accept a solved, unexpired, unused challenge; raise AntiBotError otherwise."""
    try:
        parsed = altcha.Payload.from_base64(payload) if len(payload) <= MAX_PAYLOAD_LENGTH else None
    except (ValueError, KeyError, TypeError, AttributeError):
        parsed = None
    if parsed is None:
        raise AntiBotError(
            _("The anti-bot check was not completed. Please try again."), code="antibot.invalid"
        )
    result = altcha.verify_solution(parsed, _secret("challenge"), hmac_key_secret=_secret("key"))
    if result.expired:
        raise AntiBotError(
            _("The anti-bot check has expired. Please complete a new check."), code="antibot.expired"
        )
    if not result.verified:
        raise AntiBotError(_("The anti-bot check failed. Please try again."), code="antibot.invalid")
    expires_at = parsed.challenge.parameters.expires_at or (time.time() + _expires())
    _mark_used("altcha", str(parsed.challenge.signature), float(expires_at))


# --- accessible question ----------------------------------------------------------------------------------


def _words() -> list[str]:
    return NUMBER_WORDS["en" if (get_language() or "id").startswith("en") else "id"]


def _answer_digest(nonce: str, answer: int) -> str:
    return hmac.new(_secret("question").encode(), f"{nonce}:{answer}".encode(), hashlib.sha256).hexdigest()


def new_question() -> Question:
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    words = _words()
    nonce = secrets.token_hex(12)
    token = signing.dumps({"n": nonce, "d": _answer_digest(nonce, a + b)}, salt=QUESTION_SALT)
    text = _("What is %(a)s plus %(b)s? Type the answer as a number.") % {"a": words[a], "b": words[b]}
    return Question(text=text, token=token)


def _parse_answer(text: str) -> int | None:
    cleaned = " ".join(text.strip().lower().split())
    if cleaned.isdigit():
        return int(cleaned)
    for words in NUMBER_WORDS.values():
        if cleaned in words:
            return words.index(cleaned)
    return EXTRA_WORDS.get(cleaned)


def verify_question(token: str, answer: str) -> None:
    try:
        data = signing.loads(token, salt=QUESTION_SALT, max_age=_expires())
    except signing.SignatureExpired:
        raise AntiBotError(
            _("The question has expired. Please answer the new question."), code="antibot.expired"
        ) from None
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or "n" not in data or "d" not in data:
        raise AntiBotError(
            _("The anti-bot check was not completed. Please try again."), code="antibot.invalid"
        )
    value = _parse_answer(answer)
    if value is None or not hmac.compare_digest(_answer_digest(str(data["n"]), value), str(data["d"])):
        raise AntiBotError(
            _("The answer to the question is not right. Please answer the new question."),
            code="antibot.wrong",
        )
    _mark_used("question", str(data["n"]), time.time() + _expires())


BENCH_SETTINGS_MODULE = "config.settings.bench"


def bypass_active() -> bool:
    """True only under the benchmark settings, which accept a fixed token instead of a solved check."""
    return settings.SETTINGS_MODULE == BENCH_SETTINGS_MODULE and bool(
        setting("LOOKUP_ANTIBOT_BYPASS_TOKEN", "")
    )


def verify(answer: AntiBotAnswer) -> None:
    """Check whichever the client sent: the ALTCHA payload wins when both are present."""
    if answer.altcha and bypass_active() and answer.altcha == setting("LOOKUP_ANTIBOT_BYPASS_TOKEN", ""):
        return  # bench/lookup.py only (config.settings.bench); it says so in its output
    if answer.altcha:
        verify_altcha(answer.altcha)
    elif answer.question_token:
        verify_question(answer.question_token, answer.question_answer)
    else:
        raise AntiBotError(
            _("Please complete the anti-bot check (or answer the question) before searching."),
            code="antibot.missing",
        )
