"""The product service: owns the catalogue (descriptions, prices, formats). Port 50051."""

from __future__ import annotations

from pagemesh.product.v1 import product_pb2 as v1
from pagemesh.product.v1 import product_pb2_grpc as v1_grpc
from pagemesh.product.v2 import product_pb2 as v2
from pagemesh.product.v2 import product_pb2_grpc as v2_grpc
from pagemesh.runtime import DatabaseUrl, ServiceInstance, api_binding
from pagemesh.storage import open_repository
from services.product._catalogue import ProductCatalogue
from services.product._store import STORE, Product, ProductRepository, SqliteProductRepository
from services.product._store_postgres import PostgresProductRepository
from services.product._v1 import ProductServiceV1
from services.product._v2 import ProductServiceV2

__all__ = ["Product", "ProductCatalogue", "ProductRepository", "open_service"]


def open_service(database: DatabaseUrl) -> ServiceInstance:
    """The product service on its database (a SQLite file or PostgreSQL)."""
    repository: ProductRepository
    repository, close = open_repository(
        database, STORE, sqlite=SqliteProductRepository, postgres=PostgresProductRepository
    )
    catalogue = ProductCatalogue(repository)
    return ServiceInstance(
        bindings=(
            api_binding(
                v1.DESCRIPTOR,
                v1_grpc.add_ProductServiceServicer_to_server,
                ProductServiceV1(catalogue),
                read_only=True,
            ),
            api_binding(
                v2.DESCRIPTOR,
                v2_grpc.add_ProductServiceServicer_to_server,
                ProductServiceV2(catalogue),
                read_only=True,
            ),
        ),
        close=close,
    )
