"""Each service's repository gives the same answers on SQLite and on PostgreSQL (same demo data)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from pagemesh.runtime import SERVICES, DatabaseUrl
from pagemesh.storage import ServiceDatabase, open_repository
from services import store_spec
from services.authors._store import SqliteAuthorRepository
from services.authors._store_postgres import PostgresAuthorRepository
from services.history._model import View
from services.history._store import SqliteViewRepository
from services.history._store_postgres import PostgresViewRepository
from services.product._store import SqliteProductRepository
from services.product._store_postgres import PostgresProductRepository
from services.recommendations._store import SqliteRecommendationRepository
from services.recommendations._store_postgres import PostgresRecommendationRepository
from services.reviews._store import SqliteReviewRepository
from services.reviews._store_postgres import PostgresReviewRepository
from services.sponsored._store import SqliteListingRepository
from services.sponsored._store_postgres import PostgresListingRepository

REPOSITORIES: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "product": (SqliteProductRepository, PostgresProductRepository),
    "recommendations": (SqliteRecommendationRepository, PostgresRecommendationRepository),
    "sponsored": (SqliteListingRepository, PostgresListingRepository),
    "authors": (SqliteAuthorRepository, PostgresAuthorRepository),
    "reviews": (SqliteReviewRepository, PostgresReviewRepository),
    "history": (SqliteViewRepository, PostgresViewRepository),
}

# Per service: calls whose answers must be equal on both backends (found and not found, every order).
QUERIES: dict[str, list[Callable[[Any], Awaitable[Any]]]] = {
    "product": [
        lambda r: r.get("P00001"),
        lambda r: r.get("P99999"),
        lambda r: r.list("", 0, 25),
        lambda r: r.list("", 230, 25),
        lambda r: r.list("", 500, 5),
        lambda r: r.list("Programming", 0, 100),
        lambda r: r.list("No Such Category", 0, 10),
    ],
    "recommendations": [
        lambda r: r.knows_product("P00002"),
        lambda r: r.knows_product("P99999"),
        lambda r: r.related("P00002"),
        lambda r: r.for_user("u-alice", "P00002", 6),
        lambda r: r.for_user("u-nobody", "P00002", 6),
    ],
    "sponsored": [
        lambda r: r.page_category("P00003"),
        lambda r: r.page_category("P99999"),
        lambda r: r.highest_bids("Fiction", "P00003", 3),
        lambda r: r.highest_bids("Computing", "", 50),
    ],
    "authors": [
        lambda r: r.get("A0001"),
        lambda r: r.get("A9999"),
        lambda r: r.of_product("P00004"),
        lambda r: r.of_product("P99999"),
    ],
    "reviews": [
        lambda r: r.summary("P00002"),
        lambda r: r.summary("P99999"),
        lambda r: r.page("P00002", False, 0, 50),
        lambda r: r.page("P00002", True, 3, 4),
    ],
    "history": [
        # Users whose pages no other test views: the session's PostgreSQL database is shared, and every
        # page a test views as u-alice is recorded in it (the history consumer).
        lambda r: r.recent("u-emeka", 0, 50),
        lambda r: r.recent("u-fatima", 2, 3),
        lambda r: r.recent("u-nobody", 0, 10),
        lambda r: r.record(View("u-repo", "P00007", "Title", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))),
        lambda r: r.record(View("u-repo", "P00007", "", datetime(2025, 1, 1, tzinfo=UTC))),
        lambda r: r.recent("u-repo", 0, 10),
    ],
}


@pytest.mark.parametrize("service", SERVICES)
def test_sqlite_and_postgres_answer_alike(
    service: str, tmp_path: Path, postgres_databases: dict[str, ServiceDatabase]
) -> None:
    sqlite_class, postgres_class = REPOSITORIES[service]
    spec = store_spec(service)
    answers: dict[str, list[Any]] = {}
    for backend, url in (
        ("sqlite", DatabaseUrl("sqlite", path=tmp_path / f"{service}.sqlite3")),
        ("postgresql", postgres_databases[service].url),
    ):

        async def ask(url: DatabaseUrl = url) -> list[Any]:
            repository, close = open_repository(url, spec, sqlite=sqlite_class, postgres=postgres_class)
            try:
                return [await query(repository) for query in QUERIES[service]]
            finally:
                await close()

        answers[backend] = asyncio.run(ask())
    assert answers["sqlite"] == answers["postgresql"]
    assert any(answer for answer in answers["sqlite"])
