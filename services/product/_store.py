"""The product service's storage: the catalogue behind a small repository interface."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from pagemesh.storage import SeedRows, StoreSpec
from services import demo_data
from services.domain import Money, date_from_iso

__all__ = ["STORE", "Product", "ProductRepository", "SqliteProductRepository"]


@dataclass(frozen=True)
class Product:
    """One book in one format: the domain model both API versions adapt."""

    id: str
    title: str
    subtitle: str
    description: str
    author_ids: tuple[str, ...]
    price: Money
    format: str
    """One of hardcover, paperback, ebook, audiobook."""
    isbn: str
    page_count: int
    published: date
    categories: tuple[str, ...]
    image_url: str
    language_code: str


class ProductRepository(Protocol):
    """Reads the catalogue (in SQLite here, in PostgreSQL in `_store_postgres`)."""

    async def get(self, product_id: str) -> Product | None:
        """The product with this ID, or None."""
        ...

    async def list(self, category: str, offset: int, limit: int) -> tuple[list[Product], int]:
        """Up to `limit` products from `offset` in ID order, within `category` unless empty; and the total."""
        ...


def _seed_rows() -> SeedRows:
    books = demo_data.catalogue().books
    return {
        "products": [
            (
                b.id,
                b.title,
                b.subtitle,
                b.description,
                b.currency_code,
                b.price_units,
                b.price_nanos,
                b.format,
                b.isbn,
                b.page_count,
                b.published,
                b.image_url,
                b.language_code,
            )
            for b in books
        ],
        "product_authors": [(b.id, i, a) for b in books for i, a in enumerate(b.author_ids)],
        "product_categories": [(b.id, i, c) for b in books for i, c in enumerate(b.categories)],
    }


STORE = StoreSpec("product", Path(__file__).parent / "migrations", _seed_rows)
"""The product service's store on either backend."""


class SqliteProductRepository:
    """The catalogue in a SQLite file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def _products(self, rows: list[sqlite3.Row]) -> list[Product]:
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        marks = ",".join("?" * len(ids))
        authors: dict[str, list[str]] = {i: [] for i in ids}
        for pid, author in self._db.execute(
            f"SELECT product_id, author_id FROM product_authors WHERE product_id IN ({marks}) "
            "ORDER BY product_id, position",
            ids,
        ):
            authors[pid].append(author)
        categories: dict[str, list[str]] = {i: [] for i in ids}
        for pid, category in self._db.execute(
            f"SELECT product_id, category FROM product_categories WHERE product_id IN ({marks}) "
            "ORDER BY product_id, position",
            ids,
        ):
            categories[pid].append(category)
        return [
            Product(
                id=row["id"],
                title=row["title"],
                subtitle=row["subtitle"],
                description=row["description"],
                author_ids=tuple(authors[row["id"]]),
                price=Money(row["currency_code"], row["price_units"], row["price_nanos"]),
                format=row["format"],
                isbn=row["isbn"],
                page_count=row["page_count"],
                published=date_from_iso(row["published"]),
                categories=tuple(categories[row["id"]]),
                image_url=row["image_url"],
                language_code=row["language_code"],
            )
            for row in rows
        ]

    async def get(self, product_id: str) -> Product | None:
        rows = self._db.execute("SELECT * FROM products WHERE id = ?", (product_id,)).fetchall()
        found = self._products(rows)
        return found[0] if found else None

    async def list(self, category: str, offset: int, limit: int) -> tuple[list[Product], int]:
        if category:
            where = "WHERE id IN (SELECT product_id FROM product_categories WHERE category = ?)"
            params: tuple[str, ...] = (category,)
        else:
            where, params = "", ()
        total = self._db.execute(f"SELECT count(*) FROM products {where}", params).fetchone()[0]
        rows = self._db.execute(
            f"SELECT * FROM products {where} ORDER BY id LIMIT ? OFFSET ?", (*params, limit, offset)
        ).fetchall()
        return self._products(rows), total
