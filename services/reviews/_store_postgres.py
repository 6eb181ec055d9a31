"""The review service's reviews in PostgreSQL (the schema is in `migrations/postgresql/`)."""

from __future__ import annotations

from pagemesh.storage import PostgresDatabase
from services.reviews._model import RatingSummary, Review
from services.reviews._store import summary_of

__all__ = ["PostgresReviewRepository"]

# One round trip: whether the product is known, and its rating counts (none for a product without reviews).
_SUMMARY = """
    SELECT r.rating, count(r.id) FROM reviewed_products p LEFT JOIN reviews r ON r.product_id = p.product_id
    WHERE p.product_id = $1 GROUP BY r.rating
"""
_COLUMNS = "id, product_id, reviewer_name, rating, title, body, created, verified_purchase, helpful_votes"
_MOST_HELPFUL = (
    f"SELECT {_COLUMNS} FROM reviews WHERE product_id = $1 ORDER BY helpful_votes DESC, id LIMIT $2 OFFSET $3"
)
_NEWEST = f"SELECT {_COLUMNS} FROM reviews WHERE product_id = $1 ORDER BY created DESC, id LIMIT $2 OFFSET $3"


class PostgresReviewRepository:
    """Reviews in the review service's PostgreSQL database."""

    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def summary(self, product_id: str) -> RatingSummary | None:
        rows = await self._db.fetch(_SUMMARY, product_id)
        if not rows:
            return None
        return summary_of((row[0], row[1]) for row in rows if row[0] is not None)

    async def page(self, product_id: str, newest_first: bool, offset: int, limit: int) -> list[Review]:
        rows = await self._db.fetch(_NEWEST if newest_first else _MOST_HELPFUL, product_id, limit, offset)
        return [Review(**dict(row)) for row in rows]
