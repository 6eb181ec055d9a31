"""The review service: owns customer reviews and ratings. Port 50055."""

from __future__ import annotations

from pagemesh.reviews.v1 import reviews_pb2 as v1
from pagemesh.reviews.v1 import reviews_pb2_grpc as v1_grpc
from pagemesh.reviews.v2 import reviews_pb2 as v2
from pagemesh.reviews.v2 import reviews_pb2_grpc as v2_grpc
from pagemesh.runtime import DatabaseUrl, ServiceInstance, api_binding
from pagemesh.storage import open_repository
from services.reviews._board import ReviewBoard
from services.reviews._model import RatingSummary, Review
from services.reviews._store import STORE, ReviewRepository, SqliteReviewRepository
from services.reviews._store_postgres import PostgresReviewRepository
from services.reviews._v1 import ReviewServiceV1
from services.reviews._v2 import ReviewServiceV2

__all__ = ["RatingSummary", "Review", "ReviewBoard", "ReviewRepository", "open_service"]


def open_service(database: DatabaseUrl) -> ServiceInstance:
    """The review service on its database (a SQLite file or PostgreSQL)."""
    repository: ReviewRepository
    repository, close = open_repository(
        database, STORE, sqlite=SqliteReviewRepository, postgres=PostgresReviewRepository
    )
    board = ReviewBoard(repository)
    return ServiceInstance(
        bindings=(
            api_binding(
                v1.DESCRIPTOR,
                v1_grpc.add_ReviewServiceServicer_to_server,
                ReviewServiceV1(board),
                read_only=True,
            ),
            api_binding(
                v2.DESCRIPTOR,
                v2_grpc.add_ReviewServiceServicer_to_server,
                ReviewServiceV2(board),
                read_only=True,
            ),
        ),
        close=close,
    )
