"""The author service's storage: people, and which books each wrote."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Protocol

from pagemesh.runtime import open_store
from services import demo_data
from services.authors._model import Author
from services.domain import date_from_iso

__all__ = ["AuthorRepository", "SqliteAuthorRepository"]


class AuthorRepository(Protocol):
    """Reads authors; a server database can implement this in place of SQLite."""

    async def get(self, author_id: str) -> Author | None:
        """The author with this ID, or None."""
        ...

    async def of_product(self, product_id: str) -> list[Author] | None:
        """A product's authors, main author first, or None for a product the service does not know."""
        ...


_SCHEMA = """
CREATE TABLE authors (
    id TEXT PRIMARY KEY, given_name TEXT NOT NULL, family_name TEXT NOT NULL, biography TEXT NOT NULL,
    birth_date TEXT NOT NULL, photo_url TEXT NOT NULL
);
CREATE TABLE bylines (
    product_id TEXT NOT NULL, position INTEGER NOT NULL, author_id TEXT NOT NULL REFERENCES authors(id),
    PRIMARY KEY (product_id, position)
);
CREATE INDEX bylines_by_author ON bylines (author_id, product_id)
"""


def _seed(connection: sqlite3.Connection) -> None:
    data = demo_data.catalogue()
    connection.executemany(
        "INSERT INTO authors VALUES (?, ?, ?, ?, ?, ?)",
        [
            (a.id, a.given_name, a.family_name, a.biography, a.birth_date.isoformat(), a.photo_url)
            for a in data.authors
        ],
    )
    connection.executemany(
        "INSERT INTO bylines VALUES (?, ?, ?)",
        [(b.id, i, a) for b in data.books for i, a in enumerate(b.author_ids)],
    )


class SqliteAuthorRepository:
    """Authors in a SQLite file, seeded with the demo data set on first start."""

    def __init__(self, path: Path) -> None:
        self._db = open_store(path, _SCHEMA, _seed)

    def close(self) -> None:
        """Closes the file."""
        self._db.close()

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
