"""The history service's storage: the last time each user looked at each product."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from pagemesh.runtime import open_store
from services import demo_data
from services.domain import datetime_from_iso
from services.history._model import View

__all__ = ["SqliteViewRepository", "ViewRepository"]


class ViewRepository(Protocol):
    """Reads and records views; a server database can implement this in place of SQLite."""

    async def recent(self, user_id: str, offset: int, limit: int) -> tuple[list[View], int]:
        """Up to `limit` of the user's views from `offset`, newest first, and how many there are."""
        ...

    async def record(self, view: View) -> View:
        """Stores a view (replacing the user's earlier view of the same product) and returns it."""
        ...


_SCHEMA = """
CREATE TABLE views (
    user_id TEXT NOT NULL, product_id TEXT NOT NULL, title TEXT NOT NULL, viewed TEXT NOT NULL,
    PRIMARY KEY (user_id, product_id)
);
CREATE INDEX views_by_recency ON views (user_id, viewed DESC, product_id)
"""


def _seed(connection: sqlite3.Connection) -> None:
    connection.executemany(
        "INSERT INTO views VALUES (?, ?, ?, ?)",
        [(v.user_id, v.product_id, v.title, v.viewed.isoformat()) for v in demo_data.catalogue().views],
    )


class SqliteViewRepository:
    """Views in a SQLite file, seeded with the demo data set on first start."""

    def __init__(self, path: Path) -> None:
        self._db = open_store(path, _SCHEMA, _seed)

    def close(self) -> None:
        """Closes the file."""
        self._db.close()

    async def recent(self, user_id: str, offset: int, limit: int) -> tuple[list[View], int]:
        total = self._db.execute("SELECT count(*) FROM views WHERE user_id = ?", (user_id,)).fetchone()[0]
        rows = self._db.execute(
            "SELECT product_id, title, viewed FROM views WHERE user_id = ? "
            "ORDER BY viewed DESC, product_id LIMIT ? OFFSET ?",
            (user_id, limit, offset),
        )
        return [View(user_id, pid, title, datetime_from_iso(viewed)) for pid, title, viewed in rows], total

    async def record(self, view: View) -> View:
        self._db.execute(
            "INSERT INTO views VALUES (?, ?, ?, ?) ON CONFLICT (user_id, product_id) DO UPDATE SET "
            "title = CASE WHEN excluded.title != '' THEN excluded.title ELSE views.title END, "
            "viewed = max(views.viewed, excluded.viewed)",
            (view.user_id, view.product_id, view.title, view.viewed.isoformat()),
        )
        pid, title, viewed = self._db.execute(
            "SELECT product_id, title, viewed FROM views WHERE user_id = ? AND product_id = ?",
            (view.user_id, view.product_id),
        ).fetchone()
        return View(view.user_id, pid, title, datetime_from_iso(viewed))
