"""pagemesh.product.v2: the catalogue with exact money, timestamps and several authors."""

from __future__ import annotations

import grpc.aio

from pagemesh.product.v2 import product_pb2 as pb
from pagemesh.product.v2 import product_pb2_grpc as pb_grpc
from services.domain import money_v2, timestamp_of_date
from services.product._catalogue import ProductCatalogue
from services.product._store import Product

__all__ = ["ProductServiceV2", "to_v2"]


def to_v2(product: Product) -> pb.Product:
    """The v2 wire form of a product."""
    return pb.Product(
        id=product.id,
        title=product.title,
        subtitle=product.subtitle,
        description=product.description,
        author_ids=product.author_ids,
        price=money_v2(product.price),
        format=pb.Format.Value(f"FORMAT_{product.format.upper()}"),
        isbn=product.isbn,
        page_count=product.page_count,
        publish_time=timestamp_of_date(product.published),
        categories=product.categories,
        image_uri=product.image_url,
        language_code=product.language_code,
    )


class ProductServiceV2(pb_grpc.ProductServiceServicer):
    """Adapts the catalogue to the v2 contract."""

    def __init__(self, catalogue: ProductCatalogue) -> None:
        self._catalogue = catalogue

    async def GetProduct(
        self,
        request: pb.GetProductRequest,
        context: grpc.aio.ServicerContext[pb.GetProductRequest, pb.GetProductResponse],
    ) -> pb.GetProductResponse:
        return pb.GetProductResponse(product=to_v2(await self._catalogue.get(request.id)))

    async def ListProducts(
        self,
        request: pb.ListProductsRequest,
        context: grpc.aio.ServicerContext[pb.ListProductsRequest, pb.ListProductsResponse],
    ) -> pb.ListProductsResponse:
        page = await self._catalogue.list(request.page_size, request.page_token, request.category)
        return pb.ListProductsResponse(
            products=[to_v2(p) for p in page.items],
            next_page_token=page.next_page_token,
            total_size=page.total_size,
        )
