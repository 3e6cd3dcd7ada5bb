import gzip
import logging
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from bansos.lookup.tests.helpers import household_with_decile, solved_altcha
from bansos.registry.tests.factories import GAMBIR, make_person, new_nik

pytestmark = pytest.mark.django_db
BUDGET = 100 * 1024


@pytest.mark.parametrize("query", ["", "?mode=name", "?mode=name&province=31&regency=3171&district=317101"])
def test_page_with_its_scripts_stays_under_100_kb_compressed(query: str) -> None:
    """Everything a first visit downloads (whitenoise serves static files pre-compressed)."""
    html = Client().get("/cek/" + query).content
    total = len(gzip.compress(html))
    for src in re.findall(rb'src="/static/([^"]+)"', html):
        path = finders.find(src.decode())
        assert path, src
        total += len(gzip.compress(Path(str(path)).read_bytes()))
    assert total < BUDGET, total


def test_no_nik_or_full_name_in_logs(caplog: pytest.LogCaptureFixture) -> None:
    nik = new_nik(GAMBIR)
    make_person(household_with_decile(1), full_name="WAWAN LUBIS", nik=nik)
    client = Client()
    with caplog.at_level(logging.DEBUG):
        client.post("/cek/", {"mode": "nik", "nik": nik, "altcha": solved_altcha()})
        client.post("/cek/", {"mode": "nik", "nik": nik})  # refused: logged as a bad request
        client.post("/cek/", {"mode": "nik", "nik": nik + "9", "altcha": "x"})
        client.post("/api/lookup/nik", {"nik": nik, "altcha": "garbage"}, content_type="application/json")
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert nik not in text and "WAWAN" not in text
