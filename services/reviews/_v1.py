"""pagemesh.reviews.v1: the most helpful reviews, the average rating and date strings."""

from __future__ import annotations

import grpc.aio

from pagemesh.reviews.v1 import reviews_pb2 as pb
from pagemesh.reviews.v1 import reviews_pb2_grpc as pb_grpc
from services.domain import rfc3339
from services.reviews._board import ReviewBoard

__all__ = ["ReviewServiceV1"]


class ReviewServiceV1(pb_grpc.ReviewServiceServicer):
    """Adapts the board to the v1 contract (one page, sized by max_results)."""

    def __init__(self, board: ReviewBoard) -> None:
        self._board = board

    async def ListReviews(
        self,
        request: pb.ListReviewsRequest,
        context: grpc.aio.ServicerContext[pb.ListReviewsRequest, pb.ListReviewsResponse],
    ) -> pb.ListReviewsResponse:
        summary, page = await self._board.reviews(
            request.product_id, request.max_results, "", size_field="max_results"
        )
        return pb.ListReviewsResponse(
            reviews=[
                pb.Review(
                    id=r.id,
                    product_id=r.product_id,
                    reviewer_name=r.reviewer_name,
                    rating=r.rating,
                    title=r.title,
                    body=r.body,
                    created_at=rfc3339(r.created),
                )
                for r in page.items
            ],
            average_rating=summary.average_rating,
            total_count=summary.total_count,
        )
