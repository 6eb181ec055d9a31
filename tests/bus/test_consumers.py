"""The history and recommendations consumers on each store backend (SQLite and PostgreSQL): an event's
effect once, however often it is delivered, in the same transaction as the record of its ID."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pagemesh.bus import Event, PoisonEventError, Schema, decode, open_envelope, seal
from pagemesh.events.v1 import events_pb2
from pagemesh.runtime import DatabaseUrl
from pagemesh.storage import ServiceDatabase, open_repository
from services import store_spec
from services.history import ViewEvents
from services.history._store import SqliteViewRepository
from services.history._store_postgres import PostgresViewRepository
from services.recommendations import CoViewEvents, RecommendationEngine
from services.recommendations._store import SqliteRecommendationRepository
from services.recommendations._store_postgres import PostgresRecommendationRepository
from tests.bus.events import marker

BACKENDS = ("sqlite", "postgresql")
CLASSES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "history": (SqliteViewRepository, PostgresViewRepository),
    "recommendations": (SqliteRecommendationRepository, PostgresRecommendationRepository),
}


@pytest.fixture(params=BACKENDS)
def database_of(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], DatabaseUrl]:
    """Each service's database on the parametrised backend."""
    if request.param == "sqlite":
        return lambda service: DatabaseUrl("sqlite", path=tmp_path / f"{service}.sqlite3")
    databases: dict[str, ServiceDatabase] = request.getfixturevalue("postgres_databases")
    return lambda service: databases[service].url


@asynccontextmanager
async def repository(service: str, url: DatabaseUrl) -> AsyncIterator[Any]:
    sqlite_class, postgres_class = CLASSES[service]
    opened, close = open_repository(url, store_spec(service), sqlite=sqlite_class, postgres=postgres_class)
    try:
        yield opened
    finally:
        await close()


def view_event(user: str, product: str, title: str = "", when: datetime | None = None) -> Event[Any]:
    payload = events_pb2.ProductViewed(user_id=user, product_id=product, product_title=title)
    payload.view_time.FromDatetime(when or datetime.now(UTC))
    envelope = seal(payload, Schema.of(events_pb2.ProductViewed), producer="test")
    return decode(open_envelope(envelope.SerializeToString()), events_pb2.ProductViewed)


def test_history_applies_each_event_once(database_of: Callable[[str], DatabaseUrl]) -> None:
    user = f"u-{marker()}"
    older, newer = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)

    async def scenario() -> None:
        async with repository("history", database_of("history")) as views:
            consumer = ViewEvents(views)
            first = view_event(user, "P00010", "Ten", newer)
            batch = [first, view_event(user, "P00011", "Eleven", older), first]
            await consumer.handle(batch)  # the same event twice in one batch
            await consumer.handle([first, batch[1]])  # and delivered again
            await consumer.handle([view_event(user, "P00010", "", older)])  # an older view changes no time
            page, total = await views.recent(user, 0, 10)
            assert total == 2
            assert [(v.product_id, v.title, v.viewed) for v in page] == [
                ("P00010", "Ten", newer),
                ("P00011", "Eleven", older),
            ]
            assert consumer.applied == 3
            await consumer.handle([view_event("", "P00012")])  # anonymous: nothing to record
            with pytest.raises(PoisonEventError):
                await consumer.handle([view_event(user, "")])

    asyncio.run(scenario())


def test_recommendations_count_distinct_viewers_once(database_of: Callable[[str], DatabaseUrl]) -> None:
    mark = marker()
    alice, bruno = f"u-{mark}-a", f"u-{mark}-b"
    # Books far from the demo data's and other tests' views, so the counts are this test's alone.
    a, b, c = "P00231", "P00232", "P00233"

    async def scenario() -> None:
        async with repository("recommendations", database_of("recommendations")) as store:
            before = {r.product_id: r for r in await store.also_viewed(a, 10)}
            consumer = CoViewEvents(store)
            alice_b = view_event(alice, b)
            await consumer.handle([view_event(alice, a), alice_b, alice_b])
            await consumer.handle([alice_b, view_event(alice, b)])  # redelivery, and a second view of b
            await consumer.handle([view_event(bruno, a), view_event(bruno, b), view_event(bruno, c)])
            after = {r.product_id: r for r in await store.also_viewed(a, 10)}

            def viewers(product: str) -> int:
                gained = after[product].explanation.split()[0]
                had = before[product].explanation.split()[0] if product in before else "0"
                return int(gained) - int(had)

            assert (viewers(b), viewers(c)) == (2, 1)
            assert after[b].reason == "also_viewed"
            assert next(iter(after)) == b  # most co-viewed first
            engine = RecommendationEngine(store)
            page = await engine.recommend(a, "", 10, "")
            assert page.items[0].product_id == b
            assert page.items[0].reason == "also_viewed"
            assert len({r.product_id for r in page.items}) == len(page.items)

    asyncio.run(scenario())
