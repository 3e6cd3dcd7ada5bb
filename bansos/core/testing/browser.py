"""Browser tests: Playwright driving Debian's Chromium (never a downloaded browser build).

Fixtures (registered for the whole suite from the root conftest.py through ``pytest_plugins``):

* ``browser`` (session): headless Chromium at ``/usr/bin/chromium`` (``BANSOS_CHROMIUM`` overrides). When it
  is missing the browser tests are skipped with the reason, except under ``CI=true`` where that is a failure
  (``.ci/run`` installs it).
* ``page`` (function): a fresh context with a phone viewport (360x740), Indonesian locale (``id-ID``), closed
  after the test.
* ``site`` (function): the base URL of a live server for this test. The server is a session-wide
  ``LiveServerThread`` whose static files are served by WhiteNoise from a ``collectstatic`` run with the
  compressing storage, as in production, so transferred bytes are real. The test gets transactional
  database access (the server runs in another thread, on its own connection on PostgreSQL), and the region
  tree is present when it starts.

Transactional tests end with a flush that also empties the region tables the root conftest.py loads once per
test database. This plugin remembers that and reloads the regions before the next test that uses the
database (pytest-django runs transactional tests last, but under xdist or with ``-p no:randomly`` style
orderings any test may follow), so every test still sees all 83,762 villages.

Tests that use these fixtures carry ``@pytest.mark.browser``; deselect them locally with ``-m "not browser"``.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

CHROMIUM = os.environ.get("BANSOS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_VIEWPORT = {"width": 360, "height": 740}
LOCALE = "id-ID"

_regions_maybe_flushed = threading.Event()


# --- regions survive transactional tests ------------------------------------------------------------------


_region_rows: dict[str, list[tuple[str, ...]]] = {}


def ensure_regions() -> bool:
    """Put the region tree back when it is missing (after a flush); True when it had to be loaded.

    Same rows as ``regions_load`` (the bundled CSVs, kept in memory after the first read), inserted with one
    ``executemany`` per level: about five times faster than the upserting loader, and no audit event."""
    from django.db import connection, transaction

    from bansos.regions.loader import DATA_DIR, LEVELS, read_rows
    from bansos.regions.models import Village

    if Village.objects.exists():
        return False
    if not _region_rows:
        for filename, _model, parent in LEVELS:
            _region_rows[filename] = [
                (row["code"], row["name"], *([row["parent_code"]] if parent else []))
                for row in read_rows(DATA_DIR / filename)
            ]
    with transaction.atomic(), connection.cursor() as cursor:
        for filename, model, parent in LEVELS:
            meta = model._meta
            columns = ["code", "name", *([parent] if parent else [])]  # a FK's column is "<field>_id"
            quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({quoted}) VALUES ({placeholders})",  # noqa: S608
                _region_rows[filename],
            )
    return True


def _uses_db(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", ())
    return item.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server", "site"} & set(fixtures)
    )


def _is_transactional(item: pytest.Item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    flagged = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    return flagged or bool({"transactional_db", "live_server", "site"} & fixtures)


_set_up = pytest.StashKey[bool]()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, Any, None]:
    if _regions_maybe_flushed.is_set() and _uses_db(item):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            ensure_regions()
        _regions_maybe_flushed.clear()
    outcome = yield
    item.stash[_set_up] = outcome.excinfo is None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None]:
    yield
    if item.stash.get(_set_up, False) and _is_transactional(item):  # its database was flushed
        _regions_maybe_flushed.set()


# --- the browser ------------------------------------------------------------------------------------------


def chromium_missing_reason() -> str | None:
    if Path(CHROMIUM).exists():
        return None
    return (
        f"Chromium not found at {CHROMIUM}: install Debian's package "
        "(apt-get install -y --no-install-recommends chromium) or set BANSOS_CHROMIUM"
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    reason = chromium_missing_reason()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves its event loop marked as running in this thread for as long as it is
    # started, which trips Django's async-safety guard on every (synchronous) ORM call of the tests and of
    # pytest-django's flush. The guard is lifted while the browser is up and restored afterwards.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale=LOCALE)  # type: ignore[arg-type]
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


# --- the live server --------------------------------------------------------------------------------------


def _collect_static(root: Path) -> None:
    """collectstatic with WhiteNoise's compressing storage (gzip, and brotli when installed) into ``root``."""
    from django.core.management import call_command
    from django.test import override_settings

    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)


def _static_handler(root: Path) -> Callable[[Any], Any]:
    def wrap(application: Any) -> Any:
        from django.conf import settings
        from whitenoise import WhiteNoise

        return WhiteNoise(application, root=str(root), prefix=settings.STATIC_URL)

    return wrap


@pytest.fixture(scope="session")
def browser_server(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A live server for the whole session (its base URL); static files compressed as in production."""
    from django.db import connections
    from django.test.testcases import LiveServerThread

    static_root = tmp_path_factory.mktemp("static")
    _collect_static(static_root)
    overrides = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()  # type: ignore[attr-defined]
    }
    thread = LiveServerThread(
        "127.0.0.1",
        static_handler=_static_handler(static_root),  # type: ignore[arg-type]
        connections_override=overrides,
        port=0,
    )
    thread.daemon = True
    for conn in overrides.values():
        conn.inc_thread_sharing()
    with django_db_blocker.unblock():
        thread.start()
        thread.is_ready.wait()
    if thread.error:
        raise thread.error
    try:
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        for conn in overrides.values():
            conn.dec_thread_sharing()
        shutil.rmtree(static_root, ignore_errors=True)


@pytest.fixture
def site(browser_server: str, transactional_db: None) -> str:
    """Base URL of the live server, with committed (visible to the server) data and the region tree."""
    ensure_regions()
    return browser_server
