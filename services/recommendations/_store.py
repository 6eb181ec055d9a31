"""The recommendation service's storage: precomputed related books and users' interests."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pagemesh.runtime import open_store
from services import demo_data

__all__ = ["Recommendation", "RecommendationRepository", "SqliteRecommendationRepository"]


@dataclass(frozen=True)
class Recommendation:
    """A suggested book: the domain model both API versions adapt."""

    product_id: str
    title: str
    score: float
    reason: str
    """One of also_bought, same_author, similar_category, browsing_history."""
    explanation: str


class RecommendationRepository(Protocol):
    """Reads recommendations; a server database or a model server can implement this instead."""

    async def knows_product(self, product_id: str) -> bool:
        """Whether the product is in the recommender's index."""
        ...

    async def related(self, product_id: str) -> list[Recommendation]:
        """The precomputed suggestions for a product, best first."""
        ...

    async def for_user(self, user_id: str, exclude: str, limit: int) -> list[Recommendation]:
        """Books from the categories the user showed interest in, best first."""
        ...


_SCHEMA = """
CREATE TABLE indexed_products (product_id TEXT PRIMARY KEY, title TEXT NOT NULL, category TEXT NOT NULL);
CREATE INDEX indexed_products_by_category ON indexed_products (category, product_id);
CREATE TABLE related (
    product_id TEXT NOT NULL, rank INTEGER NOT NULL, recommended_id TEXT NOT NULL, title TEXT NOT NULL,
    score REAL NOT NULL, reason TEXT NOT NULL, explanation TEXT NOT NULL, PRIMARY KEY (product_id, rank)
);
CREATE TABLE user_interests (user_id TEXT NOT NULL, category TEXT NOT NULL, PRIMARY KEY (user_id, category))
"""


def _seed(connection: sqlite3.Connection) -> None:
    data = demo_data.catalogue()
    connection.executemany(
        "INSERT INTO indexed_products VALUES (?, ?, ?)",
        [(b.id, b.title, b.categories[-1]) for b in data.books],
    )
    ranks: dict[str, int] = {}
    rows = []
    for rec in data.recommendations:
        ranks[rec.product_id] = ranks.get(rec.product_id, 0) + 1
        rows.append(
            (
                rec.product_id,
                ranks[rec.product_id],
                rec.recommended_id,
                rec.title,
                rec.score,
                rec.reason,
                rec.explanation,
            )
        )
    connection.executemany("INSERT INTO related VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    connection.executemany("INSERT INTO user_interests VALUES (?, ?)", data.user_interests)


class SqliteRecommendationRepository:
    """Recommendations in a SQLite file, seeded with the demo data set on first start."""

    def __init__(self, path: Path) -> None:
        self._db = open_store(path, _SCHEMA, _seed)

    def close(self) -> None:
        """Closes the file."""
        self._db.close()

    async def knows_product(self, product_id: str) -> bool:
        query = "SELECT 1 FROM indexed_products WHERE product_id = ?"
        return self._db.execute(query, (product_id,)).fetchone() is not None

    async def related(self, product_id: str) -> list[Recommendation]:
        rows = self._db.execute(
            "SELECT recommended_id, title, score, reason, explanation FROM related "
            "WHERE product_id = ? ORDER BY rank",
            (product_id,),
        )
        return [Recommendation(*row) for row in rows]

    async def for_user(self, user_id: str, exclude: str, limit: int) -> list[Recommendation]:
        rows = self._db.execute(
            "SELECT p.product_id, p.title, p.category FROM user_interests u "
            "JOIN indexed_products p ON p.category = u.category "
            "WHERE u.user_id = ? AND p.product_id != ? ORDER BY p.product_id LIMIT ?",
            (user_id, exclude, limit),
        )
        return [
            Recommendation(pid, title, 0.85, "browsing_history", f"Because you looked at {category.lower()}")
            for pid, title, category in rows
        ]
