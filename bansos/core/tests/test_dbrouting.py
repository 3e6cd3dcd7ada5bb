"""Database settings from the environment (connection reuse, pool, replica) and the replica router."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection, router
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from bansos.core.dbrouting import (
    ReplicaRouter,
    databases_from_env,
    in_public_read,
    prepared_cursor,
    public_read,
)
from bansos.registry.models import Person

PG = "postgres://bansos@db.example:5432/bansos"
REPLICA_PG = "postgres://bansos@replica.example:5432/bansos"
SQLITE = "sqlite:////tmp/bansos.sqlite3"


def test_postgres_connections_are_reused_by_default() -> None:
    databases = databases_from_env({"DATABASE_URL": PG}, SQLITE)
    assert list(databases) == ["default"]
    default = databases["default"]
    assert default["ENGINE"] == "django.db.backends.postgresql"
    assert default["CONN_MAX_AGE"] == 600
    assert default["CONN_HEALTH_CHECKS"] is False
    env = {"DATABASE_URL": PG, "DATABASE_HEALTH_CHECKS": "true"}
    assert databases_from_env(env, SQLITE)["default"]["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in default["OPTIONS"]
    assert (
        databases_from_env({"DATABASE_URL": PG, "DATABASE_CONN_MAX_AGE": "0"}, SQLITE)["default"][
            "CONN_MAX_AGE"
        ]
        == 0
    )


def test_pool_replaces_persistent_connections() -> None:
    env = {"DATABASE_URL": PG, "DATABASE_POOL": "true", "DATABASE_POOL_MAX_SIZE": "20"}
    default = databases_from_env(env, SQLITE)["default"]
    assert default["CONN_MAX_AGE"] == 0
    assert default["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 20, "timeout": 10}


def test_sqlite_default_keeps_its_options() -> None:
    default = databases_from_env({}, SQLITE)["default"]
    assert default["ENGINE"] == "django.db.backends.sqlite3"
    assert default["NAME"] == "/tmp/bansos.sqlite3"
    assert default["CONN_MAX_AGE"] == 0
    assert default["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


def test_replica_url_adds_a_replica_mirrored_in_tests() -> None:
    databases = databases_from_env({"DATABASE_URL": PG, "DATABASE_REPLICA_URL": REPLICA_PG}, SQLITE)
    assert list(databases) == ["default", "replica"]
    assert databases["replica"]["HOST"] == "replica.example"
    assert databases["replica"]["CONN_MAX_AGE"] == 600
    assert databases["replica"]["TEST"] == {"MIRROR": "default"}


def test_public_read_is_a_context_manager_and_a_decorator() -> None:
    assert not in_public_read()
    with public_read():
        assert in_public_read()
    assert not in_public_read()

    @public_read
    def read() -> bool:
        return in_public_read()

    assert read() is True
    assert not in_public_read()
    with pytest.raises(ZeroDivisionError), public_read():
        1 / 0  # noqa: B018
    assert not in_public_read()  # reset even when the block raises


def test_router_without_replica_sends_everything_to_default() -> None:
    assert "replica" not in settings.DATABASES
    assert "bansos.core.dbrouting.ReplicaRouter" in settings.DATABASE_ROUTERS
    with public_read():
        assert router.db_for_read(Person) == "default"
        assert Person.objects.all().db == "default"
    assert router.db_for_write(Person) == "default"


def test_router_with_replica_sends_public_reads_there_and_writes_to_default() -> None:
    databases = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}
    with override_settings(DATABASES=databases):
        assert router.db_for_read(Person) == "default"  # officers and everything else: the primary
        with public_read():
            assert router.db_for_read(Person) == "replica"
            assert Person.objects.all().db == "replica"
            assert router.db_for_write(Person) == "default"
            assert Person.objects.none().db == "replica"
        assert Person.objects.all().db == "default"
        assert ReplicaRouter().allow_migrate("replica", "registry") is False
        assert ReplicaRouter().allow_migrate("default", "registry") is True


def test_prepared_statements_are_on_by_default_for_postgres_only() -> None:
    assert databases_from_env({"DATABASE_URL": PG}, SQLITE)["default"]["OPTIONS"]["prepare_threshold"] == 0
    pooled = databases_from_env({"DATABASE_URL": PG, "DATABASE_POOL": "true"}, SQLITE)["default"]
    assert pooled["OPTIONS"]["prepare_threshold"] == 0
    env = {"DATABASE_URL": PG, "DATABASE_PREPARED_STATEMENTS": "false"}
    assert databases_from_env(env, SQLITE)["default"]["OPTIONS"]["prepare_threshold"] is None
    assert "prepare_threshold" not in databases_from_env({}, SQLITE)["default"]["OPTIONS"]


@pytest.mark.django_db
def test_prepared_cursor_runs_logged_queries_and_prepares_them_on_postgres() -> None:
    sql = "SELECT count(*) FROM registry_person WHERE village_id = %s"
    with CaptureQueriesContext(connection) as queries:
        for _ in range(2):
            with prepared_cursor() as cursor:
                cursor.execute(sql, ["1101012001"])
                assert cursor.fetchone() == (0,)
    assert len(queries) == 2  # logged like any other query (tests, DEBUG)
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert prepared.count(sql.replace("%s", "$1")) == 1  # planned once, executed twice
    with connection.cursor() as cursor:  # Django's own cursors are never prepared
        cursor.execute("SELECT count(*) FROM registry_household WHERE village_id = %s", ["1101012001"])
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%household%"])
        assert cursor.fetchone() == (0,)


@pytest.mark.django_db(transaction=True)
def test_prepared_cursor_keeps_one_server_cursor_per_driver_connection() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("server-binding cursors are PostgreSQL's")
    from django.db import DatabaseError

    def raw_cursor() -> object:
        with prepared_cursor() as cursor:
            cursor.execute("SELECT %s::int", [7])
            assert cursor.fetchone() == (7,)
            return cursor.cursor

    first = raw_cursor()
    assert raw_cursor() is first  # reused: not closed on leaving the block
    with pytest.raises(DatabaseError), prepared_cursor() as cursor:  # mapped to Django's errors
        cursor.execute("SELECT 1 / %s", [0])
    assert raw_cursor() is first  # an error in autocommit leaves the cursor usable
    connection.close()
    second = raw_cursor()  # a new driver connection gets its own cursor
    assert second is not first
    assert second.connection is connection.connection  # type: ignore[attr-defined]
