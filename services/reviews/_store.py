"""The review service's storage: customer reviews per product."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from pagemesh.runtime import open_store
from services import demo_data
from services.domain import datetime_from_iso
from services.reviews._model import RatingSummary, Review

__all__ = ["ReviewRepository", "SqliteReviewRepository"]


class ReviewRepository(Protocol):
    """Reads reviews; a server database can implement this in place of SQLite."""

    async def summary(self, product_id: str) -> RatingSummary | None:
        """The product's rating summary, or None for a product the service does not know."""
        ...

    async def page(self, product_id: str, newest_first: bool, offset: int, limit: int) -> list[Review]:
        """Up to `limit` reviews from `offset`, most helpful (or newest) first."""
        ...


_SCHEMA = """
CREATE TABLE reviewed_products (product_id TEXT PRIMARY KEY);
CREATE TABLE reviews (
    id TEXT PRIMARY KEY, product_id TEXT NOT NULL REFERENCES reviewed_products(product_id),
    reviewer_name TEXT NOT NULL, rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5), title TEXT NOT NULL,
    body TEXT NOT NULL, created TEXT NOT NULL, verified_purchase INTEGER NOT NULL,
    helpful_votes INTEGER NOT NULL
);
CREATE INDEX reviews_by_helpfulness ON reviews (product_id, helpful_votes DESC, id);
CREATE INDEX reviews_by_age ON reviews (product_id, created DESC, id)
"""


def _seed(connection: sqlite3.Connection) -> None:
    data = demo_data.catalogue()
    connection.executemany("INSERT INTO reviewed_products VALUES (?)", [(b.id,) for b in data.books])
    connection.executemany(
        "INSERT INTO reviews VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                r.id,
                r.product_id,
                r.reviewer_name,
                r.rating,
                r.title,
                r.body,
                r.created.isoformat(),
                int(r.verified_purchase),
                r.helpful_votes,
            )
            for r in data.reviews
        ],
    )


class SqliteReviewRepository:
    """Reviews in a SQLite file, seeded with the demo data set on first start."""

    def __init__(self, path: Path) -> None:
        self._db = open_store(path, _SCHEMA, _seed)

    def close(self) -> None:
        """Closes the file."""
        self._db.close()

    async def summary(self, product_id: str) -> RatingSummary | None:
        if (
            self._db.execute("SELECT 1 FROM reviewed_products WHERE product_id = ?", (product_id,)).fetchone()
            is None
        ):
            return None
        counts = [0] * 5
        for rating, count in self._db.execute(
            "SELECT rating, count(*) FROM reviews WHERE product_id = ? GROUP BY rating", (product_id,)
        ):
            counts[rating - 1] = count
        total = sum(counts)
        average = sum((star + 1) * n for star, n in enumerate(counts)) / total if total else 0.0
        return RatingSummary(
            round(average, 2), total, (counts[0], counts[1], counts[2], counts[3], counts[4])
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
