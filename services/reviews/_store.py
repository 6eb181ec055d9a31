"""The review service's storage: customer reviews per product."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from pagemesh.storage import SeedRows, StoreSpec
from services import demo_data
from services.domain import datetime_from_iso
from services.reviews._model import RatingSummary, Review

__all__ = ["STORE", "ReviewRepository", "SqliteReviewRepository", "summary_of"]


class ReviewRepository(Protocol):
    """Reads reviews (in SQLite here, in PostgreSQL in `_store_postgres`)."""

    async def summary(self, product_id: str) -> RatingSummary | None:
        """The product's rating summary, or None for a product the service does not know."""
        ...

    async def page(self, product_id: str, newest_first: bool, offset: int, limit: int) -> list[Review]:
        """Up to `limit` reviews from `offset`, most helpful (or newest) first."""
        ...


def _seed_rows() -> SeedRows:
    data = demo_data.catalogue()
    return {
        "reviewed_products": [(b.id,) for b in data.books],
        "reviews": [
            (
                r.id,
                r.product_id,
                r.reviewer_name,
                r.rating,
                r.title,
                r.body,
                r.created,
                r.verified_purchase,
                r.helpful_votes,
            )
            for r in data.reviews
        ],
    }


STORE = StoreSpec("reviews", Path(__file__).parent / "migrations", _seed_rows)
"""The review service's store on either backend."""


def summary_of(counts: Iterable[tuple[int, int]]) -> RatingSummary:
    """The rating summary of (stars, number of reviews) pairs, the same on every backend."""
    stars = [0] * 5
    for rating, count in counts:
        stars[rating - 1] = count
    total = sum(stars)
    average = sum((star + 1) * n for star, n in enumerate(stars)) / total if total else 0.0
    return RatingSummary(round(average, 2), total, (stars[0], stars[1], stars[2], stars[3], stars[4]))


class SqliteReviewRepository:
    """Reviews in a SQLite file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    async def summary(self, product_id: str) -> RatingSummary | None:
        if (
            self._db.execute("SELECT 1 FROM reviewed_products WHERE product_id = ?", (product_id,)).fetchone()
            is None
        ):
            return None
        return summary_of(
            self._db.execute(
                "SELECT rating, count(*) FROM reviews WHERE product_id = ? GROUP BY rating", (product_id,)
            )
        )

    async def page(self, product_id: str, newest_first: bool, offset: int, limit: int) -> list[Review]:
        order = "created DESC, id" if newest_first else "helpful_votes DESC, id"
        rows = self._db.execute(
            f"SELECT * FROM reviews WHERE product_id = ? ORDER BY {order} LIMIT ? OFFSET ?",
            (product_id, limit, offset),
        )
        return [
            Review(
                id=row["id"],
                product_id=row["product_id"],
                reviewer_name=row["reviewer_name"],
                rating=row["rating"],
                title=row["title"],
                body=row["body"],
                created=datetime_from_iso(row["created"]),
                verified_purchase=bool(row["verified_purchase"]),
                helpful_votes=row["helpful_votes"],
            )
            for row in rows
        ]
