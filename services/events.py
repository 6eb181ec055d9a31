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
_IDS_PER_INSERT = 500
"""IDs recorded by one SQLite statement (two variables each; SQLite allows 32,766 in a statement)."""


def _first_occurrences(event_ids: Sequence[str], recorded: set[str]) -> list[bool]:
    """For each ID, whether it is the first occurrence of one that `recorded` holds (a batch may carry
    one event twice: a relay that crashed between the broker's acknowledgement and its own record)."""
    fresh = set(recorded)
    flags = []
    for event_id in event_ids:
        flags.append(event_id in fresh)
        fresh.discard(event_id)
    return flags


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

    def first_time_sqlite(self, db: sqlite3.Connection, event_ids: Sequence[str], now: float) -> list[bool]:
        """Records the IDs (in the caller's transaction) with one statement per `_IDS_PER_INSERT`: for
        each, whether to apply it (True for the first occurrence of an ID not applied before)."""
        recorded: set[str] = set()
        for first in range(0, len(event_ids), _IDS_PER_INSERT):
            chunk = event_ids[first : first + _IDS_PER_INSERT]
            rows = db.execute(
                f"INSERT INTO applied_events VALUES {', '.join(['(?, ?)'] * len(chunk))} "
                "ON CONFLICT DO NOTHING RETURNING event_id",
                [value for event_id in chunk for value in (event_id, now)],
            )
            recorded.update(event_id for (event_id,) in rows)
        return _first_occurrences(event_ids, recorded)

    def done_sqlite(self, db: sqlite3.Connection, applied: int, now: float) -> None:
        """After a batch (in its transaction): now and then, forgets IDs older than the window."""
        self._since_prune += applied
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            db.execute("DELETE FROM applied_events WHERE applied < ?", (now - DEDUPE_WINDOW,))

    async def first_time_postgres(
        self, connection: Any, event_ids: Sequence[str], now: datetime
    ) -> list[bool]:
        """The same on a PostgreSQL connection inside a transaction: one round trip for the batch."""
        if not event_ids:
            return []
        rows = await connection.fetch(
            "INSERT INTO applied_events SELECT DISTINCT unnest($1::text[]), $2::timestamptz "
            "ON CONFLICT DO NOTHING RETURNING event_id",
            list(event_ids),
            now,
        )
        return _first_occurrences(event_ids, {row["event_id"] for row in rows})

    async def done_postgres(self, connection: Any, applied: int, now: datetime) -> None:
        """The same on a PostgreSQL connection inside the batch's transaction."""
        self._since_prune += applied
        if self._since_prune >= PRUNE_EVERY:
            self._since_prune = 0
            cutoff = now - timedelta(seconds=DEDUPE_WINDOW)
            await connection.execute("DELETE FROM applied_events WHERE applied < $1", cutoff)
