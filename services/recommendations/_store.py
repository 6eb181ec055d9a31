"""The recommendation service's storage: precomputed related books and users' interests."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pagemesh.storage import SeedRows, StoreSpec
from services import demo_data

__all__ = [
    "STORE",
    "Recommendation",
    "RecommendationRepository",
    "SqliteRecommendationRepository",
    "interest_recommendation",
]


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
    """Reads recommendations (SQLite here, PostgreSQL in `_store_postgres`; a model server could too)."""

    async def knows_product(self, product_id: str) -> bool:
        """Whether the product is in the recommender's index."""
        ...

    async def related(self, product_id: str) -> list[Recommendation]:
        """The precomputed suggestions for a product, best first."""
        ...

    async def for_user(self, user_id: str, exclude: str, limit: int) -> list[Recommendation]:
        """Books from the categories the user showed interest in, best first."""
        ...


def _seed_rows() -> SeedRows:
    data = demo_data.catalogue()
    ranks: dict[str, int] = {}
    related = []
    for rec in data.recommendations:
        ranks[rec.product_id] = ranks.get(rec.product_id, 0) + 1
        related.append(
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
    return {
        "indexed_products": [(b.id, b.title, b.categories[-1]) for b in data.books],
        "related": related,
        "user_interests": list(data.user_interests),
    }


STORE = StoreSpec("recommendations", Path(__file__).parent / "migrations", _seed_rows)
"""The recommendation service's store on either backend."""


def interest_recommendation(product_id: str, title: str, category: str) -> Recommendation:
    """A suggestion from a category the user looked at, the same on every backend."""
    return Recommendation(
        product_id, title, 0.85, "browsing_history", f"Because you looked at {category.lower()}"
    )


class SqliteRecommendationRepository:
    """Recommendations in a SQLite file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

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
        return [interest_recommendation(pid, title, category) for pid, title, category in rows]
