from typing import Any

import pytest

from bansos.core.audit import SystemActor
from bansos.core.models import AuditEvent
from bansos.regions.loader import regions_load
from bansos.regions.models import District, Province, Regency, Village
from bansos.regions.selectors import children, region_exists, village_path

pytestmark = pytest.mark.django_db


def test_all_official_regions_are_loaded() -> None:
    assert Province.objects.count() == 38
    assert Regency.objects.count() == 514
    assert District.objects.count() == 7285
    assert Village.objects.count() == 83762


def test_loading_again_changes_nothing_and_is_audited() -> None:
    before = list(Village.objects.order_by("code").values_list("code", "name", "district_id")[:2000])
    result = regions_load(actor=SystemActor("test"))
    assert (result.provinces, result.regencies, result.districts, result.villages) == (38, 514, 7285, 83762)
    assert Village.objects.count() == 83762
    assert list(Village.objects.order_by("code").values_list("code", "name", "district_id")[:2000]) == before
    event = AuditEvent.objects.get(event_type="regions.loaded")
    assert event.details["villages"] == 83762
    assert event.actor_label == "test"


def test_children_of_each_level_in_one_query(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        provinces = children("")
    assert len(provinces) == 38
    assert provinces[0] == ("11", "Aceh")
    with django_assert_num_queries(1):
        regencies = children("11")
    assert regencies[0] == ("1101", "Kabupaten Aceh Selatan")
    with django_assert_num_queries(1):
        districts = children("1101")
    assert districts[0] == ("110101", "Bakongan")
    with django_assert_num_queries(1):
        villages = children("110101")
    assert villages[0] == ("1101012001", "Keude Bakongan")


def test_children_of_unknown_or_malformed_codes_are_empty() -> None:
    assert children("99") == []
    assert children("1") == []
    assert children("1101012001") == []
    assert children("ab") == []


def test_region_exists_and_village_path() -> None:
    assert region_exists("3171")
    assert not region_exists("3199")
    assert not region_exists("31x1")
    path = village_path("1101012001")
    assert path == {
        "village": "Keude Bakongan",
        "district": "Bakongan",
        "regency": "Kabupaten Aceh Selatan",
        "province": "Aceh",
    }
    assert village_path("0000000000") is None


def test_village_kind_from_code() -> None:
    assert not Village.objects.get(code="1101012001").is_kelurahan
    kelurahan = Village.objects.filter(code__regex=r"^\d{6}1").first()
    assert kelurahan is not None and kelurahan.is_kelurahan
