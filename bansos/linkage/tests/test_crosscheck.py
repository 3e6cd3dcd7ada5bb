import datetime

import pytest
from django.core.management import CommandError, call_command

from bansos.linkage.crosscheck import CsvRejected, external_list_import
from bansos.linkage.models import ExternalList, ExternalRecord, PersonFlag
from bansos.programs.enrolment import enrolment_run
from bansos.programs.models import Enrolment, HouseholdFlag, Period
from bansos.registry.models import Household, Person
from bansos.registry.tests.factories import ACTOR, GAMBIR, make_household, make_person

pytestmark = pytest.mark.django_db
HEADER = "nik,name,birth_date,region_code,category,date\n"


def family() -> tuple[Household, Person, Person]:
    household = make_household()
    Household.objects.filter(pk=household.pk).update(decile=2)
    head = make_person(household, full_name="BUDI SANTOSO", birth_date=datetime.date(1980, 1, 2))
    child = make_person(household, full_name="ANAK", relationship="child", marital_status="single",
                        birth_date=datetime.date(2015, 5, 5), schooling="sd")  # fmt: skip
    household.refresh_from_db()
    return household, head, child


def bpnt(household: Household) -> Enrolment:
    period = Period.objects.get(program__code="BPNT", year=2026, stage=1)
    enrolment_run(period=period, actor=ACTOR)
    return Enrolment.objects.get(household=household, period=period)


def test_payroll_match_by_nik_excludes_the_household() -> None:
    household, head, _child = family()
    assert bpnt(household).status == "enrolled"
    done = external_list_import(
        kind="payroll", source="BKN 2026-01", text=HEADER + f"{head.nik},,,,polri,\n", actor=ACTOR
    )
    assert (done.rows, done.matched_by_nik, done.matched_by_name) == (1, 1, 0)
    flag = PersonFlag.objects.get()
    assert (flag.person_id, flag.kind, flag.method) == (head.pk, "payroll", "nik")
    assert flag.household_flag is not None and flag.household_flag.ground == "police"
    e = bpnt(household)
    assert (e.status, e.reason) == ("excluded", "police")
    assert head.nik not in str(list(ExternalRecord.objects.values()))  # only the blind index is stored


def test_high_wage_match_by_name_birth_date_and_region() -> None:
    household, _head, _child = family()
    text = HEADER + f",Budi Santosa,1980-01-02,{GAMBIR[:6]},,\n,Budi Santoso,1980-01-02,1101,,\n"
    done = external_list_import(kind="high_wage", source="BPJS", text=text, actor=ACTOR)
    assert (done.matched_by_nik, done.matched_by_name) == (0, 1)
    flag = PersonFlag.objects.get()
    assert flag.method == "probabilistic" and 0.9 <= flag.score < 1
    e = bpnt(household)
    assert (e.status, e.reason) == ("excluded", "income_above_minimum_wage")
    # the same list again: nothing new
    external_list_import(kind="high_wage", source="BPJS", text=text, actor=ACTOR)
    assert PersonFlag.objects.count() == 1 and HouseholdFlag.objects.count() == 1


def test_death_flags_household_only_when_no_living_member_remains() -> None:
    household, head, child = family()
    external_list_import(
        kind="deaths", source="Dukcapil", text=HEADER + f"{head.nik},,,,,2026-01-05\n", actor=ACTOR
    )
    assert PersonFlag.objects.filter(person=head).exists()
    assert not HouseholdFlag.objects.exists()
    assert bpnt(household).status == "enrolled"
    external_list_import(kind="deaths", source="Dukcapil", text=HEADER + f"{child.nik},,,,,\n", actor=ACTOR)
    assert HouseholdFlag.objects.get().ground == "deceased"
    e = bpnt(household)
    assert (e.status, e.reason) == ("excluded", "deceased")


def test_broken_rows_are_listed_with_row_numbers_and_nothing_changes() -> None:
    _household, head, _child = family()
    text = HEADER + (
        f"{head.nik},,,,,\n"
        "12345,,,,,\n"
        ",Siti,,,,\n"
        ",Siti,31-12-1980,,,\n"
        f"{head.nik},,,123,,\n"
        f"{head.nik},,,,army,\n"
    )
    with pytest.raises(CsvRejected) as exc:
        external_list_import(kind="payroll", source="x", text=text, actor=ACTOR)
    assert exc.value.problems == [
        "row 3: NIK must be 16 digits",
        "row 4: without a NIK, name and birth date are required",
        "row 5: birth date must look like 1980-12-31",
        "row 6: region code must have 2, 4, 6 or 10 digits",
        "row 7: category must be asn, tni or polri",
    ]
    assert not ExternalList.objects.exists() and not PersonFlag.objects.exists()
    with pytest.raises(CsvRejected) as exc:
        external_list_import(kind="deaths", source="x", text="nama,tanggal\nA,B\n", actor=ACTOR)
    assert exc.value.problems[0].startswith("row 1: the header must have the columns")


def test_crosscheck_command(tmp_path, capsys) -> None:
    _household, head, _child = family()
    good = tmp_path / "asn.csv"
    good.write_text(HEADER + f"{head.nik},,,,asn,\n")
    call_command("crosscheck", str(good), "--kind", "payroll", verbosity=0)
    assert "matched_by_nik=1" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "1,,,,,\n")
    with pytest.raises(CommandError) as exc:
        call_command("crosscheck", str(bad), "--kind", "deaths", verbosity=0)
    assert "row 2: NIK must be 16 digits" in str(exc.value)
    assert ExternalList.objects.count() == 1
    call_command("crosscheck", "--list", str(ExternalList.objects.get().pk), verbosity=0)
    assert PersonFlag.objects.count() == 1


def test_merged_person_does_not_count_for_program_rules() -> None:
    from bansos.linkage.services import person_merge

    household, head, _child = family()
    civil = make_person(make_household(), full_name="BUDI SANTOSO", is_civil_servant=True)
    # the civil servant record is wrongly also listed in this family
    Person.objects.filter(pk=civil.pk).update(household=household, relationship="other_family")
    assert (bpnt(household).status, bpnt(household).reason) == ("excluded", "civil_servant")
    person_merge(survivor=head, merged=Person.objects.get(pk=civil.pk), actor=ACTOR)
    assert bpnt(household).status == "enrolled"
