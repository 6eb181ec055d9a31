"""The product service's domain logic, shared by the v1 and v2 adapters."""

from __future__ import annotations

from pagemesh.runtime import NotFoundError, Page, PageSizePolicy, paginate
from services.domain import validate_id
from services.product._store import Product, ProductRepository

__all__ = ["ProductCatalogue"]

LIST_PAGE_SIZE = PageSizePolicy(default=20, maximum=100)


class ProductCatalogue:
    """Looks products up and pages through them."""

    def __init__(self, repository: ProductRepository) -> None:
        self._repository = repository

    async def get(self, product_id: str) -> Product:
        """The product, or NOT_FOUND naming the ID."""
        validate_id(product_id, "id")
        product = await self._repository.get(product_id)
        if product is None:
            raise NotFoundError(f"product {product_id!r} does not exist")
        return product

    async def list(self, page_size: int, page_token: str, category: str = "") -> Page[Product]:
        """One page of the catalogue in ID order."""

        async def fetch(offset: int, limit: int) -> tuple[list[Product], int]:
            return await self._repository.list(category, offset, limit)

        return await paginate(
            fetch,
            page_size=page_size,
            page_token=page_token,
            scope=f"products|{category}",
            policy=LIST_PAGE_SIZE,
        )
