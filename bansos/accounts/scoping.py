"""The one region-scoping selector. Every query an officer can reach is narrowed here.

Kemendagri codes nest by prefix (village 3171011001 is in district 317101, regency 3171, province 31), so
an officer's reach is a set of code prefixes; "" (a national role) reaches everything. A record outside the
scope is reported as not found, so a denial tells nothing about what lies in another region."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from bansos.accounts.models import OfficerRole, Role
from bansos.core.errors import NotFound, PermissionDenied

M = TypeVar("M", bound=models.Model)

# Roles that only read; every other role may also change records in its region.
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
# The region level (code length) each role is given over; None = any level, or the whole country.
ROLE_LEVELS: dict[str, int | None] = {
    Role.VILLAGE_OPERATOR: 10,
    Role.DISTRICT: 6,
    Role.DINSOS: 4,
    Role.PROVINCE: 2,
    Role.NATIONAL_ADMIN: 0,
    Role.HELPDESK: None,
    Role.AUDITOR: None,
}


@dataclass(frozen=True)
class Scope:
    """What an officer reaches: code prefixes per role held (only active roles)."""

    grants: tuple[tuple[str, str], ...]  # (role, region_code)

    def prefixes(self, roles: Iterable[str] | None = None, *, write: bool = False) -> tuple[str, ...]:
        wanted = set(roles) if roles is not None else None
        return tuple(
            sorted(
                {
                    code
                    for role, code in self.grants
                    if (wanted is None or role in wanted) and not (write and role in READ_ONLY_ROLES)
                }
            )
        )

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(role for role, _code in self.grants)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    def covers(self, village_code: str, roles: Iterable[str] | None = None, *, write: bool = False) -> bool:
        return any(village_code.startswith(prefix) for prefix in self.prefixes(roles, write=write))

    def q(
        self, field: str = "village__code", roles: Iterable[str] | None = None, *, write: bool = False
    ) -> Q | None:
        """The filter on ``field`` (a path to a village code, e.g. "village__code" through a foreign key —
        Django reads it from the key column without a join — or "code" on Village) for this scope; None
        when nothing is reachable."""
        prefixes = self.prefixes(roles, write=write)
        if not prefixes:
            return None
        if "" in prefixes:
            return Q()
        condition = Q()
        for prefix in prefixes:
            lookup = "exact" if len(prefix) == 10 else "startswith"
            condition |= Q(**{f"{field}__{lookup}": prefix})
        return condition


def officer_scope(user: object) -> Scope:
    """The active roles of ``user`` (anonymous or citizen: an empty scope)."""
    pk = getattr(user, "pk", None)
    if pk is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Scope(grants=())
    grants = OfficerRole.objects.filter(user_id=pk, ended_at__isnull=True).values_list("role", "region_code")
    return Scope(grants=tuple(sorted(grants)))


def scope_filter(
    queryset: models.QuerySet[M],
    user: object,
    *,
    field: str = "village__code",
    roles: Iterable[str] | None = None,
    write: bool = False,
    scope: Scope | None = None,
) -> models.QuerySet[M]:
    """``queryset`` narrowed to the regions ``user`` reaches with ``roles`` (any role when None);
    ``write=True`` leaves out read-only roles. An officer with no matching role gets an empty queryset."""
    scope = scope if scope is not None else officer_scope(user)
    condition = scope.q(field, roles, write=write)
    if condition is None:
        return queryset.none()
    return queryset.filter(condition)


def scoped_get(
    queryset: models.QuerySet[M],
    user: object,
    *,
    field: str = "village__code",
    roles: Iterable[str] | None = None,
    write: bool = False,
    **lookup: object,
) -> M:
    """One record inside the scope, or NotFound (the same answer whether it exists elsewhere or not)."""
    found = scope_filter(queryset, user, field=field, roles=roles, write=write).filter(**lookup).first()
    if found is None:
        raise NotFound(_("No such record in your region."), code="scope.not_found")
    return found


def scope_require(
    user: object,
    village_code: str,
    *,
    roles: Iterable[str] | None = None,
    write: bool = False,
    scope: Scope | None = None,
) -> Scope:
    """Raise PermissionDenied unless ``user`` reaches ``village_code`` (for actions that name a region
    before any record exists, e.g. registering a household at the counter)."""
    scope = scope if scope is not None else officer_scope(user)
    if not scope.covers(village_code, roles, write=write):
        raise PermissionDenied(_("This region is outside your assignment."), code="scope.denied")
    return scope
