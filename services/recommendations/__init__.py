"""The recommendation service: suggests related books, personalised by user. Port 50052."""

from __future__ import annotations

from pagemesh.recommendations.v1 import recommendations_pb2 as v1
from pagemesh.recommendations.v1 import recommendations_pb2_grpc as v1_grpc
from pagemesh.recommendations.v2 import recommendations_pb2 as v2
from pagemesh.recommendations.v2 import recommendations_pb2_grpc as v2_grpc
from pagemesh.runtime import DatabaseUrl, ServiceInstance, api_binding
from pagemesh.storage import open_repository
from services.recommendations._consumer import CoViewEvents
from services.recommendations._engine import RecommendationEngine
from services.recommendations._store import (
    STORE,
    Recommendation,
    RecommendationRepository,
    SqliteRecommendationRepository,
)
from services.recommendations._store_postgres import PostgresRecommendationRepository
from services.recommendations._v1 import RecommendationServiceV1
from services.recommendations._v2 import RecommendationServiceV2

__all__ = [
    "CoViewEvents",
    "Recommendation",
    "RecommendationEngine",
    "RecommendationRepository",
    "open_service",
]

ANSWER_MAX_AGE = 1.0
"""Seconds an answer is served from memory: co-views learnt from events show on pages within this."""


def open_service(database: DatabaseUrl) -> ServiceInstance:
    """The recommendation service on its database (a SQLite file or PostgreSQL)."""
    repository: RecommendationRepository
    repository, close = open_repository(
        database, STORE, sqlite=SqliteRecommendationRepository, postgres=PostgresRecommendationRepository
    )
    engine = RecommendationEngine(repository)
    return ServiceInstance(
        bindings=(
            api_binding(
                v1.DESCRIPTOR,
                v1_grpc.add_RecommendationServiceServicer_to_server,
                RecommendationServiceV1(engine),
                read_only=True,
                max_age=ANSWER_MAX_AGE,
            ),
            api_binding(
                v2.DESCRIPTOR,
                v2_grpc.add_RecommendationServiceServicer_to_server,
                RecommendationServiceV2(engine),
                read_only=True,
                max_age=ANSWER_MAX_AGE,
            ),
        ),
        close=close,
        events=CoViewEvents(repository).handler(),
    )
