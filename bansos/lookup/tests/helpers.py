"""Test data for the lookup tests: households with a decile, people, and a stub of program statuses."""

from __future__ import annotations

from bansos.registry.models import Household
from bansos.registry.tests.factories import GAMBIR, make_household


def household_with_decile(decile: int | None, village_code: str = GAMBIR) -> Household:
    household = make_household(village_code)
    Household.objects.filter(pk=household.pk).update(decile=decile)
    household.refresh_from_db()
    return household


def solved_altcha() -> str:
    """A freshly issued challenge, solved the way the browser widget does."""
    import altcha

    from bansos.lookup import antibot

    challenge = altcha.Challenge.from_dict(antibot.new_challenge())
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def answered_question() -> tuple[str, str]:
    """(token, correct answer) for a fresh accessible question."""
    import re

    from bansos.lookup import antibot

    question = antibot.new_question()
    words = antibot.NUMBER_WORDS["id"] + antibot.NUMBER_WORDS["en"]
    found = [w for w in re.findall(r"[a-z]+", str(question.text).lower()) if w in words]
    a, b = (words.index(w) % 11 for w in found[:2])
    return question.token, str(a + b)
