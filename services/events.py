"""What the services' consumers of bus events share: which page views to apply, and the record of the
event IDs already applied (kept in each service's own `applied_events` table, written in the same
transaction as the effect, so that an event delivered twice has the effect of one)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from pagemesh.bus import Event, PoisonEventError
from pagemesh.events.v1 import events_pb2

__all__ = ["DEDUPE_WINDOW", "AppliedEvents", "signed_in_views"]

DEDUPE_WINDOW = 14 * 24 * 3600.0
"""Seconds an applied event's ID is remembered: no broker redelivers later (Redis and SQLite keep pending
entries until acknowledged; Kafka's default retention is 7 days)."""
PRUNE_EVERY = 10_000
"""Applied events between two deletions of IDs older than the window."""
_MAX_ID_LENGTH = 200


def signed_in_views(
    events: Sequence[Event[events_pb2.ProductViewed]],
) -> Iterator[tuple[Event[events_pb2.ProductViewed], events_pb2.ProductViewed]]:
    """The events of signed-in visitors (an anonymous view has no history and links no products), with
    their views; `PoisonEventError` for a view that no attempt could ever apply."""
    for event in events:
        view = event.payload
        if not view.user_id:
            continue
        if not view.product_id or max(len(view.product_id), len(view.user_id)) > _MAX_ID_LENGTH:
            raise PoisonEventError(f"event {event.event_id}: a view needs a product_id and a short user_id")
        yield event, view


class AppliedEvents:
    """One store's record of applied event IDs: the check-and-record, and its occasional pruning."""

    def __init__(self) -> None:
        self._since_prune = 0

    def first_time_sqlite(self, db: sqlite3.Connection, event_id: str, now: float) -> bool:
        """Records `event_id` (in the caller's transaction); False when it was applied before."""
        inserted = db.execute(
            "INSERT INTO applied_events VALUES (?, ?) ON CONFLICT DO NOTHING", (event_id, now)
        )
        return inserted.rowcount == 1

    def done_sqlite(self, db: sqlite3.Connection, applied: int, now: float) -> None:
        """After a batch (in its transaction): now and then, forgets IDs older than the window."""
        self._since_prune += applied
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            db.execute("DELETE FROM applied_events WHERE applied < ?", (now - DEDUPE_WINDOW,))

    async def first_time_postgres(self, connection: Any, event_id: str, now: datetime) -> bool:
        """The same on a PostgreSQL connection inside a transaction."""
        query = "INSERT INTO applied_events VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING event_id"
        return await connection.fetchrow(query, event_id, now) is not None

    async def done_postgres(self, connection: Any, applied: int, now: datetime) -> None:
        """The same on a PostgreSQL connection inside the batch's transaction."""
        self._since_prune += applied
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            cutoff = now - timedelta(seconds=DEDUPE_WINDOW)
            await connection.execute("DELETE FROM applied_events WHERE applied < $1", cutoff)
