"""The sponsored service: chooses paid listings for a product's page. Port 50053."""

from __future__ import annotations

from pagemesh.runtime import DatabaseUrl, ServiceInstance, api_binding
from pagemesh.sponsored.v1 import sponsored_pb2 as v1
from pagemesh.sponsored.v1 import sponsored_pb2_grpc as v1_grpc
from pagemesh.sponsored.v2 import sponsored_pb2 as v2
from pagemesh.sponsored.v2 import sponsored_pb2_grpc as v2_grpc
from pagemesh.storage import open_repository
from services.sponsored._auction import Auction
from services.sponsored._store import STORE, Listing, ListingRepository, SqliteListingRepository
from services.sponsored._store_postgres import PostgresListingRepository
from services.sponsored._v1 import SponsoredServiceV1
from services.sponsored._v2 import SponsoredServiceV2

__all__ = ["Auction", "Listing", "ListingRepository", "open_service"]


def open_service(database: DatabaseUrl) -> ServiceInstance:
    """The sponsored service on its database (a SQLite file or PostgreSQL)."""
    repository: ListingRepository
    repository, close = open_repository(
        database, STORE, sqlite=SqliteListingRepository, postgres=PostgresListingRepository
    )
    auction = Auction(repository)
    return ServiceInstance(
        bindings=(
            api_binding(
                v1.DESCRIPTOR,
                v1_grpc.add_SponsoredServiceServicer_to_server,
                SponsoredServiceV1(auction),
                read_only=True,
            ),
            api_binding(
                v2.DESCRIPTOR,
                v2_grpc.add_SponsoredServiceServicer_to_server,
                SponsoredServiceV2(auction),
                read_only=True,
            ),
        ),
        close=close,
    )
