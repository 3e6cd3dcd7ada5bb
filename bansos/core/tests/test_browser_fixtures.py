"""The browser test infrastructure itself: phone-sized Indonesian page, live server with the regions,
static files served compressed, and regions still there for the tests that follow a flush."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from bansos.regions.models import Village

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("run", [1, 2])
def test_page_is_a_phone_in_indonesian_and_the_server_sees_the_regions(
    page: Page, site: str, run: int
) -> None:
    """Run twice: the second run starts after the first one's flush and still has every village."""
    assert Village.objects.count() == 83_762
    page.goto(site + "/cek/?mode=name")
    assert page.viewport_size == {"width": 360, "height": 740}
    assert page.evaluate("navigator.language") == "id-ID"
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("#province option").count() == 39  # 38 provinces and the "choose" option


def test_static_files_are_served_compressed(page: Page, site: str) -> None:
    response = page.request.get(site + "/static/lookup/lookup.js", headers={"Accept-Encoding": "gzip"})
    assert response.ok
    assert response.headers.get("content-encoding") == "gzip"


@pytest.mark.django_db(transaction=True)
def test_regions_are_back_for_a_test_after_the_browser_tests() -> None:
    assert Village.objects.count() == 83_762
