"""The author service's domain logic, shared by the v1 and v2 adapters."""

from __future__ import annotations

from pagemesh.runtime import NotFoundError
from services.authors._model import Author
from services.authors._store import AuthorRepository
from services.domain import validate_id

__all__ = ["AuthorDirectory"]


class AuthorDirectory:
    """Finds authors by ID or by the books they wrote."""

    def __init__(self, repository: AuthorRepository) -> None:
        self._repository = repository

    async def get(self, author_id: str) -> Author:
        """The author, or NOT_FOUND naming the ID."""
        validate_id(author_id, "id")
        author = await self._repository.get(author_id)
        if author is None:
            raise NotFoundError(f"author {author_id!r} does not exist")
        return author

    async def of_product(self, product_id: str) -> list[Author]:
        """A product's authors, main author first, or NOT_FOUND naming the product."""
        validate_id(product_id, "product_id")
        authors = await self._repository.of_product(product_id)
        if authors is None:
            raise NotFoundError(f"product {product_id!r} does not exist in the author directory")
        return authors
