"""The history service's storage: the last time each user looked at each product.

Views arrive two ways: the RecordView RPC (old clients) and the `ProductViewed` events of the bus
(`services.history._consumer`). Events can be delivered more than once, so the IDs of applied events are
kept in `applied_events`, written in the same transaction as the views they changed: an event whose ID is
there already changes nothing (`services.events.AppliedEvents`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from pagemesh.storage import SeedRows, StoreSpec
from services import demo_data
from services.domain import datetime_from_iso
from services.events import AppliedEvents
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

    async def apply_views(self, views: Sequence[tuple[str, View]]) -> int:
        """Records views from events (event ID, view) in one transaction, skipping event IDs applied
        before; returns how many were new."""
        ...


def _seed_rows() -> SeedRows:
    return {"views": [(v.user_id, v.product_id, v.title, v.viewed) for v in demo_data.catalogue().views]}


STORE = StoreSpec("history", Path(__file__).parent / "migrations", _seed_rows, writes=True)
"""The history service's store on either backend (it records views: its role may write rows)."""


_UPSERT = (
    "INSERT INTO views VALUES (?, ?, ?, ?) ON CONFLICT (user_id, product_id) DO UPDATE SET "
    "title = CASE WHEN excluded.title != '' THEN excluded.title ELSE views.title END, "
    "viewed = max(views.viewed, excluded.viewed)"
)


class SqliteViewRepository:
    """Views in a SQLite file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._applied = AppliedEvents()

    async def recent(self, user_id: str, offset: int, limit: int) -> tuple[list[View], int]:
        total = self._db.execute("SELECT count(*) FROM views WHERE user_id = ?", (user_id,)).fetchone()[0]
        rows = self._db.execute(
            "SELECT product_id, title, viewed FROM views WHERE user_id = ? "
            "ORDER BY viewed DESC, product_id LIMIT ? OFFSET ?",
            (user_id, limit, offset),
        )
        return [View(user_id, pid, title, datetime_from_iso(viewed)) for pid, title, viewed in rows], total

    async def record(self, view: View) -> View:
        self._db.execute(_UPSERT, (view.user_id, view.product_id, view.title, view.viewed.isoformat()))
        pid, title, viewed = self._db.execute(
            "SELECT product_id, title, viewed FROM views WHERE user_id = ? AND product_id = ?",
            (view.user_id, view.product_id),
        ).fetchone()
        return View(view.user_id, pid, title, datetime_from_iso(viewed))

    async def apply_views(self, views: Sequence[tuple[str, View]]) -> int:
        now = time.time()
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            fresh = self._applied.first_time_sqlite(db, [event_id for event_id, _ in views], now)
            rows = [
                (view.user_id, view.product_id, view.title, view.viewed.isoformat())
                for (_, view), apply in zip(views, fresh, strict=True)
                if apply
            ]
            db.executemany(_UPSERT, rows)
            applied = len(rows)
            self._applied.done_sqlite(db, applied, now)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return applied
