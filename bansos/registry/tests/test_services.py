import datetime

import pytest

from bansos.core.models import AuditEvent
from bansos.registry import services
from bansos.registry.identifiers import IdentifierError
from bansos.registry.models import Household, Person
from bansos.registry.services import RegistryError
from bansos.registry.tests.factories import (
    ACTOR,
    GAMBIR,
    KEUDE_BAKONGAN,
    make_household,
    make_person,
    new_kk,
    new_nik,
)

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[list, list, int]:
    return (
        list(Household.objects.order_by("id").values()),
        list(Person.objects.order_by("id").values()),
        AuditEvent.objects.count(),
    )


def test_register_household_and_add_people_writes_one_event_each() -> None:
    household = make_household(address="Jl. Kebon Sirih No. 5", rt="001", rw="002", floor_type="cement")
    head = make_person(household, full_name="  Muhammad  Rizky ")
    assert head.full_name == "MUHAMMAD RIZKY"
    assert head.name_key == "muhamad rizky"
    assert head.village_id == GAMBIR
    events = list(AuditEvent.objects.order_by("id").values_list("event_type", "subject_id"))
    assert events == [
        ("registry.household_registered", str(household.pk)),
        ("registry.person_added", str(head.pk)),
    ]


def test_duplicate_kk_and_nik_are_refused_and_change_nothing() -> None:
    kk = new_kk()
    household = services.household_register(kk=kk, village_code=GAMBIR, actor=ACTOR)
    nik = new_nik()
    make_person(household, nik=nik)
    before = snapshot()
    with pytest.raises(RegistryError) as kk_error:
        services.household_register(kk=kk, village_code=GAMBIR, actor=ACTOR)
    assert kk_error.value.code == "registry.kk_exists"
    with pytest.raises(RegistryError) as nik_error:
        make_person(household, nik=nik, relationship="child", marital_status="single")
    assert nik_error.value.code == "registry.nik_exists"
    assert snapshot() == before


def test_malformed_nik_unknown_village_and_second_head_change_nothing() -> None:
    household = make_household()
    make_person(household)
    before = snapshot()
    with pytest.raises(IdentifierError) as bad_nik:
        make_person(household, nik="12345", relationship="child", marital_status="single")
    assert bad_nik.value.code == "nik.format"
    with pytest.raises(IdentifierError) as mismatch:
        make_person(household, nik=new_nik(sex="F"), sex="M", relationship="child", marital_status="single")
    assert mismatch.value.code == "nik.sex_mismatch"
    with pytest.raises(RegistryError) as village:
        services.household_register(kk=new_kk(), village_code="9999999999", actor=ACTOR)
    assert village.value.code == "registry.village_unknown"
    assert "9999999999" in village.value.message
    with pytest.raises(RegistryError) as head:
        make_person(household, relationship="head")
    assert head.value.code == "registry.second_head"
    assert snapshot() == before


def test_update_records_before_and_after_without_identifiers() -> None:
    household = make_household(floor_type="earth")
    person = make_person(household)
    services.household_update(household=household, actor=ACTOR, floor_type="cement", has_motorcycle=True)
    services.person_update(person=person, actor=ACTOR, full_name="Budi Santoso Putra", occupation="farmer")
    hh_event = AuditEvent.objects.get(event_type="registry.household_updated")
    assert hh_event.details == {
        "changes": {
            "floor_type": {"before": "earth", "after": "cement"},
            "has_motorcycle": {"before": False, "after": True},
        }
    }
    person.refresh_from_db()
    assert person.name_key == "budi santoso putra"
    p_event = AuditEvent.objects.get(event_type="registry.person_updated")
    assert p_event.details["changes"]["full_name"] == {
        "before": "BUDI SANTOSO",
        "after": "BUDI SANTOSO PUTRA",
    }
    assert person.nik not in str(list(AuditEvent.objects.values_list("details", flat=True)))


def test_update_without_change_writes_no_event() -> None:
    household = make_household(floor_type="earth")
    count = AuditEvent.objects.count()
    services.household_update(household=household, actor=ACTOR, floor_type="earth")
    assert AuditEvent.objects.count() == count


def test_protected_and_unknown_fields_cannot_be_updated() -> None:
    person = make_person(make_household())
    before = snapshot()
    with pytest.raises(RegistryError):
        services.person_update(person=person, actor=ACTOR, nik_index="0" * 32)
    with pytest.raises(RegistryError):
        services.household_update(household=person.household, actor=ACTOR, decile=1)
    assert snapshot() == before


def test_record_death_validates_dates() -> None:
    person = make_person(make_household(), birth_date=datetime.date(1950, 1, 1))
    before = snapshot()
    with pytest.raises(RegistryError) as future:
        services.person_record_death(person=person, deceased_date=datetime.date(2999, 1, 1), actor=ACTOR)
    assert future.value.code == "registry.bad_death_date"
    with pytest.raises(RegistryError):
        services.person_record_death(person=person, deceased_date=datetime.date(1940, 1, 1), actor=ACTOR)
    person.refresh_from_db()
    assert person.deceased_date is None
    assert snapshot() == before
    services.person_record_death(person=person, deceased_date=datetime.date(2025, 5, 1), actor=ACTOR)
    person.refresh_from_db()
    assert person.deceased_date == datetime.date(2025, 5, 1)


def test_move_household_moves_members_search_entries() -> None:
    household = make_household()
    person = make_person(household)
    services.household_move(household=household, village_code=KEUDE_BAKONGAN, actor=ACTOR)
    person.refresh_from_db()
    assert person.village_id == KEUDE_BAKONGAN
    event = AuditEvent.objects.get(event_type="registry.household_moved")
    assert event.details == {"changes": {"village": {"before": GAMBIR, "after": KEUDE_BAKONGAN}}}


def test_archive_keeps_the_record() -> None:
    household = make_household()
    services.household_archive(household=household, status="moved", reason="pindah ke Bekasi", actor=ACTOR)
    household.refresh_from_db()
    assert household.status == "moved"
    with pytest.raises(RegistryError):
        services.household_archive(household=household, status="active", reason="", actor=ACTOR)
