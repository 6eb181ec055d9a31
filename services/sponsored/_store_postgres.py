"""The sponsored service's listings in PostgreSQL (the schema is in `migrations/postgresql/`)."""

from __future__ import annotations

from pagemesh.storage import PostgresDatabase
from services.domain import Money
from services.sponsored._store import Listing

__all__ = ["PostgresListingRepository"]

_PAGE_CATEGORY = "SELECT category FROM pages WHERE product_id = $1"
_HIGHEST_BIDS = """
    SELECT listing_id, product_id, title, currency_code, price_units, price_nanos, advertiser_name, placement
    FROM listings WHERE category = $1 AND product_id != $2 ORDER BY bid_micros DESC, listing_id LIMIT $3
"""


class PostgresListingRepository:
    """Listings in the sponsored service's PostgreSQL database."""

    def __init__(self, database: PostgresDatabase) -> None:
        self._db = database

    async def page_category(self, product_id: str) -> str | None:
        row = await self._db.fetchrow(_PAGE_CATEGORY, product_id)
        return None if row is None else str(row[0])

    async def highest_bids(self, category: str, exclude: str, limit: int) -> list[Listing]:
        rows = await self._db.fetch(_HIGHEST_BIDS, category, exclude, limit)
        return [
            Listing(lid, pid, title, Money(currency, units, nanos), advertiser, placement)
            for lid, pid, title, currency, units, nanos, advertiser, placement in rows
        ]
