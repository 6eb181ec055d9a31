"""The author service's people and bylines in PostgreSQL (the schema is in `migrations/postgresql/`)."""

from __future__ import annotations

import asyncpg

from pagemesh.storage import PostgresDatabase
from services.authors._model import Author

__all__ = ["PostgresAuthorRepository"]

# Each author's books come along as an ordered array: one round trip per call.
_COLUMNS = """
    a.id, a.given_name, a.family_name, a.biography, a.birth_date, a.photo_url,
    ARRAY(SELECT product_id FROM bylines w WHERE w.author_id = a.id ORDER BY product_id) AS product_ids
"""
_GET = f"SELECT {_COLUMNS} FROM authors a WHERE a.id = $1"
_OF_PRODUCT = (
    f"SELECT {_COLUMNS} FROM bylines b JOIN authors a ON a.id = b.author_id "
    "WHERE b.product_id = $1 ORDER BY b.position"
)


def _author(row: asyncpg.Record) -> Author:
    return Author(**{**dict(row), "product_ids": tuple(row["product_ids"])})


class PostgresAuthorRepository:
    """Authors in the author service's PostgreSQL database."""

    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def get(self, author_id: str) -> Author | None:
        row = await self._db.fetchrow(_GET, author_id)
        return None if row is None else _author(row)

    async def of_product(self, product_id: str) -> list[Author] | None:
        return [_author(row) for row in await self._db.fetch(_OF_PRODUCT, product_id)] or None
