"""Explicit state machines: a table of state -> {next state: roles allowed to move there}.

``Workflow.check`` refuses an illegal transition with code "case.illegal_transition" and a sentence that
says why ("This proposal is already accepted; it cannot be verified."), and a role that may not make the
move (or does not reach the case's region) with "case.role_denied"."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bansos.accounts.scoping import Scope, officer_scope
from bansos.core.errors import DomainError, PermissionDenied

REQUESTER = "requester"  # pseudo-role: the citizen who filed the case


class CaseError(DomainError):
    code = "case.invalid"


@dataclass(frozen=True)
class Workflow:
    name: str
    table: dict[str, dict[str, frozenset[str]]]
    state_phrases: dict[str, Promise]  # "already accepted"
    action_phrases: dict[str, Promise]  # "verified"
    illegal_message: Promise  # "This proposal is %(state)s; it cannot be %(action)s."

    def allowed(self, current: str) -> dict[str, frozenset[str]]:
        return self.table.get(current, {})

    def acting_roles(self, state: str) -> frozenset[str]:
        """Roles that can move a case out of ``state`` (whose queue it sits in)."""
        roles: set[str] = set()
        for allowed in self.allowed(state).values():
            roles |= allowed
        return frozenset(roles - {REQUESTER})

    def check(
        self,
        *,
        current: str,
        target: str,
        user: object,
        region_code: str,
        is_requester: bool = False,
        scope: Scope | None = None,
    ) -> None:
        roles = self.allowed(current).get(target)
        if roles is None:
            raise CaseError(
                self.illegal_message,
                code="case.illegal_transition",
                state=self.state_phrases[current],
                action=self.action_phrases[target],
            )
        if is_requester and REQUESTER in roles:
            return
        scope = scope if scope is not None else officer_scope(user)
        if not scope.covers(region_code, roles - {REQUESTER}, write=True):
            raise PermissionDenied(
                _("Your role does not allow this action on this case."), code="case.role_denied"
            )

    def can(self, *, current: str, target: str, scope: Scope, region_code: str) -> bool:
        roles = self.allowed(current).get(target)
        return roles is not None and scope.covers(region_code, roles - {REQUESTER}, write=True)

    def targets_for(self, *, current: str, scope: Scope, region_code: str) -> list[str]:
        return [
            t
            for t in self.allowed(current)
            if self.can(current=current, target=t, scope=scope, region_code=region_code)
        ]


def roles(*names: str) -> frozenset[str]:
    return frozenset(names)


def flatten(table: dict[str, dict[str, frozenset[str]]]) -> Iterable[tuple[str, str]]:
    for state, targets in table.items():
        for target in targets:
            yield state, target
