"""The product service's storage: the catalogue behind a small repository interface."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

from pagemesh.runtime import open_store
from services import demo_data
from services.domain import Money, date_from_iso

__all__ = ["Product", "ProductRepository", "SqliteProductRepository"]


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
    """Reads the catalogue; a server database can implement this in place of SQLite."""

    async def get(self, product_id: str) -> Product | None:
        """The product with this ID, or None."""
        ...

    async def list(self, category: str, offset: int, limit: int) -> tuple[list[Product], int]:
        """Up to `limit` products from `offset` in ID order, within `category` unless empty; and the total."""
        ...


_SCHEMA = """
CREATE TABLE products (
    id TEXT PRIMARY KEY, title TEXT NOT NULL, subtitle TEXT NOT NULL, description TEXT NOT NULL,
    currency_code TEXT NOT NULL, price_units INTEGER NOT NULL, price_nanos INTEGER NOT NULL,
    format TEXT NOT NULL, isbn TEXT NOT NULL, page_count INTEGER NOT NULL, published TEXT NOT NULL,
    image_url TEXT NOT NULL, language_code TEXT NOT NULL
);
CREATE TABLE product_authors (
    product_id TEXT NOT NULL REFERENCES products(id), position INTEGER NOT NULL, author_id TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
);
CREATE TABLE product_categories (
    product_id TEXT NOT NULL REFERENCES products(id), position INTEGER NOT NULL, category TEXT NOT NULL,
    PRIMARY KEY (product_id, position)
);
CREATE INDEX product_categories_by_category ON product_categories (category, product_id);
"""


def _seed(connection: sqlite3.Connection) -> None:
    books = demo_data.catalogue().books
    connection.executemany(
        "INSERT INTO products VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
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
                b.published.isoformat(),
                b.image_url,
                b.language_code,
            )
            for b in books
        ],
    )
    connection.executemany(
        "INSERT INTO product_authors VALUES (?, ?, ?)",
        [(b.id, i, a) for b in books for i, a in enumerate(b.author_ids)],
    )
    connection.executemany(
        "INSERT INTO product_categories VALUES (?, ?, ?)",
        [(b.id, i, c) for b in books for i, c in enumerate(b.categories)],
    )


class SqliteProductRepository:
    """The catalogue in a SQLite file, seeded with the demo data set on first start."""

    def __init__(self, path: Path) -> None:
        self._db = open_store(path, _SCHEMA, _seed)

    def close(self) -> None:
        """Closes the file."""
        self._db.close()

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
