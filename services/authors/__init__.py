"""The author service: owns authors' names, biographies and bibliographies. Port 50054."""

from __future__ import annotations

from pagemesh.authors.v1 import authors_pb2 as v1
from pagemesh.authors.v1 import authors_pb2_grpc as v1_grpc
from pagemesh.authors.v2 import authors_pb2 as v2
from pagemesh.authors.v2 import authors_pb2_grpc as v2_grpc
from pagemesh.runtime import DatabaseUrl, ServiceInstance, api_binding
from pagemesh.storage import open_repository
from services.authors._directory import AuthorDirectory
from services.authors._model import Author
from services.authors._store import STORE, AuthorRepository, SqliteAuthorRepository
from services.authors._store_postgres import PostgresAuthorRepository
from services.authors._v1 import AuthorServiceV1
from services.authors._v2 import AuthorServiceV2

__all__ = ["Author", "AuthorDirectory", "AuthorRepository", "open_service"]


def open_service(database: DatabaseUrl) -> ServiceInstance:
    """The author service on its database (a SQLite file or PostgreSQL)."""
    repository: AuthorRepository
    repository, close = open_repository(
        database, STORE, sqlite=SqliteAuthorRepository, postgres=PostgresAuthorRepository
    )
    directory = AuthorDirectory(repository)
    return ServiceInstance(
        bindings=(
            api_binding(
                v1.DESCRIPTOR,
                v1_grpc.add_AuthorServiceServicer_to_server,
                AuthorServiceV1(directory),
                read_only=True,
            ),
            api_binding(
                v2.DESCRIPTOR,
                v2_grpc.add_AuthorServiceServicer_to_server,
                AuthorServiceV2(directory),
                read_only=True,
            ),
        ),
        close=close,
    )
