"""The recommendation service's storage: precomputed related books, users' interests, and co-views.

Co-views are learnt while the service runs, from the bus's `ProductViewed` events
(`services.recommendations._consumer`): `user_views` holds which products each signed-in visitor looked
at, and `coviews` how many distinct visitors looked at both of two products ("customers who viewed this
also viewed"). A view is counted once per visitor and product, and an event once: the IDs of applied
events are kept in `applied_events`, in the same transaction as the counts they changed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pagemesh.storage import SeedRows, StoreSpec
from services import demo_data
from services.events import AppliedEvents

__all__ = [
    "STORE",
    "Recommendation",
    "RecommendationRepository",
    "SqliteRecommendationRepository",
    "also_viewed_recommendation",
    "interest_recommendation",
]


@dataclass(frozen=True)
class Recommendation:
    """A suggested book: the domain model both API versions adapt."""

    product_id: str
    title: str
    score: float
    reason: str
    """One of also_bought, same_author, similar_category, browsing_history, also_viewed."""
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

    async def also_viewed(self, product_id: str, limit: int) -> list[Recommendation]:
        """The books most visitors who viewed `product_id` also viewed, most co-viewed first."""
        ...

    async def apply_views(self, views: Sequence[tuple[str, str, str]]) -> int:
        """Counts views from events (event ID, user ID, product ID) in one transaction, skipping event
        IDs applied before; returns how many events were new."""
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


STORE = StoreSpec("recommendations", Path(__file__).parent / "migrations", _seed_rows, writes=True)
"""The recommendation service's store on either backend (it counts co-views: its role may write rows)."""


def interest_recommendation(product_id: str, title: str, category: str) -> Recommendation:
    """A suggestion from a category the user looked at, the same on every backend."""
    return Recommendation(
        product_id, title, 0.85, "browsing_history", f"Because you looked at {category.lower()}"
    )


def also_viewed_recommendation(product_id: str, title: str, viewers: int) -> Recommendation:
    """A book that `viewers` visitors of the product also viewed, the same on every backend."""
    return Recommendation(
        product_id,
        title,
        # More shared viewers, more confidence: 0.6 for one, approaching 0.95.
        round(0.6 + 0.35 * viewers / (viewers + 4), 3),
        "also_viewed",
        f"{viewers} {'reader' if viewers == 1 else 'readers'} who viewed this also viewed it",
    )


_COUNT_PAIRS = (
    "INSERT INTO coviews SELECT ?, product_id, 1 FROM user_views WHERE user_id = ? AND product_id != ? "
    "UNION ALL SELECT product_id, ?, 1 FROM user_views WHERE user_id = ? AND product_id != ? "
    "ON CONFLICT (product_id, other_id) DO UPDATE SET viewers = viewers + 1"
)
_ALSO_VIEWED = (
    "SELECT c.other_id, p.title, c.viewers FROM coviews c "
    "JOIN indexed_products p ON p.product_id = c.other_id "
    "WHERE c.product_id = ? ORDER BY c.viewers DESC, c.other_id LIMIT ?"
)


class SqliteRecommendationRepository:
    """Recommendations in a SQLite file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection
        self._applied = AppliedEvents()

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

    async def also_viewed(self, product_id: str, limit: int) -> list[Recommendation]:
        rows = self._db.execute(_ALSO_VIEWED, (product_id, limit))
        return [also_viewed_recommendation(other, title, viewers) for other, title, viewers in rows]

    async def apply_views(self, views: Sequence[tuple[str, str, str]]) -> int:
        now = time.time()
        applied = 0
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            fresh = self._applied.first_time_sqlite(db, [event_id for event_id, _, _ in views], now)
            for (_, user_id, product_id), apply in zip(views, fresh, strict=True):
                if not apply:
                    continue
                applied += 1
                if db.execute(
                    "INSERT INTO user_views VALUES (?, ?) ON CONFLICT DO NOTHING", (user_id, product_id)
                ).rowcount:
                    # A visitor's first view of this product: one more shared viewer with each product
                    # they viewed before, both ways round.
                    db.execute(_COUNT_PAIRS, (product_id, user_id, product_id) * 2)
            self._applied.done_sqlite(db, applied, now)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return applied
