"""pagemesh.recommendations.v2: scored suggestions with a reason, a page at a time."""

from __future__ import annotations

import grpc.aio

from pagemesh.recommendations.v2 import recommendations_pb2 as pb
from pagemesh.recommendations.v2 import recommendations_pb2_grpc as pb_grpc
from services.recommendations._engine import RecommendationEngine
from services.recommendations._store import Recommendation

__all__ = ["RecommendationServiceV2"]


def to_v2(recommendation: Recommendation) -> pb.Recommendation:
    """The v2 wire form of a suggestion."""
    return pb.Recommendation(
        product_id=recommendation.product_id,
        title=recommendation.title,
        score=recommendation.score,
        reason=pb.Reason.Value(f"REASON_{recommendation.reason.upper()}"),
        explanation=recommendation.explanation,
    )


class RecommendationServiceV2(pb_grpc.RecommendationServiceServicer):
    """Adapts the engine to the v2 contract."""

    def __init__(self, engine: RecommendationEngine) -> None:
        self._engine = engine

    async def ListRecommendations(
        self,
        request: pb.ListRecommendationsRequest,
        context: grpc.aio.ServicerContext[pb.ListRecommendationsRequest, pb.ListRecommendationsResponse],
    ) -> pb.ListRecommendationsResponse:
        page = await self._engine.recommend(
            request.product_id, request.user_id, request.page_size, request.page_token
        )
        return pb.ListRecommendationsResponse(
            recommendations=[to_v2(r) for r in page.items], next_page_token=page.next_page_token
        )
