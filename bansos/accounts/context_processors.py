from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def account(request: HttpRequest) -> dict[str, Any]:
    """The unread notification count for the account menu (one cheap count, only when signed in)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def unread() -> int:
        from bansos.accounts.selectors import unread_count

        return unread_count(user)

    return {"account_unread": unread}
