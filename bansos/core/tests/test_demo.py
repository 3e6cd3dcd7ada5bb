"""`bansos demo` (what `make demo` runs before serving): everything in place, and idempotent."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from bansos.accounts.models import User
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

        call_command("demo", people=300, seed=3, stdout=StringIO())
        assert (Person.objects.count(), Household.objects.count()) == (people, households)
        assert EnrolmentRun.objects.count() == runs
        assert (tmp_path / "demo-accounts.txt").read_text() == accounts

    response = Client().get("/")
    assert response.status_code == 200
    assert "300" in response.content.decode()
