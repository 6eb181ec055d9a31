"""The history service: remembers which products each user looked at. Port 50056."""

from __future__ import annotations

from pathlib import Path

from pagemesh.history.v1 import history_pb2 as v1
from pagemesh.history.v1 import history_pb2_grpc as v1_grpc
from pagemesh.history.v2 import history_pb2 as v2
from pagemesh.history.v2 import history_pb2_grpc as v2_grpc
from pagemesh.runtime import ServiceInstance, api_binding
from services.history._consumer import ViewEvents
from services.history._journal import ViewJournal
from services.history._model import View
from services.history._store import SqliteViewRepository, ViewRepository
from services.history._v1 import HistoryServiceV1
from services.history._v2 import HistoryServiceV2

__all__ = ["View", "ViewEvents", "ViewJournal", "ViewRepository", "open_service"]


def open_service(db_path: Path) -> ServiceInstance:
    """The history service on the SQLite store at `db_path`."""
    repository = SqliteViewRepository(db_path)
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
        close=repository.close,
        events=ViewEvents(repository).handler(),
    )
