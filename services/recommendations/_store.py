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
    """One of also_bought, same_author, similar_category, browsing_history, also_viewed."""
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

    async def also_viewed(self, product_id: str, limit: int) -> list[Recommendation]:
        """The books most visitors who viewed `product_id` also viewed, most co-viewed first."""
        ...

    async def apply_views(self, views: Sequence[tuple[str, str, str]]) -> int:
        """Counts views from events (event ID, user ID, product ID) in one transaction, skipping event
        IDs applied before; returns how many events were new."""
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
# Added with the event bus; created in a store made before it too.
_EVENTS_SCHEMA = """
CREATE TABLE IF NOT EXISTS applied_events (event_id TEXT PRIMARY KEY, applied REAL NOT NULL);
CREATE INDEX IF NOT EXISTS applied_events_by_age ON applied_events (applied);
CREATE TABLE IF NOT EXISTS user_views (
    user_id TEXT NOT NULL, product_id TEXT NOT NULL, PRIMARY KEY (user_id, product_id)
);
CREATE TABLE IF NOT EXISTS coviews (
    product_id TEXT NOT NULL, other_id TEXT NOT NULL, viewers INTEGER NOT NULL,
    PRIMARY KEY (product_id, other_id)
);
CREATE INDEX IF NOT EXISTS coviews_by_count ON coviews (product_id, viewers DESC, other_id)
"""
DEDUPE_WINDOW = 14 * 24 * 3600.0
"""Seconds an applied event's ID is remembered (no broker redelivers later than that)."""
_COUNT_PAIRS = (
    "INSERT INTO coviews SELECT ?, product_id, 1 FROM user_views WHERE user_id = ? AND product_id != ? "
    "UNION ALL SELECT product_id, ?, 1 FROM user_views WHERE user_id = ? AND product_id != ? "
    "ON CONFLICT (product_id, other_id) DO UPDATE SET viewers = viewers + 1"
)


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
        for statement in _EVENTS_SCHEMA.split(";"):
            self._db.execute(statement)
        self._applied_since_prune = 0

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

    async def also_viewed(self, product_id: str, limit: int) -> list[Recommendation]:
        rows = self._db.execute(
            "SELECT c.other_id, p.title, c.viewers FROM coviews c "
            "JOIN indexed_products p ON p.product_id = c.other_id "
            "WHERE c.product_id = ? ORDER BY c.viewers DESC, c.other_id LIMIT ?",
            (product_id, limit),
        )
        return [
            Recommendation(
                other,
                title,
                # More shared viewers, more confidence: 0.6 for one, approaching 0.95.
                round(0.6 + 0.35 * viewers / (viewers + 4), 3),
                "also_viewed",
                f"{viewers} {'reader' if viewers == 1 else 'readers'} who viewed this also viewed it",
            )
            for other, title, viewers in rows
        ]

    async def apply_views(self, views: Sequence[tuple[str, str, str]]) -> int:
        now = time.time()
        applied = 0
        db = self._db
        db.execute("BEGIN IMMEDIATE")
        try:
            for event_id, user_id, product_id in views:
                if not db.execute(
                    "INSERT INTO applied_events VALUES (?, ?) ON CONFLICT DO NOTHING", (event_id, now)
                ).rowcount:
                    continue
                applied += 1
                if db.execute(
                    "INSERT INTO user_views VALUES (?, ?) ON CONFLICT DO NOTHING", (user_id, product_id)
                ).rowcount:
                    # A visitor's first view of this product: one more shared viewer with each product
                    # they viewed before, both ways round.
                    db.execute(_COUNT_PAIRS, (product_id, user_id, product_id) * 2)
            self._applied_since_prune += applied
            if self._applied_since_prune >= 10_000:
                self._applied_since_prune = 0
                db.execute("DELETE FROM applied_events WHERE applied < ?", (now - DEDUPE_WINDOW,))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        return applied
