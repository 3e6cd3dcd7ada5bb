"""``{% region_news code %}``: current announcements for a region (the status-check result shows them);
``{% push_optin %}``: the button that turns on web push on this device (for the account page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from bansos.notices.selectors import visible_announcements

register = template.Library()
LIMIT = 5


@register.inclusion_tag("notices/_region_news.html")
def region_news(region_code: str, limit: int = LIMIT) -> dict[str, Any]:
    code = str(region_code or "")
    announcements = list(visible_announcements(region=code, within=False)[:limit]) if code.isdigit() else []
    return {"announcements": announcements, "region": code}


@register.inclusion_tag("notices/_push_optin.html", takes_context=True)
def push_optin(context: Any, region: str = "", program: str = "") -> dict[str, Any]:
    return {
        "vapid_public_key": settings.VAPID_PUBLIC_KEY,
        "csrf_token": context.get("csrf_token", ""),
        "region": region,
        "program": program,
    }
