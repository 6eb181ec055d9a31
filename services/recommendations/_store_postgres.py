"""The recommendation service's data in PostgreSQL (the schema is in `migrations/postgresql/`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from pagemesh.storage import PostgresDatabase
from services.events import AppliedEvents
from services.recommendations._store import (
    Recommendation,
    also_viewed_recommendation,
    interest_recommendation,
)

__all__ = ["PostgresRecommendationRepository"]

_KNOWS = "SELECT 1 FROM indexed_products WHERE product_id = $1"
_RELATED = """
    SELECT recommended_id, title, score, reason, explanation FROM related WHERE product_id = $1 ORDER BY rank
"""
_FOR_USER = """
    SELECT p.product_id, p.title, p.category FROM user_interests u
    JOIN indexed_products p ON p.category = u.category
    WHERE u.user_id = $1 AND p.product_id != $2 ORDER BY p.product_id LIMIT $3
"""


_ALSO_VIEWED = """
    SELECT c.other_id, p.title, c.viewers FROM coviews c JOIN indexed_products p ON p.product_id = c.other_id
    WHERE c.product_id = $1 ORDER BY c.viewers DESC, c.other_id LIMIT $2
"""
_FIRST_VIEW = "INSERT INTO user_views VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING product_id"
# A visitor's first view of a product: one more shared viewer with each product they viewed before.
_COUNT_PAIRS = """
    INSERT INTO coviews
    SELECT $1, product_id, 1 FROM user_views WHERE user_id = $2 AND product_id <> $1
    UNION ALL SELECT product_id, $1, 1 FROM user_views WHERE user_id = $2 AND product_id <> $1
    ON CONFLICT (product_id, other_id) DO UPDATE SET viewers = coviews.viewers + 1
"""


class PostgresRecommendationRepository:
    """Recommendations in the recommendation service's PostgreSQL database."""

    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database
        self._applied = AppliedEvents()

    async def knows_product(self, product_id: str) -> bool:
        return await self._db.fetchrow(_KNOWS, product_id) is not None

    async def related(self, product_id: str) -> list[Recommendation]:
        return [Recommendation(*row) for row in await self._db.fetch(_RELATED, product_id)]

    async def for_user(self, user_id: str, exclude: str, limit: int) -> list[Recommendation]:
        rows = await self._db.fetch(_FOR_USER, user_id, exclude, limit)
        return [interest_recommendation(*row) for row in rows]

    async def also_viewed(self, product_id: str, limit: int) -> list[Recommendation]:
        rows = await self._db.fetch(_ALSO_VIEWED, product_id, limit)
        return [also_viewed_recommendation(*row) for row in rows]

    async def apply_views(self, views: Sequence[tuple[str, str, str]]) -> int:
        now = datetime.now(UTC)

        async def apply(connection: Any) -> int:
            applied = 0
            fresh = await self._applied.first_time_postgres(connection, [e for e, _, _ in views], now)
            for (_, user_id, product_id), apply in zip(views, fresh, strict=True):
                if not apply:
                    continue
                applied += 1
                if await connection.fetchrow(_FIRST_VIEW, user_id, product_id) is not None:
                    await connection.execute(_COUNT_PAIRS, product_id, user_id)
            await self._applied.done_postgres(connection, applied, now)
            return applied

        applied: int = await self._db.transaction(apply)
        return applied
