import datetime

import pytest

from bansos.cases.tests.factories import CIDENG, GAMBIR, officer
from bansos.core.models import AuditEvent
from bansos.linkage import merge as merge_config
from bansos.linkage import services
from bansos.linkage.dedup import dedup_exact
from bansos.linkage.models import CandidatePair, Merge, PersonFlag
from bansos.lookup.selectors import status_by_name, status_by_nik
from bansos.programs.models import HouseholdFlag
from bansos.registry.models import Household, Person
from bansos.registry.tests.factories import ACTOR, make_household, make_person, new_nik

pytestmark = pytest.mark.django_db
BORN = datetime.date(1980, 2, 3)


def twice(village_a: str = GAMBIR, village_b: str = GAMBIR) -> tuple[Person, Person]:
    """The same person registered in two households under two NIKs."""
    first = make_person(make_household(village_a), full_name="SITI AMINAH", sex="F", birth_date=BORN)
    second = make_person(make_household(village_b), full_name="Sitti Aminah", sex="F", birth_date=BORN)
    return first, second


def test_exact_checks_find_same_person_and_two_heads_and_not_others() -> None:
    first, second = twice()
    household = make_household()
    head = make_person(household, full_name="BUDI")
    other = make_person(household, full_name="ANDI", relationship="child", marital_status="single")
    Person.objects.filter(pk=other.pk).update(relationship="head")
    make_person(make_household(), full_name="SITI AMINAH", sex="F", birth_date=datetime.date(1981, 2, 3))
    run = dedup_exact(actor=ACTOR)
    pairs = {(p.left_id, p.right_id, p.rule) for p in CandidatePair.objects.all()}
    assert pairs == {(first.pk, second.pk, "same_person"), (head.pk, other.pk, "two_heads")}
    assert (run.pairs_found, run.pairs_new, run.status) == (2, 2, "completed")
    again = dedup_exact(actor=ACTOR)
    assert (again.pairs_found, again.pairs_new) == (2, 0)
    assert AuditEvent.objects.filter(event_type="linkage.run_completed").count() == 2


def test_dismissed_pair_stays_dismissed() -> None:
    twice()
    dedup_exact(actor=ACTOR)
    pair = CandidatePair.objects.get()
    services.pair_dismiss(pair=pair, note="kembar", actor=ACTOR)
    dedup_exact(actor=ACTOR)
    assert list(CandidatePair.objects.values_list("status", flat=True)) == ["dismissed"]
    with pytest.raises(services.LinkageError) as exc:
        services.pair_dismiss(pair=pair, actor=ACTOR)
    assert exc.value.code == "linkage.already_decided"


def test_merge_moves_declared_relations_and_unmerge_restores_them() -> None:
    first, second = twice()
    flag = HouseholdFlag.objects.create(household=second.household, ground="refused_aid")
    person_flag = PersonFlag.objects.create(person=second, kind="payroll", method="nik")
    nik = second.nik
    assert status_by_nik(nik) is not None
    dedup_exact(actor=ACTOR)
    pair = CandidatePair.objects.get()
    done = services.pair_merge(pair=pair, keep="left", actor=ACTOR)
    second.refresh_from_db()
    flag.refresh_from_db()
    person_flag.refresh_from_db()
    assert second.merged_into_id == first.pk
    assert (flag.household_id, person_flag.person_id) == (first.household_id, first.pk)
    assert Household.objects.get(pk=second.household_id).status == "merged"
    assert CandidatePair.objects.get().status == "merged"
    # merged records leave the public check
    assert status_by_nik(nik) is None
    assert len(status_by_name(GAMBIR, "Siti Aminah")) == 1
    assert AuditEvent.objects.filter(event_type="linkage.person_merged", subject_id=str(done.pk)).exists()

    services.merge_undo(merge=done, actor=ACTOR)
    second.refresh_from_db()
    flag.refresh_from_db()
    person_flag.refresh_from_db()
    assert second.merged_into_id is None
    assert (flag.household_id, person_flag.person_id) == (second.household_id, second.pk)
    assert Household.objects.get(pk=second.household_id).status == "active"
    assert CandidatePair.objects.get().status == "pending"
    assert status_by_nik(nik) is not None
    with pytest.raises(services.LinkageError):
        services.merge_undo(merge=Merge.objects.get(), actor=ACTOR)


def test_merge_refused_on_undeclared_relation_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = twice()
    PersonFlag.objects.create(person=second, kind="deaths", method="nik")
    declared = dict(merge_config.PERSON_RELATIONS)
    del declared["linkage.PersonFlag.person"]
    monkeypatch.setattr(merge_config, "PERSON_RELATIONS", declared)
    with pytest.raises(services.LinkageError) as exc:
        services.person_merge(survivor=first, merged=second, actor=ACTOR)
    assert exc.value.code == "linkage.undeclared_relation"
    assert "linkage.PersonFlag.person" in exc.value.message
    second.refresh_from_db()
    assert second.merged_into_id is None
    assert Household.objects.get(pk=second.household_id).status == "active"
    assert not Merge.objects.exists()


def test_merge_refuses_merged_or_same_record() -> None:
    first, second = twice()
    third = make_person(make_household(), full_name="X", nik=new_nik())
    services.person_merge(survivor=first, merged=second, actor=ACTOR)
    with pytest.raises(services.LinkageError) as exc:
        services.person_merge(survivor=third, merged=second, actor=ACTOR)
    assert exc.value.code == "linkage.already_merged"
    with pytest.raises(services.LinkageError) as exc:
        services.person_merge(survivor=first, merged=first, actor=ACTOR)
    assert exc.value.code == "linkage.same_record"


def test_every_relation_to_person_and_household_is_declared() -> None:
    """A new foreign key to Person or Household must be declared in the merge configuration."""
    assert {label for label, _m, _f in merge_config.person_relations()} <= set(merge_config.PERSON_RELATIONS)
    assert {label for label, _m, _f in merge_config.household_relations()} <= set(
        merge_config.HOUSEHOLD_RELATIONS
    )


def test_cross_village_pair_needs_an_officer_over_both(client) -> None:
    twice(GAMBIR, CIDENG)
    dedup_exact(actor=ACTOR)
    from bansos.linkage import selectors

    assert selectors.queue(officer("village_operator", GAMBIR)).count() == 0
    assert selectors.queue(officer("district", GAMBIR[:6])).count() == 1


def test_citizen_account_moves_with_the_merge_and_both_accounts_refuse() -> None:
    from bansos.cases.tests.factories import user

    first, second = twice()
    account = user(person=second)
    done = services.person_merge(survivor=first, merged=second, actor=ACTOR)
    account.refresh_from_db()
    assert account.person_id == first.pk
    services.merge_undo(merge=done, actor=ACTOR)
    account.refresh_from_db()
    assert account.person_id == second.pk
    user(person=first)
    with pytest.raises(services.LinkageError) as exc:
        services.person_merge(survivor=first, merged=second, actor=ACTOR)
    assert exc.value.code == "linkage.both_related"
    assert Person.objects.get(pk=second.pk).merged_into_id is None
