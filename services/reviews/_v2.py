"""pagemesh.reviews.v2: paginated reviews with timestamps and a full rating summary."""

from __future__ import annotations

import grpc.aio

from pagemesh.reviews.v2 import reviews_pb2 as pb
from pagemesh.reviews.v2 import reviews_pb2_grpc as pb_grpc
from services.domain import timestamp_of
from services.reviews._board import ReviewBoard

__all__ = ["ReviewServiceV2"]


class ReviewServiceV2(pb_grpc.ReviewServiceServicer):
    """Adapts the board to the v2 contract."""

    def __init__(self, board: ReviewBoard) -> None:
        self._board = board

    async def ListReviews(
        self,
        request: pb.ListReviewsRequest,
        context: grpc.aio.ServicerContext[pb.ListReviewsRequest, pb.ListReviewsResponse],
    ) -> pb.ListReviewsResponse:
        summary, page = await self._board.reviews(
            request.product_id,
            request.page_size,
            request.page_token,
            newest_first=request.order == pb.REVIEW_ORDER_NEWEST,
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
                    create_time=timestamp_of(r.created),
                    verified_purchase=r.verified_purchase,
                    helpful_votes=r.helpful_votes,
                )
                for r in page.items
            ],
            next_page_token=page.next_page_token,
            summary=pb.RatingSummary(
                average_rating=summary.average_rating,
                total_count=summary.total_count,
                star_counts=summary.star_counts,
            ),
        )
