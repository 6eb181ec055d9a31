"""The history service's views in PostgreSQL (the schema is in `migrations/postgresql/`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pagemesh.storage import PostgresDatabase
from services.events import AppliedEvents
from services.history._model import View

__all__ = ["PostgresViewRepository"]

_COUNT = "SELECT count(*) FROM views WHERE user_id = $1"
# The page and the total in one round trip: the window count is taken before LIMIT applies.
_RECENT = """
    SELECT product_id, title, viewed, count(*) OVER () AS total FROM views WHERE user_id = $1
    ORDER BY viewed DESC, product_id LIMIT $2 OFFSET $3
"""
# A later view of the same product replaces the earlier one; an empty title keeps the known one.
_RECORD = """
    INSERT INTO views VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, product_id) DO UPDATE SET
        title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE views.title END,
        viewed = greatest(views.viewed, excluded.viewed)
    RETURNING product_id, title, viewed
"""


_UPSERT = """
    INSERT INTO views VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, product_id) DO UPDATE SET
        title = CASE WHEN excluded.title <> '' THEN excluded.title ELSE views.title END,
        viewed = greatest(views.viewed, excluded.viewed)
"""


class PostgresViewRepository:
    """Views in the history service's PostgreSQL database."""

    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database
        self._applied = AppliedEvents()

    async def recent(self, user_id: str, offset: int, limit: int) -> tuple[list[View], int]:
        rows = await self._db.fetch(_RECENT, user_id, limit, offset)
        if rows:
            return [View(user_id, pid, title, viewed) for pid, title, viewed, _ in rows], int(
                rows[0]["total"]
            )
        # Past the end (or no views at all) the window count has no row to ride on.
        total = await self._db.fetchrow(_COUNT, user_id)
        return [], 0 if total is None else int(total[0])

    async def record(self, view: View) -> View:
        row = await self._db.write(_RECORD, view.user_id, view.product_id, view.title, view.viewed)
        assert row is not None  # RETURNING always gives the row
        return View(view.user_id, row["product_id"], row["title"], row["viewed"])

    async def apply_views(self, views: Sequence[tuple[str, View]]) -> int:
        now = datetime.now(UTC)

        async def apply(connection: Any) -> int:
            fresh = await self._applied.first_time_postgres(
                connection, [event_id for event_id, _ in views], now
            )
            rows = [
                (view.user_id, view.product_id, view.title, view.viewed)
                for (_, view), apply in zip(views, fresh, strict=True)
                if apply
            ]
            if rows:
                await connection.executemany(_UPSERT, rows)
            await self._applied.done_postgres(connection, len(rows), now)
            return len(rows)

        applied: int = await self._db.transaction(apply)
        return applied
