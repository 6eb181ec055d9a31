"""pagemesh.history.v2: paginated history with timestamps."""

from __future__ import annotations

import grpc.aio

from pagemesh.history.v2 import history_pb2 as pb
from pagemesh.history.v2 import history_pb2_grpc as pb_grpc
from services.domain import datetime_of, timestamp_of
from services.history._journal import ViewJournal
from services.history._model import View

__all__ = ["HistoryServiceV2"]


def to_v2(view: View) -> pb.ProductView:
    """The v2 wire form of a view."""
    return pb.ProductView(product_id=view.product_id, title=view.title, view_time=timestamp_of(view.viewed))


class HistoryServiceV2(pb_grpc.HistoryServiceServicer):
    """Adapts the journal to the v2 contract."""

    def __init__(self, journal: ViewJournal) -> None:
        self._journal = journal

    async def ListViewedProducts(
        self,
        request: pb.ListViewedProductsRequest,
        context: grpc.aio.ServicerContext[pb.ListViewedProductsRequest, pb.ListViewedProductsResponse],
    ) -> pb.ListViewedProductsResponse:
        page = await self._journal.recent(request.user_id, request.page_size, request.page_token)
        return pb.ListViewedProductsResponse(
            views=[to_v2(v) for v in page.items], next_page_token=page.next_page_token
        )

    async def RecordView(
        self,
        request: pb.RecordViewRequest,
        context: grpc.aio.ServicerContext[pb.RecordViewRequest, pb.RecordViewResponse],
    ) -> pb.RecordViewResponse:
        viewed = datetime_of(request.view_time, "view_time") if request.HasField("view_time") else None
        view = await self._journal.record(request.user_id, request.product_id, request.title, viewed)
        return pb.RecordViewResponse(view=to_v2(view))
