from __future__ import annotations

import csv
import io

import pytest
from django.core.cache import cache
from django.test import Client

from bansos.programs.models import Enrolment, Period
from bansos.registry.tests.factories import make_household
from bansos.stats.suppression import Cell, suppress

pytestmark = pytest.mark.django_db
GAMBIR_DISTRICT_VILLAGES = ["3171011001", "3171011002"]  # Gambir, Cideng (district 317101, regency 3171)
TANAH_ABANG_VILLAGE = "3171021001"  # another district of Jakarta Pusat
ACEH_VILLAGE = "1101012001"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def web() -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


def cells(*counts: int) -> list[Cell]:
    return [Cell(f"{i:02d}", f"R{i}", n, n * 1000) for i, n in enumerate(counts)]


def hidden(result: list[Cell]) -> list[int]:
    return [c.households for c in result if c.suppressed]


def test_primary_suppression_hides_small_cells_but_not_zero():
    assert hidden(suppress(cells(50, 3, 0, 7, 40), 10)) == [3, 7]
    assert hidden(suppress(cells(50, 0, 40), 10)) == []


def test_secondary_suppression_when_one_cell_could_be_derived_from_the_total():
    # only one small cell: the next smallest is hidden too, so total - visible is shared by two cells
    assert hidden(suppress(cells(50, 3, 12, 40), 10)) == [3, 12]
    # two small cells that together hold fewer than k (1 + 1: each would be known to be 1)
    assert hidden(suppress(cells(50, 1, 1, 30), 10)) == [1, 1, 30]
    # nothing else to hide: every non-zero cell is already hidden
    assert hidden(suppress(cells(4, 0), 10)) == [4]


def test_suppressed_cells_cannot_be_derived_from_the_published_total():
    table = suppress(cells(120, 4, 15, 33, 9, 0), 10)
    total = sum(c.households for c in table)
    gap = total - sum(c.households for c in table if not c.suppressed)
    assert len(hidden(table)) >= 2 and gap >= 10


def enrol(period: Period, village: str, n: int, amount: int = 600_000) -> None:
    households = [make_household(village) for _ in range(n)]
    Enrolment.objects.bulk_create(
        [
            Enrolment(period=period, program=period.program, household=h, status="enrolled", amount=amount)
            for h in households
        ]
    )


@pytest.fixture
def bpnt() -> Period:
    period = (
        Period.objects.select_related("program").filter(program__code="BPNT").order_by("year", "stage")[0]
    )
    enrol(period, GAMBIR_DISTRICT_VILLAGES[0], 12)
    enrol(period, GAMBIR_DISTRICT_VILLAGES[1], 3)
    enrol(period, TANAH_ABANG_VILLAGE, 4)
    enrol(period, ACEH_VILLAGE, 25)
    Enrolment.objects.create(
        period=period, program=period.program, household=make_household(ACEH_VILLAGE), status="excluded"
    )
    return period


def test_statistics_drill_down_with_suppression(bpnt):
    overview = web().get("/statistik/")
    assert overview.status_code == 200
    page = overview.content.decode()
    assert f'href="?period={bpnt.pk}"' in page and "44" in page
    country = web().get("/statistik/", {"period": bpnt.pk}).content.decode()
    assert "<svg" in country and 'role="img"' in country
    assert 'id="total-households">44<' in country
    assert f'href="?period={bpnt.pk}&amp;region=31"' in country  # drill into a province
    province = web().get("/statistik/", {"period": bpnt.pk, "region": "31"}).content.decode()
    assert 'id="total-households">19<' in province
    regency = web().get("/statistik/", {"period": bpnt.pk, "region": "3171"}).content.decode()
    # districts: Gambir 15 (shown), Tanah Abang 4 (hidden) -> Gambir hidden too (secondary), else 19 - 15 = 4
    assert "&lt;10" in regency and ">15<" not in regency and ">4<" not in regency
    assert "region=317101" not in regency  # districts are the last level


def test_csv_is_open_data_with_a_licence_and_the_same_suppression(bpnt):
    response = web().get("/statistik/data.csv", {"period": bpnt.pk, "region": "3171"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0].startswith("# Licence: Creative Commons Attribution 4.0")
    assert rows[1] == [
        "program",
        "period",
        "period_label",
        "region_code",
        "region_name",
        "level",
        "households",
        "amount_rp",
    ]
    by_code = {r[3]: r for r in rows[2:]}
    assert by_code["317101"][6] == "<10" and by_code["317101"][7] == ""
    assert by_code["317102"][6] == "<10"
    assert all(r[6] in ("0", "<10") for r in rows[2:])
    overall = list(csv.reader(io.StringIO(web().get("/statistik/data.csv").content.decode())))
    assert ["BPNT", bpnt.code, bpnt.label, "", "Indonesia", "country", "44", str(44 * 600_000)] in overall


def test_figures_are_cached_and_refresh_after_an_enrolment_change(bpnt, django_assert_max_num_queries):
    web().get("/statistik/", {"period": bpnt.pk, "region": "31"})
    with django_assert_max_num_queries(8):  # version checks, the period, no aggregation
        web().get("/statistik/", {"period": bpnt.pk, "region": "31"})
    Period.objects.filter(pk=bpnt.pk).update(updated_at=bpnt.updated_at.replace(year=2030))
    enrol(bpnt, ACEH_VILLAGE, 1)
    page = web().get("/statistik/", {"period": bpnt.pk}).content.decode()
    assert 'id="total-households">45<' in page


def test_min_cell_is_a_setting(bpnt, settings):
    settings.STATS_MIN_CELL = 3
    page = web().get("/statistik/", {"period": bpnt.pk, "region": "3171"}).content.decode()
    assert ">15<" in page and ">4<" in page


@pytest.mark.parametrize(
    "query",
    [{"region": "99"}, {"region": "31x"}, {"period": "abc"}, {"period": "999999"}, {"region": "317101"}],
)
def test_bad_input_gets_a_clear_message(query):
    response = web().get("/statistik/", query)
    assert response.status_code == 400
    assert "Unknown" in response.content.decode()
    assert web().get("/statistik/data.csv", query).status_code == 400
