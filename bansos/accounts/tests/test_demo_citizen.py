"""`bansos demo` creates a verified demo citizen who signs in with a phone number and sees a household."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_demo_citizen_signs_in_and_sees_the_household(tmp_path: Path) -> None:
    with override_settings(VAR_DIR=tmp_path):
        call_command("demo", people=200, seed=5, stdout=StringIO())
        accounts = (tmp_path / "demo-accounts.txt").read_text()
        call_command("demo", people=200, seed=5, stdout=StringIO())
        assert (tmp_path / "demo-accounts.txt").read_text() == accounts
    found = re.search(r"citizen \(.+\): phone (\d+), password (\S+)", accounts)
    assert found is not None
    client = Client()
    response = client.post("/akun/masuk/", {"username": found.group(1), "password": found.group(2)})
    assert response.status_code == 302
    assert client.get("/akun/rumah-tangga/").status_code == 200
