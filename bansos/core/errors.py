"""Domain errors carry a stable code and a message in the user's language; pages and the API map them
once (see config/api.py and bansos.core.views)."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise


class DomainError(Exception):
    code: str = "error"
    status: int = 400

    def __init__(self, message: str | Promise, *, code: str | None = None, **params: Any) -> None:
        self.code = code or self.code
        self.params = params
        self._message = message
        super().__init__(self.code)

    @property
    def message(self) -> str:
        return str(self._message) % self.params if self.params else str(self._message)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class NotFound(DomainError):
    code = "not_found"
    status = 404


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class RequestUnreadable(DomainError):
    """An API request whose body is not a JSON object (django-ninja refuses it before any view runs)."""

    code = "request.unreadable"
    status = 400


class RequestInvalid(DomainError):
    """An API request missing a field, or with a field of the wrong type (django-ninja's validation)."""

    code = "request.invalid"
    status = 422
