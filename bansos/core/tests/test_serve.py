"""``bansos serve``: argument handling and the gunicorn settings it builds, the production checks, and the
production settings module itself. No server is started (``run_gunicorn`` is replaced)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from bansos.core.management.commands import serve

ROOT = Path(__file__).resolve().parents[3]
MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
_ENGINE: dict[str, Any] = settings.TEMPLATES[0]
CACHED_TEMPLATES = [
    {
        **_ENGINE,
        "APP_DIRS": False,
        "OPTIONS": {
            **_ENGINE["OPTIONS"],
            "loaders": [
                ("django.template.loaders.cached.Loader", ["django.template.loaders.app_directories.Loader"])
            ],
        },
    }
]

# A browser test session in the same process sets DJANGO_ALLOW_ASYNC_UNSAFE (bansos/core/testing/browser.py).
ASYNC_UNSAFE = ["async.E001"]


def printed_config(*args: str, **env: str) -> dict[str, Any]:
    out = StringIO()
    with pytest.MonkeyPatch.context() as mp:
        for name in ("BANSOS_WORKERS", "WEB_CONCURRENCY", "BANSOS_BIND"):
            mp.delenv(name, raising=False)
        for name, value in env.items():
            mp.setenv(name, value)
        call_command("serve", "--print-config", *args, stdout=out)
    return json.loads(out.getvalue())


def test_workers_default_to_twice_the_cores_plus_one() -> None:
    assert serve.default_workers(1) == 3
    assert serve.default_workers(2) == 5
    config = serve.gunicorn_options({}, {}, cores=4)
    assert config["workers"] == 9
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["worker_class"] == "sync"
    assert config["preload_app"] is True
    assert printed_config()["workers"] == 2 * serve.cpu_count() + 1


def test_workers_and_bind_from_options_then_environment() -> None:
    assert printed_config("--workers", "7", WEB_CONCURRENCY="3")["workers"] == 7
    assert printed_config(WEB_CONCURRENCY="3")["workers"] == 3
    assert printed_config(BANSOS_WORKERS="4", WEB_CONCURRENCY="3")["workers"] == 4
    assert printed_config(BANSOS_BIND="0.0.0.0:9000")["bind"] == ["0.0.0.0:9000"]
    config = printed_config("--bind", "127.0.0.1:8301", "--bind", "unix:/run/bansos.sock", "--threads", "4")
    assert config["bind"] == ["127.0.0.1:8301", "unix:/run/bansos.sock"]
    assert config["threads"] == 4
    assert config["worker_class"] == "gthread"
    assert printed_config("--max-requests", "1000")["max_requests_jitter"] == 100
    assert printed_config("--access-log", "-")["accesslog"] == "-"


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--bind", "8000"], {}),
        (["--bind", "localhost:http"], {}),
        (["--bind", "127.0.0.1:70000"], {}),
        ([], {"BANSOS_BIND": "nowhere"}),
        ([], {"WEB_CONCURRENCY": "many"}),
        ([], {"BANSOS_WORKERS": "0"}),
    ],
)
def test_bad_bind_or_worker_count_is_refused(args: list[str], env: dict[str, str]) -> None:
    with pytest.raises(CommandError):
        printed_config(*args, **env)


@pytest.mark.parametrize("workers", ["0", "-2", "two"])
def test_bad_workers_option_is_refused(workers: str) -> None:
    with pytest.raises(CommandError):
        printed_config("--workers", workers)


def test_production_problems_lists_what_is_missing() -> None:
    with override_settings(
        DEBUG=True,
        STORAGES={"staticfiles": {"BACKEND": "x.Storage"}},
        STATIC_ROOT=None,
        TEMPLATES=CACHED_TEMPLATES,
    ):
        problems = serve.production_problems()
    assert problems == [
        "DEBUG is on",
        "static files storage is 'x.Storage', not WhiteNoise's compressed manifest storage",
        "STATIC_ROOT is not set",
    ]
    uncached = [
        {**CACHED_TEMPLATES[0], "OPTIONS": {"loaders": ["django.template.loaders.app_directories.Loader"]}}
    ]
    with override_settings(DEBUG=False, STORAGES=MANIFEST, STATIC_ROOT="/tmp/static", TEMPLATES=uncached):
        assert serve.production_problems() == ["templates are not loaded through the cached loader"]
    with override_settings(
        DEBUG=False, STORAGES=MANIFEST, STATIC_ROOT="/tmp/static", TEMPLATES=CACHED_TEMPLATES
    ):
        assert serve.production_problems() == []


def test_serve_refuses_settings_unfit_for_production(monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "run_gunicorn", started.append)
    with (
        override_settings(SILENCED_SYSTEM_CHECKS=ASYNC_UNSAFE),
        pytest.raises(CommandError, match="not fit for production serving"),
    ):  # test settings: plain storage
        call_command("serve", stdout=StringIO(), stderr=StringIO())
    assert started == []


def test_serve_checks_collects_static_and_starts_gunicorn(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    started: list[dict[str, Any]] = []
    monkeypatch.setattr(serve, "run_gunicorn", started.append)
    out, err = StringIO(), StringIO()
    with override_settings(
        STORAGES=MANIFEST,
        STATIC_ROOT=tmp_path,
        TEMPLATES=CACHED_TEMPLATES,
        SILENCED_SYSTEM_CHECKS=ASYNC_UNSAFE,
    ):
        call_command("serve", "--bind", "127.0.0.1:8399", "--workers", "2", stdout=out, stderr=err)
    assert started and started[0]["bind"] == ["127.0.0.1:8399"] and started[0]["workers"] == 2
    assert (tmp_path / "staticfiles.json").exists()  # collectstatic ran with the manifest storage
    assert list(tmp_path.glob("lookup/lookup.*.js.gz"))  # hashed and compressed
    assert "serving on 127.0.0.1:8399 with 2 workers" in out.getvalue()


def _settings_in_subprocess(module: str, code: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BANSOS_"))}
    environ.update({"DJANGO_SETTINGS_MODULE": module, **env})
    script = f"import django; django.setup(); from django.conf import settings as s; print(repr(({code})))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True, check=False
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


@pytest.mark.slow
def test_production_settings_are_hardened_and_refuse_missing_secrets() -> None:
    keys = {
        "DJANGO_SECRET_KEY": "x" * 50,
        "BANSOS_FIELD_KEYS": "k1:YmVuY2gtb25seS1maWVsZC1rZXktMzItYnl0ZXMhISE=",
        "BANSOS_BLIND_INDEX_KEY": "YmVuY2gtb25seS1ibGluZC1pbmRleC1rZXktMzJiISE=",
    }
    code = (
        "s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, "
        "s.STORAGES['staticfiles']['BACKEND'], s.TEMPLATES[0]['OPTIONS']['loaders'][0][0], "
        "'whitenoise.middleware.WhiteNoiseMiddleware' in s.MIDDLEWARE"
    )
    assert _settings_in_subprocess("config.settings.production", code, **keys) == (
        "(False, True, True, 31536000, 'whitenoise.storage.CompressedManifestStaticFilesStorage', "
        "'django.template.loaders.cached.Loader', True)"
    )
    assert "DJANGO_SECRET_KEY must be set" in _settings_in_subprocess("config.settings.production", "1")
