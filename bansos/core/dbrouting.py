"""Database connections from the environment, and the router sending public reads to a read replica.

``databases_from_env`` builds ``DATABASES`` (called by config/settings/base.py):

* ``DATABASE_URL`` — the primary ("default"); SQLite under var/ when unset.
* PostgreSQL connections are reused: ``CONN_MAX_AGE`` 600 s by default (``DATABASE_CONN_MAX_AGE``);
  ``DATABASE_HEALTH_CHECKS=true`` pings a reused connection before each request (one more round trip). With
  ``DATABASE_POOL=true`` psycopg's connection pool is used instead (Django ≥ 5.1 ``OPTIONS["pool"]``;
  ``CONN_MAX_AGE`` must then be 0); ``DATABASE_POOL_MIN_SIZE`` / ``DATABASE_POOL_MAX_SIZE`` size it.
* ``DATABASE_REPLICA_URL`` — adds a "replica" database (same options). Tests use it as a mirror of the
  primary (``TEST["MIRROR"]``), so no second test database is created.
* ``DATABASE_PREPARED_STATEMENTS`` (default true) lets ``prepared_cursor()`` have PostgreSQL plan the public
  check's few fixed statements once per connection instead of on every request (planning the NIK check's
  three-table join costs several times its execution). Every other query keeps Django's client-side
  binding, which is never prepared. Set it to false behind a transaction-pooling PgBouncer older than 1.21
  (it cannot follow prepared statements across server connections).

``ReplicaRouter`` (in ``DATABASE_ROUTERS``) sends reads made inside ``public_read()`` (a context manager and a
decorator; the public status check wraps its reads in it) to "replica" when that database is configured;
every other read, and every write, goes to "default". Replication lag only delays what the public sees,
never what an officer reads or writes.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import dj_database_url

REPLICA = "replica"
DEFAULT_CONN_MAX_AGE = 600
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

_public_read: contextvars.ContextVar[bool] = contextvars.ContextVar("bansos_public_read", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def _database(url: str, environ: Mapping[str, str]) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url))
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = int(environ.get("DATABASE_CONN_MAX_AGE", "0"))
        options.update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    elif environ.get("DATABASE_POOL", "").strip().lower() in _TRUE:
        config["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django refuses both at once
        options["pool"] = {
            "min_size": int(environ.get("DATABASE_POOL_MIN_SIZE", "2")),
            "max_size": int(environ.get("DATABASE_POOL_MAX_SIZE", "10")),
            "timeout": 10,
        }
    else:
        config["CONN_MAX_AGE"] = int(environ.get("DATABASE_CONN_MAX_AGE", str(DEFAULT_CONN_MAX_AGE)))
        # A health check is one more round trip per request; without it a connection the server dropped
        # fails one request and is then replaced (Django closes connections that had errors).
        config["CONN_HEALTH_CHECKS"] = environ.get("DATABASE_HEALTH_CHECKS", "").strip().lower() in _TRUE
    if config["ENGINE"] != "django.db.backends.sqlite3":
        prepared = environ.get("DATABASE_PREPARED_STATEMENTS", "true").strip().lower() not in _FALSE
        # Django turns psycopg's prepared statements off (None). 0 prepares a statement the first time a
        # server-binding cursor runs it; only prepared_cursor() makes such cursors, Django's own are
        # client-side binding cursors, which psycopg never prepares.
        options["prepare_threshold"] = 0 if prepared else None
    return config


def databases_from_env(environ: Mapping[str, str], default_url: str) -> dict[str, dict[str, Any]]:
    databases = {"default": _database(environ.get("DATABASE_URL") or default_url, environ)}
    replica_url = environ.get("DATABASE_REPLICA_URL", "").strip()
    if replica_url:
        replica = _database(replica_url, environ)
        replica["TEST"] = {"MIRROR": "default"}
        databases[REPLICA] = replica
    return databases


@contextmanager
def _public_read_block() -> Iterator[None]:
    token = _public_read.set(True)
    try:
        yield
    finally:
        _public_read.reset(token)


def public_read(func: Callable[P, R] | None = None) -> Any:
    """``with public_read(): ...`` or ``@public_read``: reads inside go to the replica when there is one.

    Only for reads that may be a little stale (the public check); never wrap a read that decides a write."""
    if func is None:
        return _public_read_block()

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with _public_read_block():
            return func(*args, **kwargs)

    return wrapper


def in_public_read() -> bool:
    return _public_read.get()


_SERVER_CURSOR = "_bansos_server_cursor"


def _server_cursor(connection: Any) -> Any:
    """The server-binding cursor (the kind psycopg prepares statements for) of ``connection``'s current
    driver connection, made on first use and kept while that driver connection lasts: a fresh cursor per
    check cost ~15 µs, most of it finding the loaders of the result's columns again. Django's wrapper
    object belongs to one thread, and so does its cursor; a reconnect (or a connection from the pool)
    makes a new one."""
    driver = connection.connection
    held = connection.__dict__.get(_SERVER_CURSOR)
    if held is None or held[0] is not driver or held[1].closed:
        import psycopg

        with connection.wrap_database_errors:
            held = (driver, psycopg.Cursor(driver))
        connection.__dict__[_SERVER_CURSOR] = held
    return held[1]


@contextmanager
def prepared_cursor(alias: str = "default") -> Iterator[Any]:
    """A cursor on ``connections[alias]`` whose statements are prepared on PostgreSQL (planned once per
    connection, then only executed) when DATABASE_PREPARED_STATEMENTS allows it; a plain cursor otherwise
    (SQLite caches its statements by itself). For a few fixed, frequent statements: every distinct SQL
    text becomes a prepared statement on each connection (psycopg keeps the 100 latest).

    On PostgreSQL the cursor is the connection's one reused server-binding cursor (see _server_cursor): it
    is not closed on leaving, and what it fetched stays readable only until the next statement on it."""
    from django.db import connections

    connection = connections[alias]
    prepared = connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
    if connection.vendor != "postgresql" or not prepared:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.close_if_health_check_failed()  # as connection.cursor() does (DATABASE_HEALTH_CHECKS)
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = _server_cursor(connection)
    # Wrapped like Django's own cursors: query logging (tests, DEBUG), execute wrappers, error mapping.
    yield connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


class ReplicaRouter:
    """Reads inside ``public_read()`` go to "replica" when configured; everything else to "default"."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if _public_read.get():
            from django.conf import settings

            if REPLICA in settings.DATABASES:
                return REPLICA
        return None

    def db_for_write(self, model: type, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db != REPLICA  # the replica follows the primary through replication
