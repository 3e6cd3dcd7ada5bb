"""``bansos serve``: run the site in production with gunicorn.

Before starting it runs Django's deployment checks (``check --deploy``: errors stop it, warnings are
printed), checks what production serving needs (DEBUG off, WhiteNoise's compressed manifest storage, the
cached template loader) and runs ``collectstatic``. Then gunicorn serves ``config.wsgi`` with
2 × cores + 1 workers (``--workers`` or ``BANSOS_WORKERS``/``WEB_CONCURRENCY`` override), bound to
``--bind`` (``BANSOS_BIND``, default 127.0.0.1:8000; several allowed). ``--print-config`` prints the
gunicorn settings and exits without serving. Run it with DJANGO_SETTINGS_MODULE=config.settings.production.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

DEFAULT_BIND = "127.0.0.1:8000"
MANIFEST_STORAGES = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage",
    "django.contrib.staticfiles.storage.ManifestStaticFilesStorage",
)
CACHED_LOADER = "django.template.loaders.cached.Loader"


def cpu_count() -> int:
    """Cores this process may run on (the affinity mask, so a container's limit is respected)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not available on every platform
        return max(1, os.cpu_count() or 1)


def default_workers(cores: int) -> int:
    return 2 * cores + 1


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


def _bind(text: str) -> str:
    """host:port, [ipv6]:port or unix:/path."""
    if text.startswith("unix:"):
        if len(text) <= len("unix:"):
            raise ValueError(text)
        return text
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(text)
    return text


def gunicorn_options(
    options: Mapping[str, Any], environ: Mapping[str, str], cores: int | None = None
) -> dict[str, Any]:
    """The gunicorn settings for the parsed command options; the environment fills what was not given."""
    workers = options.get("workers")
    if workers is None:
        from_env = environ.get("BANSOS_WORKERS") or environ.get("WEB_CONCURRENCY")
        try:
            workers = _positive(from_env) if from_env else default_workers(cores or cpu_count())
        except ValueError:
            raise CommandError(
                f"BANSOS_WORKERS/WEB_CONCURRENCY must be a positive number: {from_env!r}"
            ) from None
    binds = list(options.get("bind") or []) or [environ.get("BANSOS_BIND") or DEFAULT_BIND]
    for address in binds:
        try:
            _bind(address)
        except ValueError:
            raise CommandError(f"bind address must be host:port or unix:/path: {address!r}") from None
    threads = int(options.get("threads") or 1)
    return {
        "bind": binds,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": int(options.get("timeout") or 30),
        "graceful_timeout": 30,
        "keepalive": 5,
        "max_requests": int(options.get("max_requests") or 0),
        "max_requests_jitter": int(options.get("max_requests") or 0) // 10,
        "preload_app": True,
        "accesslog": options.get("access_log") or None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "bansos",
        "forwarded_allow_ips": environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        "control_socket_disable": True,  # no shared ~/.gunicorn/gunicorn.ctl between instances
    }


def production_problems() -> list[str]:
    """What makes the current settings unfit for production serving (empty when fine)."""
    problems = []
    if settings.DEBUG:
        problems.append("DEBUG is on")
    storage = settings.STORAGES.get("staticfiles", {}).get("BACKEND", "")
    if storage not in MANIFEST_STORAGES:
        problems.append(f"static files storage is {storage!r}, not WhiteNoise's compressed manifest storage")
    if not settings.STATIC_ROOT:
        problems.append("STATIC_ROOT is not set")
    if "whitenoise.middleware.WhiteNoiseMiddleware" not in settings.MIDDLEWARE:
        problems.append("WhiteNoiseMiddleware is not installed")
    engines: list[dict[str, Any]] = settings.TEMPLATES
    for engine in engines:
        if engine["BACKEND"] != "django.template.backends.django.DjangoTemplates":
            continue
        loaders = engine.get("OPTIONS", {}).get("loaders")
        if loaders is not None and not any(
            isinstance(loader, (tuple, list)) and loader[0] == CACHED_LOADER for loader in loaders
        ):
            problems.append("templates are not loaded through the cached loader")
    return problems


class Command(BaseCommand):
    help = "Serve the site in production with gunicorn (checks and collectstatic first)."
    requires_system_checks: list[str] = []  # run explicitly, with --deploy, in handle()

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind",
            action="append",
            metavar="ADDRESS",
            help=f"host:port or unix:/path, repeatable (default $BANSOS_BIND or {DEFAULT_BIND})",
        )
        parser.add_argument(
            "--workers",
            type=_positive,
            help="worker processes (default $BANSOS_WORKERS, $WEB_CONCURRENCY or 2 x cores + 1)",
        )
        parser.add_argument("--threads", type=_positive, default=1, help="threads per worker (default 1)")
        parser.add_argument("--timeout", type=_positive, default=30, help="worker timeout, seconds")
        parser.add_argument(
            "--max-requests", type=int, default=0, help="restart a worker after this many requests (0: never)"
        )
        parser.add_argument(
            "--access-log", metavar="FILE", help="access log file ('-' for stdout); off by default"
        )
        parser.add_argument("--no-collectstatic", action="store_true", help="do not run collectstatic first")
        parser.add_argument("--no-checks", action="store_true", help="do not run the deployment checks")
        parser.add_argument(
            "--print-config", action="store_true", help="print the gunicorn settings and exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        config = gunicorn_options(options, os.environ)
        if options["print_config"]:
            self.stdout.write(json.dumps(config, indent=2, sort_keys=True))
            return
        if not options["no_checks"]:
            call_command("check", deploy=True, fail_level="ERROR", stdout=self.stderr, stderr=self.stderr)
            problems = production_problems()
            if problems:
                raise CommandError("not fit for production serving: " + "; ".join(problems))
        if not options["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        if getattr(settings, "LOOKUP_ANTIBOT_BYPASS_TOKEN", ""):
            self.stderr.write(
                "WARNING: anti-bot bypass token accepted (benchmark settings, never production)"
            )
        connections.close_all()  # nothing opened before the fork is shared with the workers
        self.stdout.write(
            f"serving on {', '.join(config['bind'])} with {config['workers']} workers "
            f"x {config['threads']} threads ({settings.SETTINGS_MODULE})"
        )
        self.stdout.flush()
        run_gunicorn(config)


def run_gunicorn(config: dict[str, Any]) -> None:  # pragma: no cover - starts a server, blocks
    from django.core.wsgi import get_wsgi_application
    from gunicorn.app.base import BaseApplication

    application = get_wsgi_application()

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in config.items():
                if value is not None:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    Server().run()
