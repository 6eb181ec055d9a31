"""The recommendation service's domain logic, shared by the v1 and v2 adapters."""

from __future__ import annotations

from pagemesh.runtime import NotFoundError, Page, PageSizePolicy, paginate
from services.domain import validate_id
from services.recommendations._store import Recommendation, RecommendationRepository

__all__ = ["PAGE_SIZE", "RecommendationEngine"]

PAGE_SIZE = PageSizePolicy(default=10, maximum=50)
PERSONAL_PICKS = 3
"""How many suggestions from the user's interests lead a personalised list."""
ALSO_VIEWED_PICKS = 3
"""How many books that viewers of the product also viewed come before the precomputed suggestions."""


class RecommendationEngine:
    """Ranks suggestions for a product, personalised when a user is known."""

    def __init__(self, repository: RecommendationRepository) -> None:
        self._repository = repository

    async def recommend(
        self, product_id: str, user_id: str, page_size: int, page_token: str, size_field: str = "page_size"
    ) -> Page[Recommendation]:
        """One page of suggestions, best first; NOT_FOUND for a product the recommender does not know."""
        validate_id(product_id, "product_id")
        if not await self._repository.knows_product(product_id):
            raise NotFoundError(f"product {product_id!r} does not exist in the recommendation index")
        related = await self._repository.related(product_id)
        # What readers viewed together lately leads; the precomputed list follows without repeats.
        also_viewed = [
            r
            for r in await self._repository.also_viewed(product_id, ALSO_VIEWED_PICKS)
            if r.product_id != product_id
        ]
        shown = {r.product_id for r in also_viewed}
        ranked = also_viewed + [r for r in related if r.product_id not in shown]
        if user_id:
            seen = {r.product_id for r in ranked}
            personal = await self._repository.for_user(user_id, product_id, PERSONAL_PICKS + len(seen))
            ranked = [r for r in personal if r.product_id not in seen][:PERSONAL_PICKS] + ranked

        async def fetch(offset: int, limit: int) -> tuple[list[Recommendation], int]:
            return ranked[offset : offset + limit], len(ranked)

        return await paginate(
            fetch,
            page_size=page_size,
            page_token=page_token,
            scope=f"recommendations|{product_id}|{user_id}",
            policy=PAGE_SIZE,
            size_field=size_field,
        )
