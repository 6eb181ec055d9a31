"""The recommendation service's data in PostgreSQL (the schema is in `migrations/postgresql/`)."""

from __future__ import annotations

from pagemesh.storage import PostgresDatabase
from services.recommendations._store import Recommendation, interest_recommendation

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


class PostgresRecommendationRepository:
    """Recommendations in the recommendation service's PostgreSQL database."""

    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def knows_product(self, product_id: str) -> bool:
        return await self._db.fetchrow(_KNOWS, product_id) is not None

    async def related(self, product_id: str) -> list[Recommendation]:
        return [Recommendation(*row) for row in await self._db.fetch(_RELATED, product_id)]

    async def for_user(self, user_id: str, exclude: str, limit: int) -> list[Recommendation]:
        rows = await self._db.fetch(_FOR_USER, user_id, exclude, limit)
        return [interest_recommendation(*row) for row in rows]
