"""The phone app (PWA): manifest, icons, service worker and offline page, as a browser fetches them."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image

from bansos.core.pwa_icons import ICONS, draw_icon

pytestmark = pytest.mark.django_db


def test_manifest_is_installable() -> None:
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Bansos — bantuan sosial" and manifest["short_name"] == "Bansos"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["theme_color"])
    assert re.fullmatch(r"#[0-9a-f]{6}", manifest["background_color"])
    icons = {(icon["sizes"], icon["purpose"]): icon["src"] for icon in manifest["icons"]}
    assert set(icons) == {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")}
    for (sizes, _purpose), src in icons.items():
        path = finders.find(src.removeprefix("/static/"))
        assert path, src
        with Image.open(str(path)) as image:
            assert image.format == "PNG" and f"{image.width}x{image.height}" == sizes


def test_committed_icons_are_what_the_generator_draws() -> None:
    for name, (size, maskable) in ICONS.items():
        path = finders.find(f"core/icons/{name}")
        with Image.open(str(path)) as committed:
            assert committed.convert("RGB").tobytes() == draw_icon(size, maskable=maskable).tobytes()


def test_manifest_follows_the_language() -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert client.get("/manifest.webmanifest").json()["name"] == "Bansos — social assistance"


def test_service_worker_is_served_at_the_root_and_always_revalidated() -> None:
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", script).group(1))  # type: ignore[union-attr]
    assert {"/", "/cek/", "/offline/", "/static/core/pwa.js", "/static/lookup/lookup.js"} <= set(shell)
    assert not [url for url in shell if url.startswith(("/akun/", "/petugas/", "/kasus/", "/api/"))]
    private = json.loads(re.search(r"var PRIVATE = (\[.*?\]);", script).group(1))  # type: ignore[union-attr]
    assert {"/akun/", "/petugas/", "/kasus/", "/api/"} <= set(private)
    assert 'if (request.method !== "GET") { return; }' in script  # POST is never answered from the cache
    assert 'credentials: "omit"' in script  # the shell is cached without anyone's session
    assert "&quot;" not in script and "&#x27;" not in script  # not HTML-escaped


def test_service_worker_version_changes_with_the_shell() -> None:
    before = re.search(r'VERSION = "(\w+)"', Client().get("/sw.js").content.decode())
    from bansos.core import pwa

    original = pwa.SHELL_STATIC
    pwa.SHELL_STATIC = (*original, "core/icons/icon-512.png")
    try:
        after = re.search(r'VERSION = "(\w+)"', Client().get("/sw.js").content.decode())
    finally:
        pwa.SHELL_STATIC = original
    assert before and after and before.group(1) != after.group(1)


def test_offline_page_and_every_page_links_the_manifest_and_registration_script() -> None:
    offline = Client().get("/offline/")
    assert offline.status_code == 200
    assert "Anda sedang luring (offline)" in offline.content.decode()
    for url in ("/", "/cek/", "/offline/", "/petugas/masuk/"):
        page = Client().get(url).content.decode()
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page, url
        assert '<meta name="theme-color" content="#0a7d3b">' in page, url
        assert '<script defer src="/static/core/pwa.js" data-sw="/sw.js"></script>' in page, url
    assert '<a href="/petugas/masuk/">Masuk petugas</a>' in Client().get("/").content.decode()
