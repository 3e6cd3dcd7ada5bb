"""The region-scoping selector: prefixes by role, read-only roles, not-found for foreign records."""

from __future__ import annotations

import pytest

from bansos.accounts.models import OfficerRole, Role, User
from bansos.accounts.scoping import officer_scope, scope_filter, scope_require, scoped_get
from bansos.accounts.services import officer_role_end, officer_role_grant
from bansos.core.audit import SystemActor
from bansos.core.errors import DomainError, NotFound, PermissionDenied
from bansos.core.models import AuditEvent
from bansos.regions.models import Village
from bansos.registry.models import Household
from bansos.registry.tests.factories import GAMBIR, KEUDE_BAKONGAN, make_household

ADMIN = SystemActor("test")
GAMBIR_DISTRICT = GAMBIR[:6]
GAMBIR_REGENCY = GAMBIR[:4]
GAMBIR_PROVINCE = GAMBIR[:2]
NEIGHBOUR_VILLAGE = "3171011002"  # another kelurahan of the same district (Gambir)

pytestmark = pytest.mark.django_db


def officer(role: str, region: str, name: str = "officer") -> User:
    user = User.objects.create_user(username=f"{name}-{role}-{region}", password="x")
    officer_role_grant(user=user, role=role, region_code=region, actor=ADMIN)
    return user


@pytest.fixture
def households() -> dict[str, Household]:
    return {
        "gambir": make_household(GAMBIR),
        "neighbour": make_household(NEIGHBOUR_VILLAGE),
        "aceh": make_household(KEUDE_BAKONGAN),
    }


@pytest.mark.parametrize(
    ("role", "region", "reached"),
    [
        (Role.VILLAGE_OPERATOR, GAMBIR, {"gambir"}),
        (Role.DISTRICT, GAMBIR_DISTRICT, {"gambir", "neighbour"}),
        (Role.DINSOS, GAMBIR_REGENCY, {"gambir", "neighbour"}),
        (Role.PROVINCE, GAMBIR_PROVINCE, {"gambir", "neighbour"}),
        (Role.NATIONAL_ADMIN, "", {"gambir", "neighbour", "aceh"}),
        (Role.HELPDESK, "", {"gambir", "neighbour", "aceh"}),
        (Role.AUDITOR, GAMBIR_REGENCY, {"gambir", "neighbour"}),
    ],
)
def test_each_role_reaches_its_own_region_only(
    households: dict[str, Household], role: str, region: str, reached: set[str]
) -> None:
    user = officer(role, region)
    found = set(scope_filter(Household.objects.all(), user).values_list("pk", flat=True))
    assert found == {households[name].pk for name in reached}


def test_village_operator_cannot_get_a_foreign_household_and_is_told_not_found(
    households: dict[str, Household],
) -> None:
    user = officer(Role.VILLAGE_OPERATOR, GAMBIR)
    assert scoped_get(Household.objects.all(), user, pk=households["gambir"].pk) == households["gambir"]
    with pytest.raises(NotFound) as foreign:
        scoped_get(Household.objects.all(), user, pk=households["neighbour"].pk)
    with pytest.raises(NotFound) as missing:
        scoped_get(Household.objects.all(), user, pk=10**9)
    assert foreign.value.message == missing.value.message  # nothing tells the two apart


def test_auditor_reads_but_never_writes(households: dict[str, Household]) -> None:
    user = officer(Role.AUDITOR, GAMBIR_REGENCY)
    assert scope_filter(Household.objects.all(), user).count() == 2
    assert scope_filter(Household.objects.all(), user, write=True).count() == 0
    with pytest.raises(PermissionDenied):
        scope_require(user, GAMBIR, write=True)
    scope_require(user, GAMBIR)


def test_scope_by_role_and_by_code_column(households: dict[str, Household]) -> None:
    user = officer(Role.VILLAGE_OPERATOR, GAMBIR)
    assert scope_filter(Household.objects.all(), user, roles=[Role.DINSOS]).count() == 0
    assert scope_filter(Household.objects.all(), user, field="village__district__code").count() == 0
    assert scope_filter(Village.objects.all(), user, field="code").get().code == GAMBIR


def test_anonymous_citizen_and_ended_roles_reach_nothing(households: dict[str, Household]) -> None:
    citizen = User.objects.create_user(username="citizen", password="x")
    assert scope_filter(Household.objects.all(), citizen).count() == 0
    user = officer(Role.DINSOS, GAMBIR_REGENCY)
    officer_role_end(grant=OfficerRole.objects.get(user=user), actor=ADMIN)
    assert scope_filter(Household.objects.all(), user).count() == 0
    assert not officer_scope(user).roles


def test_grant_is_audited_idempotent_and_checks_the_region_level() -> None:
    user = User.objects.create_user(username="op", password="x")
    first = officer_role_grant(user=user, role=Role.VILLAGE_OPERATOR, region_code=GAMBIR, actor=ADMIN)
    again = officer_role_grant(user=user, role=Role.VILLAGE_OPERATOR, region_code=GAMBIR, actor=ADMIN)
    assert first.pk == again.pk
    assert AuditEvent.objects.filter(event_type="officer_role.granted").count() == 1
    for role, code, error in [
        (Role.VILLAGE_OPERATOR, GAMBIR_DISTRICT, "role.region_level"),
        (Role.DINSOS, "9999", "role.region_unknown"),
        (Role.NATIONAL_ADMIN, GAMBIR_PROVINCE, "role.region_level"),
        ("mayor", "", "role.unknown"),
    ]:
        with pytest.raises(DomainError) as caught:
            officer_role_grant(user=user, role=role, region_code=code, actor=ADMIN)
        assert caught.value.code == error
    assert OfficerRole.objects.filter(user=user).count() == 1
