"""The history service: remembers which products each user looked at. Port 50056."""

from __future__ import annotations

from pagemesh.history.v1 import history_pb2 as v1
from pagemesh.history.v1 import history_pb2_grpc as v1_grpc
from pagemesh.history.v2 import history_pb2 as v2
from pagemesh.history.v2 import history_pb2_grpc as v2_grpc
from pagemesh.runtime import DatabaseUrl, ServiceInstance, api_binding
from pagemesh.storage import open_repository
from services.history._consumer import ViewEvents
from services.history._journal import ViewJournal
from services.history._model import View
from services.history._store import STORE, SqliteViewRepository, ViewRepository
from services.history._store_postgres import PostgresViewRepository
from services.history._v1 import HistoryServiceV1
from services.history._v2 import HistoryServiceV2

__all__ = ["View", "ViewEvents", "ViewJournal", "ViewRepository", "open_service"]


def open_service(database: DatabaseUrl) -> ServiceInstance:
    """The history service on its database (a SQLite file or PostgreSQL)."""
    repository: ViewRepository
    repository, close = open_repository(
        database, STORE, sqlite=SqliteViewRepository, postgres=PostgresViewRepository
    )
    journal = ViewJournal(repository)
    return ServiceInstance(
        bindings=(
            api_binding(
                v1.DESCRIPTOR, v1_grpc.add_HistoryServiceServicer_to_server, HistoryServiceV1(journal)
            ),
            api_binding(
                v2.DESCRIPTOR, v2_grpc.add_HistoryServiceServicer_to_server, HistoryServiceV2(journal)
            ),
        ),
        close=close,
        events=ViewEvents(repository).handler(),
    )
