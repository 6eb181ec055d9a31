"""pagemesh.product.v1: the catalogue with float prices and date strings."""

from __future__ import annotations

import grpc.aio

from pagemesh.product.v1 import product_pb2 as pb
from pagemesh.product.v1 import product_pb2_grpc as pb_grpc
from services.product._catalogue import ProductCatalogue
from services.product._store import Product

__all__ = ["ProductServiceV1", "to_v1"]


def to_v1(product: Product) -> pb.Product:
    """The v1 wire form of a product."""
    return pb.Product(
        id=product.id,
        title=product.title,
        subtitle=product.subtitle,
        description=product.description,
        author_id=product.author_ids[0] if product.author_ids else "",
        price=product.price.as_float,
        currency_code=product.price.currency_code,
        format=pb.Format.Value(f"FORMAT_{product.format.upper()}"),
        isbn=product.isbn,
        page_count=product.page_count,
        published_date=product.published.isoformat(),
        categories=product.categories,
        image_url=product.image_url,
    )


class ProductServiceV1(pb_grpc.ProductServiceServicer):
    """Adapts the catalogue to the v1 contract."""

    def __init__(self, catalogue: ProductCatalogue) -> None:
        self._catalogue = catalogue

    async def GetProduct(
        self,
        request: pb.GetProductRequest,
        context: grpc.aio.ServicerContext[pb.GetProductRequest, pb.GetProductResponse],
    ) -> pb.GetProductResponse:
        return pb.GetProductResponse(product=to_v1(await self._catalogue.get(request.id)))

    async def ListProducts(
        self,
        request: pb.ListProductsRequest,
        context: grpc.aio.ServicerContext[pb.ListProductsRequest, pb.ListProductsResponse],
    ) -> pb.ListProductsResponse:
        page = await self._catalogue.list(request.page_size, request.page_token)
        return pb.ListProductsResponse(
            products=[to_v1(p) for p in page.items], next_page_token=page.next_page_token
        )
