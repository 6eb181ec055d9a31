"""Opening a service's repository on the backend its database URL names."""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import TypeVar

from pagemesh.runtime import DatabaseUrl
from pagemesh.storage._postgres import PostgresDatabase
from pagemesh.storage._spec import StoreSpec
from pagemesh.storage._sqlite import open_sqlite

__all__ = ["open_repository"]

R = TypeVar("R")


def open_repository(
    url: DatabaseUrl,
    spec: StoreSpec,
    *,
    sqlite: Callable[[sqlite3.Connection], R],
    postgres: Callable[[PostgresDatabase], R],
) -> tuple[R, Callable[[], Awaitable[None]]]:
    """The service's repository on `url` (made by `sqlite` or `postgres`), and how to release it.

    A SQLite file is opened, migrated and seeded (if new) here. A PostgreSQL database is only connected
    to on the first call, on the server's event loop, and must have been migrated by `pagemesh db
    migrate` with the owner role: the service's own role may not change the schema.
    """
    if url.path is not None:
        connection = open_sqlite(url.path, spec)

        async def close_sqlite() -> None:
            connection.close()

        return sqlite(connection), close_sqlite
    database = PostgresDatabase(url, spec)
    return postgres(database), database.close
