"""The review service's domain logic, shared by the v1 and v2 adapters."""

from __future__ import annotations

from pagemesh.runtime import NotFoundError, Page, PageSizePolicy, paginate
from services.domain import validate_id
from services.reviews._model import RatingSummary, Review
from services.reviews._store import ReviewRepository

__all__ = ["ReviewBoard"]

PAGE_SIZE = PageSizePolicy(default=10, maximum=50)


class ReviewBoard:
    """Lists a product's reviews with its rating summary."""

    def __init__(self, repository: ReviewRepository) -> None:
        self._repository = repository

    async def reviews(
        self,
        product_id: str,
        page_size: int,
        page_token: str,
        *,
        newest_first: bool = False,
        size_field: str = "page_size",
    ) -> tuple[RatingSummary, Page[Review]]:
        """The summary and one page of reviews; NOT_FOUND for an unknown product."""
        validate_id(product_id, "product_id")
        summary = await self._repository.summary(product_id)
        if summary is None:
            raise NotFoundError(f"product {product_id!r} does not exist in the review service")

        async def fetch(offset: int, limit: int) -> tuple[list[Review], int]:
            return await self._repository.page(product_id, newest_first, offset, limit), summary.total_count

        order = "newest" if newest_first else "helpful"
        page = await paginate(
            fetch,
            page_size=page_size,
            page_token=page_token,
            scope=f"reviews|{product_id}|{order}",
            policy=PAGE_SIZE,
            size_field=size_field,
        )
        return summary, page
