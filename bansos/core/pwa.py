"""The phone app (PWA): web app manifest, service worker and offline page (docs/adr/0009...md, README).

The service worker caches the shell once per version (the home and /cek/ pages, the offline page, the
static files they use and an icon), fetched without cookies so no session or name can end up in it, and
serves pages network-first: online, pages always come from the server; offline, a cached shell page or the
offline page. Nothing else is stored: no POST response, no personal page (/akun/, /kasus/, /petugas/), no
API answer."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _

THEME_COLOUR = "#0a7d3b"
BACKGROUND_COLOUR = "#f6f7f9"
SHELL_STATIC: tuple[str, ...] = ("core/pwa.js", "lookup/lookup.js", "core/icons/icon-192.png")
PRIVATE_PREFIXES = ("/akun/", "/kasus/", "/petugas/", "/api/", "/admin/", "/i18n/")
CACHE_VERSION = "1"  # bump when sw.js itself changes in a way the URL list does not show


def manifest() -> dict[str, Any]:
    icons = [
        {"src": static("core/icons/icon-192.png"), "sizes": "192x192", "type": "image/png", "purpose": "any"},
        {"src": static("core/icons/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any"},
        {
            "src": static("core/icons/icon-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ]
    return {
        "id": "/",
        "name": _("Bansos — social assistance"),
        "short_name": "Bansos",
        "description": _("Check social assistance status, follow your cases and get notifications."),
        "lang": "id",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "icons": icons,
    }


def shell_urls() -> list[str]:
    pages = ["/", reverse("lookup:index"), reverse("core:offline")]
    return pages + [static(name) for name in SHELL_STATIC]


def service_worker_context() -> dict[str, Any]:
    shell = shell_urls()
    version = hashlib.sha256(json.dumps([CACHE_VERSION, shell]).encode()).hexdigest()[:12]
    return {
        "version": version,
        "shell": json.dumps(shell),
        "shell_pages": json.dumps(shell[:3]),
        "offline": json.dumps(reverse("core:offline")),
        "private": json.dumps(list(PRIVATE_PREFIXES)),
    }
