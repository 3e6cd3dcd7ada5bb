"""`bansos demo` (what `make demo` runs before serving): everything in place, and idempotent."""

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from bansos.accounts.models import User
from bansos.accounts.scoping import officer_scope
from bansos.programs.models import Enrolment, EnrolmentRun
from bansos.registry.models import Household, Person

pytestmark = pytest.mark.django_db


def test_demo_prepares_population_programs_and_accounts_once(tmp_path: Path) -> None:
    with override_settings(VAR_DIR=tmp_path):
        out = StringIO()
        call_command("demo", people=300, seed=3, stdout=out)
        people, households = Person.objects.count(), Household.objects.count()
        assert people == 300
        assert households > 50
        assert not Household.objects.filter(decile__isnull=True).exists()
        assert Enrolment.objects.exists()
        runs = EnrolmentRun.objects.count()
        accounts = (tmp_path / "demo-accounts.txt").read_text()
        assert accounts.startswith("national administrator: username admin, password ")
        assert User.objects.get(username="admin").is_superuser
        _demo_officers_sign_in(accounts)

        call_command("demo", people=300, seed=3, stdout=StringIO())
        assert (Person.objects.count(), Household.objects.count()) == (people, households)
        assert EnrolmentRun.objects.count() == runs
        assert (tmp_path / "demo-accounts.txt").read_text() == accounts

    response = Client().get("/")
    assert response.status_code == 200
    assert "300" in response.content.decode()


def _demo_officers_sign_in(accounts: str) -> None:
    """The printed officers exist with their roles and sign in with the printed password and backup code."""
    operator = User.objects.get(username="operator")
    ((role, village),) = officer_scope(operator).grants
    assert role == "village_operator" and Household.objects.filter(village_id=village).exists()
    assert officer_scope(User.objects.get(username="admin")).grants == (("national_admin", ""),)
    assert f"({village}): username operator, password " in accounts
    assert "/petugas/masuk/" in accounts
    codes = re.search(r"backup codes: admin (\w+), operator (\w+)", accounts)
    passwords = dict(re.findall(r"username (\w+), password (\S+)", accounts))
    assert codes and set(passwords) == {"admin", "operator"}
    for username, code in (("admin", codes.group(1)), ("operator", codes.group(2))):
        client = Client()
        sent = client.post("/petugas/masuk/", {"username": username, "password": passwords[username]})
        assert sent["Location"] == "/petugas/masuk/perangkat/"  # first sign-in: enrol the authenticator
        assert client.post("/petugas/masuk/kode/", {"code": code})["Location"] == "/petugas/"
        assert client.get("/petugas/").status_code == 200
