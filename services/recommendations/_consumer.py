"""The recommendation service's consumer group on the bus: page views of signed-in visitors become the
co-view counts behind "customers who viewed this also viewed" (`REASON_ALSO_VIEWED`)."""

from __future__ import annotations

from collections.abc import Sequence

from pagemesh.bus import Event
from pagemesh.events.v1 import events_pb2
from pagemesh.runtime import EventHandler
from services.events import signed_in_views
from services.recommendations._store import RecommendationRepository

__all__ = ["CoViewEvents"]


class CoViewEvents:
    """Applies `ProductViewed` events to the co-view counts, each event at most once."""

    def __init__(self, repository: RecommendationRepository) -> None:
        self._repository = repository
        self.applied = 0

    def handler(self) -> EventHandler:
        """This consumer as the service offers it to `pagemesh serve`."""
        return EventHandler(types=(events_pb2.ProductViewed,), handle=self.handle)

    async def handle(self, events: Sequence[Event[events_pb2.ProductViewed]]) -> None:
        """Counts the batch's views in one transaction (deduplicated on `event_id`)."""
        views = [(event.event_id, view.user_id, view.product_id) for event, view in signed_in_views(events)]
        if views:
            self.applied += await self._repository.apply_views(views)
