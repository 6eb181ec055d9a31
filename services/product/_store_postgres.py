"""The product service's catalogue in PostgreSQL (the schema is in `migrations/postgresql/`)."""

from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from pagemesh.storage import PostgresDatabase
from services.domain import Money
from services.product._store import Product

__all__ = ["PostgresProductRepository"]

# One round trip per query: authors and categories come along as ordered arrays.
_COLUMNS = """
    p.*,
    ARRAY(SELECT author_id FROM product_authors a WHERE a.product_id = p.id ORDER BY position) AS author_ids,
    ARRAY(SELECT category FROM product_categories c WHERE c.product_id = p.id ORDER BY position) AS categories
"""
_GET = f"SELECT {_COLUMNS} FROM products p WHERE p.id = $1"
_LIST = f"SELECT {_COLUMNS}, count(*) OVER () AS total FROM products p ORDER BY p.id LIMIT $1 OFFSET $2"
_LIST_IN_CATEGORY = f"""
    SELECT {_COLUMNS}, count(*) OVER () AS total FROM products p
    WHERE p.id IN (SELECT product_id FROM product_categories WHERE category = $3)
    ORDER BY p.id LIMIT $1 OFFSET $2
"""
_COUNT = "SELECT count(*) FROM products"
_COUNT_IN_CATEGORY = """
    SELECT count(*) FROM products WHERE id IN (SELECT product_id FROM product_categories WHERE category = $1)
"""


def _product(row: asyncpg.Record) -> Product:
    return Product(
        id=row["id"],
        title=row["title"],
        subtitle=row["subtitle"],
        description=row["description"],
        author_ids=tuple(row["author_ids"]),
        price=Money(row["currency_code"], row["price_units"], row["price_nanos"]),
        format=row["format"],
        isbn=row["isbn"],
        page_count=row["page_count"],
        published=row["published"],
        categories=tuple(row["categories"]),
        image_url=row["image_url"],
        language_code=row["language_code"],
    )


class PostgresProductRepository:
    """The catalogue in the product service's PostgreSQL database."""

    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def get(self, product_id: str) -> Product | None:
        row = await self._db.fetchrow(_GET, product_id)
        return None if row is None else _product(row)

    async def list(self, category: str, offset: int, limit: int) -> tuple[list[Product], int]:
        rows: Sequence[asyncpg.Record]
        if category:
            rows = await self._db.fetch(_LIST_IN_CATEGORY, limit, offset, category)
        else:
            rows = await self._db.fetch(_LIST, limit, offset)
        if rows:
            return [_product(row) for row in rows], int(rows[0]["total"])
        # Past the end (or an empty category) the window count has no row to ride on.
        total = await (
            self._db.fetchrow(_COUNT_IN_CATEGORY, category) if category else self._db.fetchrow(_COUNT)
        )
        return [], 0 if total is None else int(total[0])
