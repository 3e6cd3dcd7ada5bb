"""The per-process catalogue (programs, periods, village paths, region lists), queries per check, and the
public reads going through ``public_read`` (the replica when one is configured)."""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bansos.core.dbrouting import in_public_read
from bansos.lookup import catalogue, selectors, services
from bansos.lookup.antibot import AntiBotAnswer
from bansos.lookup.tests.helpers import household_with_decile, solved_altcha
from bansos.lookup.tests.test_programs import enrol, period
from bansos.programs.models import Enrolment, Program
from bansos.registry.tests.factories import GAMBIR, make_person, new_nik

pytestmark = pytest.mark.django_db


@pytest.fixture
def cached_catalogue() -> Iterator[None]:
    catalogue.clear()
    with override_settings(LOOKUP_METADATA_CACHE_SECONDS=60):
        yield
    catalogue.clear()


def beneficiary() -> str:
    household = household_with_decile(1)
    nik = new_nik(GAMBIR)
    make_person(household, full_name="DEWI LESTARI", nik=nik)
    enrol(household.pk, period("PKH", 2026, 2), Enrolment.Status.ENROLLED, paid_on=datetime.date(2026, 5, 2))
    return nik


def test_a_warm_nik_check_is_one_query(cached_catalogue: None) -> None:
    nik = beneficiary()
    first = selectors.status_by_nik(nik)  # loads programs, periods and the village path
    with CaptureQueriesContext(connection) as queries:
        again = selectors.status_by_nik(nik)
    assert len(queries) == 1
    assert again == first
    assert again is not None and again.is_beneficiary
    assert again.region["village"].upper() == "GAMBIR"
    with CaptureQueriesContext(connection) as queries:
        assert selectors.status_by_nik(new_nik(GAMBIR)) is None
    assert len(queries) == 1


def test_a_warm_name_check_reads_candidates_then_results(cached_catalogue: None) -> None:
    beneficiary()
    selectors.status_by_name(GAMBIR, "Dewi Lestari")
    with CaptureQueriesContext(connection) as queries:
        found = selectors.status_by_name(GAMBIR, "dewi lestarri")
    assert [r.masked_name for r in found] == ["D**I L*****I"]
    assert len(queries) == 2  # the names starting like the query, then the matches with their enrolments


def test_catalogue_keeps_metadata_for_its_lifetime_then_reloads(cached_catalogue: None) -> None:
    nik = beneficiary()
    before = selectors.status_by_nik(nik)
    assert before is not None and "PKH" in [p.code for p in before.programs]
    Program.objects.filter(code="PKH").update(active=False)
    cached = selectors.status_by_nik(nik)
    assert cached is not None and "PKH" in [p.code for p in cached.programs]  # within the lifetime
    catalogue.clear()  # what the expiry does
    after = selectors.status_by_nik(nik)
    assert after is not None and "PKH" not in [p.code for p in after.programs]


def test_without_a_lifetime_every_check_reads_fresh_metadata() -> None:
    nik = beneficiary()
    assert "PKH" in [p.code for p in selectors.status_by_nik(nik).programs]  # type: ignore[union-attr]
    Program.objects.filter(code="PKH").update(active=False)
    assert "PKH" not in [p.code for p in selectors.status_by_nik(nik).programs]  # type: ignore[union-attr]


def test_village_exists_and_region_lists_come_from_the_catalogue(cached_catalogue: None) -> None:
    assert selectors.village_exists(GAMBIR)
    assert not selectors.village_exists("3171019999")
    assert not selectors.village_exists("31710")
    assert "31" in dict(catalogue.children(""))
    with CaptureQueriesContext(connection) as queries:
        assert selectors.village_exists(GAMBIR)
        assert "31" in dict(catalogue.children(""))
    assert len(queries) == 0


def test_public_checks_read_inside_public_read(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[bool] = []

    def spy(*args: object) -> list[object]:
        seen.append(in_public_read())
        return []

    monkeypatch.setattr(selectors, "status_by_nik_index", spy)
    monkeypatch.setattr(selectors, "status_by_name", spy)
    services.check_by_nik(
        nik=new_nik(GAMBIR), answer=AntiBotAnswer(altcha=solved_altcha()), client_ip="10.0.0.1"
    )
    services.check_by_name(
        village_code=GAMBIR,
        name="Dewi Lestari",
        answer=AntiBotAnswer(altcha=solved_altcha()),
        client_ip="10.0.0.1",
    )
    assert seen == [True, True]
    assert not in_public_read()


def test_region_entries_have_their_own_lifetime(cached_catalogue: None) -> None:
    with override_settings(LOOKUP_REGION_CACHE_SECONDS=0):
        selectors.village_exists(GAMBIR)
        with CaptureQueriesContext(connection) as queries:
            assert selectors.village_exists(GAMBIR)
        assert len(queries) == 1  # not kept
    selectors.village_exists(GAMBIR)
    with CaptureQueriesContext(connection) as queries:
        assert selectors.village_exists(GAMBIR)
    assert len(queries) == 0  # kept for the default hour


def test_preload_reads_every_village_path_at_once(cached_catalogue: None) -> None:
    from bansos.regions import selectors as region_selectors
    from bansos.regions.models import Village

    assert catalogue.preload() == Village.objects.count()
    with CaptureQueriesContext(connection) as queries:
        path = catalogue.village_path(GAMBIR)
        assert selectors.village_exists("1101012001")
    assert len(queries) == 0
    assert path is not None and path["village"].upper() == "GAMBIR"
    assert path == region_selectors.village_path(GAMBIR)
    with override_settings(LOOKUP_METADATA_CACHE_SECONDS=0):
        assert catalogue.preload() == 0  # nothing is kept when caching is off
