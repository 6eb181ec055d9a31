"""pagemesh.history.v1: recently viewed products with date strings."""

from __future__ import annotations

import grpc.aio

from pagemesh.history.v1 import history_pb2 as pb
from pagemesh.history.v1 import history_pb2_grpc as pb_grpc
from services.domain import rfc3339
from services.history._journal import ViewJournal

__all__ = ["HistoryServiceV1"]


class HistoryServiceV1(pb_grpc.HistoryServiceServicer):
    """Adapts the journal to the v1 contract (one page, sized by max_results)."""

    def __init__(self, journal: ViewJournal) -> None:
        self._journal = journal

    async def ListViewedProducts(
        self,
        request: pb.ListViewedProductsRequest,
        context: grpc.aio.ServicerContext[pb.ListViewedProductsRequest, pb.ListViewedProductsResponse],
    ) -> pb.ListViewedProductsResponse:
        page = await self._journal.recent(request.user_id, request.max_results, "", size_field="max_results")
        return pb.ListViewedProductsResponse(
            products=[
                pb.ViewedProduct(product_id=v.product_id, title=v.title, viewed_at=rfc3339(v.viewed))
                for v in page.items
            ]
        )

    async def RecordView(
        self,
        request: pb.RecordViewRequest,
        context: grpc.aio.ServicerContext[pb.RecordViewRequest, pb.RecordViewResponse],
    ) -> pb.RecordViewResponse:
        await self._journal.record(request.user_id, request.product_id, request.title)
        return pb.RecordViewResponse()
