"""The history service's domain logic, shared by the v1 and v2 adapters."""

from __future__ import annotations

from datetime import UTC, datetime

from pagemesh.runtime import InvalidArgumentError, NotFoundError, Page, PageSizePolicy, paginate
from services.domain import validate_id
from services.history._model import View
from services.history._store import ViewRepository

__all__ = ["ViewJournal"]

PAGE_SIZE = PageSizePolicy(default=10, maximum=50)
MAX_TITLE_LENGTH = 500


class ViewJournal:
    """Keeps each user's recently viewed products."""

    def __init__(self, repository: ViewRepository) -> None:
        self._repository = repository

    async def recent(
        self, user_id: str, page_size: int, page_token: str, size_field: str = "page_size"
    ) -> Page[View]:
        """One page of the user's views, newest first; NOT_FOUND when nothing was recorded for the user."""
        validate_id(user_id, "user_id")

        async def fetch(offset: int, limit: int) -> tuple[list[View], int]:
            return await self._repository.recent(user_id, offset, limit)

        page = await paginate(
            fetch,
            page_size=page_size,
            page_token=page_token,
            scope=f"history|{user_id}",
            policy=PAGE_SIZE,
            size_field=size_field,
        )
        if page.total_size == 0:
            raise NotFoundError(f"no browsing history is recorded for user {user_id!r}")
        return page

    async def record(self, user_id: str, product_id: str, title: str, viewed: datetime | None = None) -> View:
        """Records a view (now, unless `viewed` says when) and returns it as stored."""
        validate_id(user_id, "user_id")
        validate_id(product_id, "product_id")
        if len(title) > MAX_TITLE_LENGTH:
            raise InvalidArgumentError(f"title is longer than {MAX_TITLE_LENGTH} characters")
        return await self._repository.record(View(user_id, product_id, title, viewed or datetime.now(UTC)))
