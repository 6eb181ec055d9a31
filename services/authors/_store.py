"""The author service's storage: people, and which books each wrote."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from pagemesh.storage import SeedRows, StoreSpec
from services import demo_data
from services.authors._model import Author
from services.domain import date_from_iso

__all__ = ["STORE", "AuthorRepository", "SqliteAuthorRepository"]


class AuthorRepository(Protocol):
    """Reads authors (in SQLite here, in PostgreSQL in `_store_postgres`)."""

    async def get(self, author_id: str) -> Author | None:
        """The author with this ID, or None."""
        ...

    async def of_product(self, product_id: str) -> list[Author] | None:
        """A product's authors, main author first, or None for a product the service does not know."""
        ...


def _seed_rows() -> SeedRows:
    data = demo_data.catalogue()
    return {
        "authors": [
            (a.id, a.given_name, a.family_name, a.biography, a.birth_date, a.photo_url) for a in data.authors
        ],
        "bylines": [(b.id, i, a) for b in data.books for i, a in enumerate(b.author_ids)],
    }


STORE = StoreSpec("authors", Path(__file__).parent / "migrations", _seed_rows)
"""The author service's store on either backend."""


class SqliteAuthorRepository:
    """Authors in a SQLite file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def _author(self, row: sqlite3.Row) -> Author:
        products = self._db.execute(
            "SELECT product_id FROM bylines WHERE author_id = ? ORDER BY product_id", (row["id"],)
        )
        return Author(
            id=row["id"],
            given_name=row["given_name"],
            family_name=row["family_name"],
            biography=row["biography"],
            birth_date=date_from_iso(row["birth_date"]),
            photo_url=row["photo_url"],
            product_ids=tuple(pid for (pid,) in products),
        )

    async def get(self, author_id: str) -> Author | None:
        row = self._db.execute("SELECT * FROM authors WHERE id = ?", (author_id,)).fetchone()
        return None if row is None else self._author(row)

    async def of_product(self, product_id: str) -> list[Author] | None:
        rows = self._db.execute(
            "SELECT a.* FROM bylines b JOIN authors a ON a.id = b.author_id WHERE b.product_id = ? "
            "ORDER BY b.position",
            (product_id,),
        ).fetchall()
        return [self._author(row) for row in rows] or None
