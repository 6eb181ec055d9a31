"""Opening a service's SQLite store: created and seeded in one transaction on first start.

Queries run on the event loop's thread: they are indexed reads on a local file that take tens of
microseconds, less than a hop to a worker thread would cost. A server database behind the same
repository interface would use an async driver instead.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import grpc

from pagemesh.runtime._errors import PagemeshError

__all__ = ["StoreError", "open_store"]


class StoreError(PagemeshError):
    """A service's store cannot be opened or created."""

    code = grpc.StatusCode.UNAVAILABLE


def open_store(path: Path, schema: str, seed: Callable[[sqlite3.Connection], None]) -> sqlite3.Connection:
    """Opens (creating and seeding if new) the SQLite file at `path` with `schema`'s tables."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except (OSError, sqlite3.Error) as error:
        raise StoreError(f"cannot open the store {str(path)!r}: {error}") from error
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    try:
        connection.execute("BEGIN IMMEDIATE")
        fresh = (
            connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0] == 0
        )
        if fresh:
            # executescript() would commit first; statements one by one keep schema and seed atomic.
            for statement in schema.split(";"):
                if statement.strip():
                    connection.execute(statement)
            seed(connection)
        connection.execute("COMMIT")
    except sqlite3.Error as error:
        connection.close()
        raise StoreError(f"cannot use the store {str(path)!r}: {error}") from error
    except BaseException:
        connection.execute("ROLLBACK")
        connection.close()
        raise
    return connection
