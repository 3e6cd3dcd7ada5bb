"""Test data for the lookup tests: households with a decile, people, and a stub of program statuses."""

from __future__ import annotations

from bansos.registry.models import Household
from bansos.registry.tests.factories import GAMBIR, make_household


def household_with_decile(decile: int | None, village_code: str = GAMBIR) -> Household:
    household = make_household(village_code)
    Household.objects.filter(pk=household.pk).update(decile=decile)
    household.refresh_from_db()
    return household
