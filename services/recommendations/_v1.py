"""pagemesh.recommendations.v1: suggested books as IDs and titles."""

from __future__ import annotations

import grpc.aio

from pagemesh.recommendations.v1 import recommendations_pb2 as pb
from pagemesh.recommendations.v1 import recommendations_pb2_grpc as pb_grpc
from services.recommendations._engine import RecommendationEngine

__all__ = ["RecommendationServiceV1"]


class RecommendationServiceV1(pb_grpc.RecommendationServiceServicer):
    """Adapts the engine to the v1 contract (the first page only, sized by max_results)."""

    def __init__(self, engine: RecommendationEngine) -> None:
        self._engine = engine

    async def ListRecommendations(
        self,
        request: pb.ListRecommendationsRequest,
        context: grpc.aio.ServicerContext[pb.ListRecommendationsRequest, pb.ListRecommendationsResponse],
    ) -> pb.ListRecommendationsResponse:
        page = await self._engine.recommend(
            request.product_id, request.user_id, request.max_results, "", size_field="max_results"
        )
        return pb.ListRecommendationsResponse(
            products=[pb.RecommendedProduct(product_id=r.product_id, title=r.title) for r in page.items]
        )
