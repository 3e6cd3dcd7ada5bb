"""The initial-load mode of the import on PostgreSQL: fill empty registry tables the way pg_restore does.

When the household and person tables are both empty, the whole import runs in one transaction that
first takes ACCESS EXCLUSIVE locks on both tables (nobody reads or writes them until it commits), then,
for each table in turn, drops its secondary indexes and its unique and foreign-key constraints, COPYs
the rows in, and creates them again. One index build over all rows is much cheaper than maintaining the
index row by row, and a foreign key added to a filled table is checked by one join instead of a trigger
per row. The primary keys and CHECK constraints stay.

Because PostgreSQL's DDL is transactional, an interruption (error, kill, lost connection) rolls back the
drops together with the rows: the tables are empty again with every index and constraint in place, and
the run's checkpoint is still at zero, so running the import again starts the initial load afresh. The
uniqueness the dropped constraints would have checked is checked by the importer (a NIK or KK twice in a
file is rejected) and, for good measure, by the constraints when they are created again: a violation
fails the load and rolls it all back.
"""

# ruff: noqa: S608  -- SQL is assembled from catalogue names (quoted) and definitions PostgreSQL printed.
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection

from bansos.registry.models import Household, Person

TABLES = (Household._meta.db_table, Person._meta.db_table)
MAINTENANCE_WORK_MEM = "256MB"  # for the index builds, in this transaction only


@dataclass(frozen=True)
class Structure:
    """A secondary index or a unique/foreign-key constraint: how to drop it and how to create it again."""

    name: str
    drop: str
    create: str


def tables_empty() -> bool:
    """Both registry tables are empty (a quick look, without locks)."""
    with connection.cursor() as cursor:
        cursor.execute(
            " OR ".join(f"EXISTS (SELECT 1 FROM {table})" for table in TABLES).join(("SELECT NOT (", ")"))
        )
        (empty,) = cursor.fetchone()
    return bool(empty)


def lock_empty_tables() -> bool:
    """Inside a transaction: lock both tables against everyone else (until the transaction ends) and say
    whether they are still empty."""
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {', '.join(TABLES)} IN ACCESS EXCLUSIVE MODE")
        # A caller's enclosing transaction may have left deferred foreign-key checks queued (rows written
        # and deleted before): run them now, since a table with queued checks cannot be altered. Django
        # declares every foreign key DEFERRABLE INITIALLY DEFERRED, so ALL DEFERRED restores the mode.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return tables_empty()


def secondary_structures(table: str) -> list[Structure]:
    """The table's unique and foreign-key constraints and its other non-primary indexes."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname, pg_get_constraintdef(c.oid), c.contype
            FROM pg_constraint c
            WHERE c.conrelid = %s::regclass AND c.contype IN ('u', 'f')
            ORDER BY c.contype DESC, c.conname  -- unique before foreign keys
            """,
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """
            SELECT i.relname, pg_get_indexdef(x.indexrelid)
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
            WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
            ORDER BY i.relname
            """,
            [table],
        )
        indexes = cursor.fetchall()
    quote = connection.ops.quote_name
    structures = [Structure(name, f"DROP INDEX {quote(name)}", definition) for name, definition in indexes]
    structures += [
        Structure(
            name,
            f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}",
            f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}",
        )
        for name, definition, _kind in constraints
    ]
    return structures  # in the order to create them: indexes, unique constraints, foreign keys


@contextlib.contextmanager
def indexes_deferred(table: str) -> Iterator[list[Structure]]:
    """Drop the table's secondary indexes and unique/foreign-key constraints; create them again when the
    block ends without an error (after an error the transaction is rolled back, which restores them).
    Call it inside the transaction that holds :func:`lock_empty_tables`'s locks."""
    structures = secondary_structures(table)
    with connection.cursor() as cursor:
        for structure in reversed(structures):
            cursor.execute(structure.drop)
    yield structures
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{MAINTENANCE_WORK_MEM}'")
        for structure in structures:
            cursor.execute(structure.create)
        cursor.execute(f"ANALYZE {table}")
