"""The history service's storage: the last time each user looked at each product."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from pagemesh.storage import SeedRows, StoreSpec
from services import demo_data
from services.domain import datetime_from_iso
from services.history._model import View

__all__ = ["STORE", "SqliteViewRepository", "ViewRepository"]


class ViewRepository(Protocol):
    """Reads and records views (in SQLite here, in PostgreSQL in `_store_postgres`)."""

    async def recent(self, user_id: str, offset: int, limit: int) -> tuple[list[View], int]:
        """Up to `limit` of the user's views from `offset`, newest first, and how many there are."""
        ...

    async def record(self, view: View) -> View:
        """Stores a view (replacing the user's earlier view of the same product) and returns it."""
        ...


def _seed_rows() -> SeedRows:
    return {"views": [(v.user_id, v.product_id, v.title, v.viewed) for v in demo_data.catalogue().views]}


STORE = StoreSpec("history", Path(__file__).parent / "migrations", _seed_rows, writes=True)
"""The history service's store on either backend (it records views: its role may write rows)."""


class SqliteViewRepository:
    """Views in a SQLite file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

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
