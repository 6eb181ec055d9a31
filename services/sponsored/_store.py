"""The sponsored service's storage: advertisers' listings and the pages they may be shown on."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pagemesh.storage import SeedRows, StoreSpec
from services import demo_data
from services.domain import Money

__all__ = ["STORE", "Listing", "ListingRepository", "SqliteListingRepository"]


@dataclass(frozen=True)
class Listing:
    """A paid listing: the domain model both API versions adapt."""

    listing_id: str
    product_id: str
    title: str
    price: Money
    advertiser_name: str
    placement: str
    """One of top_banner, sidebar, carousel."""


class ListingRepository(Protocol):
    """Reads listings (SQLite here, PostgreSQL in `_store_postgres`; an ad server could too)."""

    async def page_category(self, product_id: str) -> str | None:
        """The category that targets ads on this product's page, or None for an unknown product."""
        ...

    async def highest_bids(self, category: str, exclude: str, limit: int) -> list[Listing]:
        """Up to `limit` listings targeting `category`, highest bid first, not advertising `exclude`."""
        ...


def _seed_rows() -> SeedRows:
    data = demo_data.catalogue()
    return {
        "pages": [(b.id, b.categories[0]) for b in data.books],
        "listings": [
            (
                ad.listing_id,
                ad.product_id,
                ad.title,
                ad.currency_code,
                ad.price_units,
                ad.price_nanos,
                ad.advertiser_name,
                ad.bid_micros,
                ad.category,
                ad.placement,
            )
            for ad in data.listings
        ],
    }


STORE = StoreSpec("sponsored", Path(__file__).parent / "migrations", _seed_rows)
"""The sponsored service's store on either backend."""


class SqliteListingRepository:
    """Listings in a SQLite file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    async def page_category(self, product_id: str) -> str | None:
        row = self._db.execute("SELECT category FROM pages WHERE product_id = ?", (product_id,)).fetchone()
        return None if row is None else str(row[0])

    async def highest_bids(self, category: str, exclude: str, limit: int) -> list[Listing]:
        rows = self._db.execute(
            "SELECT listing_id, product_id, title, currency_code, price_units, price_nanos, advertiser_name, "
            "placement FROM listings WHERE category = ? AND product_id != ? "
            "ORDER BY bid_micros DESC, listing_id LIMIT ?",
            (category, exclude, limit),
        )
        return [
            Listing(lid, pid, title, Money(currency, units, nanos), advertiser, placement)
            for lid, pid, title, currency, units, nanos, advertiser, placement in rows
        ]
