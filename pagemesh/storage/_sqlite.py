"""A service's SQLite store: a local file, migrated (and seeded when new) as the service opens it.

Queries run on the event loop's thread: they are indexed reads on a local file that take tens of
microseconds, less than a hop to a worker thread would cost. Unlike PostgreSQL, a SQLite file has no
roles to keep a service from changing its schema, so the service applies its own pending migrations
when it opens the file (one transaction each, see `pagemesh.storage._migrations`).
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pagemesh.storage._errors import SchemaError, StoreError
from pagemesh.storage._migrations import VERSION_TABLE, MigrationResult, load_migrations
from pagemesh.storage._spec import SeedRows, StoreSpec

__all__ = ["connect_sqlite", "migrate_sqlite", "open_sqlite", "seed_sqlite", "sqlite_version"]


def connect_sqlite(path: Path) -> sqlite3.Connection:
    """Opens (creating if missing) the SQLite file at `path`, in WAL mode for concurrent readers."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: the runner and the seed open their transactions themselves. Replicas sharing
        # the file wait up to 2 s for each other's write lock.
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=2.0)
        connection.row_factory = sqlite3.Row
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
    except (OSError, sqlite3.Error) as error:
        raise StoreError(f"cannot open the store {str(path)!r}: {error}") from error
    return connection


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return connection.execute(query, (name,)).fetchone() is not None


def sqlite_version(connection: sqlite3.Connection) -> int:
    """The schema version recorded in the file (0 for a new one)."""
    if not _has_table(connection, VERSION_TABLE):
        return 0
    return int(connection.execute(f"SELECT coalesce(max(version), 0) FROM {VERSION_TABLE}").fetchone()[0])


def migrate_sqlite(connection: sqlite3.Connection, spec: StoreSpec) -> MigrationResult:
    """Applies the service's pending SQLite migrations, each in its own transaction."""
    migrations = load_migrations(spec.migration_dir("sqlite"))
    before = sqlite_version(connection)
    first_table = next(iter(spec.seed()))
    legacy = before == 0 and _has_table(connection, first_table)
    connection.execute(
        f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    if legacy and migrations:
        # A file made before migrations existed has exactly the first migration's schema: adopt it.
        connection.execute(
            f"INSERT OR IGNORE INTO {VERSION_TABLE} VALUES (1, ?, strftime('%Y-%m-%dT%H:%M:%fZ'))",
            (migrations[0].name,),
        )
        before = 1
    for migration in migrations:
        # IMMEDIATE takes the write lock first, so two processes opening a new file do not both apply it.
        connection.execute("BEGIN IMMEDIATE")
        try:
            if sqlite_version(connection) >= migration.version:
                connection.execute("COMMIT")
                continue
            for statement in migration.statements:
                connection.execute(statement)
            connection.execute(
                f"INSERT INTO {VERSION_TABLE} VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ'))",
                (migration.version, migration.name),
            )
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            connection.execute("ROLLBACK")
            raise SchemaError(
                f"{spec.service}: migration {migration.version:04d}_{migration.name} failed ({error}); "
                f"the database stays at version {sqlite_version(connection)}"
            ) from error
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    return MigrationResult(before, sqlite_version(connection))


def _sqlite_value(value: Any) -> Any:
    # SQLite has no date or boolean types: dates are ISO 8601 text, booleans 0 or 1.
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def seed_sqlite(connection: sqlite3.Connection, rows: SeedRows) -> int:
    """Fills empty tables with the demo rows in one transaction; returns how many (0: they had rows)."""
    tables = list(rows)
    connection.execute("BEGIN IMMEDIATE")
    try:
        if connection.execute(f"SELECT 1 FROM {tables[0]} LIMIT 1").fetchone() is not None:
            connection.execute("COMMIT")
            return 0
        inserted = 0
        for table, table_rows in rows.items():
            if not table_rows:
                continue
            marks = ", ".join("?" * len(table_rows[0]))
            connection.executemany(
                f"INSERT INTO {table} VALUES ({marks})",
                [tuple(map(_sqlite_value, row)) for row in table_rows],
            )
            inserted += len(table_rows)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return inserted


def open_sqlite(path: Path, spec: StoreSpec) -> sqlite3.Connection:
    """The service's SQLite file, migrated to the latest version, and seeded if it was new."""
    connection = connect_sqlite(path)
    try:
        result = migrate_sqlite(connection, spec)
        if result.before == 0:
            seed_sqlite(connection, spec.seed())
    except sqlite3.Error as error:
        connection.close()
        raise StoreError(f"cannot use the store {str(path)!r}: {error}") from error
    except BaseException:
        connection.close()
        raise
    return connection
