"""The sponsored service's domain logic, shared by the v1 and v2 adapters."""

from __future__ import annotations

from pagemesh.runtime import NotFoundError, PageSizePolicy
from services.domain import validate_id
from services.sponsored._store import Listing, ListingRepository

__all__ = ["Auction"]

MAX_RESULTS = PageSizePolicy(default=4, maximum=10)


class Auction:
    """Picks the listings with the highest bids for a product's page."""

    def __init__(self, repository: ListingRepository) -> None:
        self._repository = repository

    async def listings_for(self, product_id: str, max_results: int) -> list[Listing]:
        """The winning listings, highest bid first; NOT_FOUND for an unknown product page."""
        validate_id(product_id, "product_id")
        limit = MAX_RESULTS.resolve(max_results, "max_results")
        category = await self._repository.page_category(product_id)
        if category is None:
            raise NotFoundError(
                f"product {product_id!r} does not exist, so it has no page to place listings on"
            )
        return await self._repository.highest_bids(category, product_id, limit)
