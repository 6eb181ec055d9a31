"""The history service's consumer group on the bus: every page view of a signed-in visitor becomes (or
refreshes) a row of that visitor's browsing history, the rows `ListViewedProducts` reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

from pagemesh.bus import Event
from pagemesh.events.v1 import events_pb2
from pagemesh.runtime import EventHandler
from services.events import signed_in_views
from services.history._journal import MAX_TITLE_LENGTH
from services.history._model import View
from services.history._store import ViewRepository

__all__ = ["ViewEvents"]


class ViewEvents:
    """Applies `ProductViewed` events to the history store, each event at most once."""

    def __init__(self, repository: ViewRepository) -> None:
        self._repository = repository
        self.applied = 0

    def handler(self) -> EventHandler:
        """This consumer as the service offers it to `pagemesh serve`."""
        return EventHandler(types=(events_pb2.ProductViewed,), handle=self.handle)

    async def handle(self, events: Sequence[Event[events_pb2.ProductViewed]]) -> None:
        """Records the batch's views in one transaction (deduplicated on `event_id`)."""
        views = []
        for event, view in signed_in_views(events):
            viewed = (
                view.view_time.ToDatetime(tzinfo=UTC) if view.HasField("view_time") else event.occurred_at
            )
            title = view.product_title[:MAX_TITLE_LENGTH]
            views.append((event.event_id, View(view.user_id, view.product_id, title, viewed)))
        if views:
            self.applied += await self._repository.apply_views(views)
