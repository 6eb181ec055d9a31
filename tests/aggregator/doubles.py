"""In-memory backends for the aggregator's unit tests: plain request -> response functions."""

from __future__ import annotations

import asyncio

import grpc
from google.protobuf.message import Message

from aggregator import BackendError, FunctionDownstream
from aggregator._downstream import Handler
from pagemesh.authors.v1 import authors_pb2 as authors_v1
from pagemesh.authors.v2 import authors_pb2 as authors_v2
from pagemesh.history.v2 import history_pb2 as history_v2
from pagemesh.product.v1 import product_pb2 as product_v1
from pagemesh.product.v2 import product_pb2 as product_v2
from pagemesh.recommendations.v2 import recommendations_pb2 as recommendations_v2
from pagemesh.reviews.v2 import reviews_pb2 as reviews_v2
from pagemesh.sponsored.v2 import sponsored_pb2 as sponsored_v2


def product_v2_message(product_id: str = "P00001") -> product_v2.Product:
    return product_v2.Product(
        id=product_id,
        title="Archive of Silent Cartographers",
        price=product_v2.Money(currency_code="GBP", units=25, nanos=990_000_000),
        format=product_v2.FORMAT_HARDCOVER,
        isbn="9780000000001",
        page_count=320,
    )


async def product(version: str, method: str, request: Message) -> Message:
    assert method == "GetProduct"
    assert isinstance(request, product_v2.GetProductRequest | product_v1.GetProductRequest)
    if request.id != "P00001":
        raise BackendError("product", grpc.StatusCode.NOT_FOUND, f"product {request.id!r} does not exist")
    if version == "v1":
        return product_v1.GetProductResponse(
            product=product_v1.Product(
                id="P00001", title="Archive of Silent Cartographers", price=25.99, currency_code="GBP"
            )
        )
    return product_v2.GetProductResponse(product=product_v2_message())


async def authors(version: str, method: str, request: Message) -> Message:
    if version == "v1":
        return authors_v1.GetProductAuthorResponse(
            author=authors_v1.Author(id="A0001", name="Farid Takahashi", bio="Writes maps.")
        )
    return authors_v2.ListProductAuthorsResponse(
        authors=[
            authors_v2.Author(
                id="A0001",
                name=authors_v2.PersonName(
                    given_name="Farid", family_name="Takahashi", display_name="Farid Takahashi"
                ),
                biography="Writes maps.",
            )
        ]
    )


async def reviews(version: str, method: str, request: Message) -> Message:
    return reviews_v2.ListReviewsResponse(
        reviews=[reviews_v2.Review(id="R1", reviewer_name="Ann", rating=4, title="Good", body="Liked it.")],
        summary=reviews_v2.RatingSummary(average_rating=4.0, total_count=1, star_counts=[0, 0, 0, 1, 0]),
    )


async def recommendations(version: str, method: str, request: Message) -> Message:
    return recommendations_v2.ListRecommendationsResponse(
        recommendations=[recommendations_v2.Recommendation(product_id="P00002", title="Iron Clockmakers")]
    )


async def sponsored(version: str, method: str, request: Message) -> Message:
    return sponsored_v2.ListSponsoredListingsResponse(
        listings=[
            sponsored_v2.SponsoredListing(
                listing_id="L0001",
                product_id="P00003",
                title="Golden Towers",
                price=product_v2.Money(currency_code="USD", units=12, nanos=500_000_000),
                advertiser_name="Acme Press",
            )
        ]
    )


async def history(version: str, method: str, request: Message) -> Message:
    if method == "RecordView":
        return history_v2.RecordViewResponse()
    return history_v2.ListViewedProductsResponse(
        views=[history_v2.ProductView(product_id="P00004", title="The Last Bridge")]
    )


HANDLERS: dict[str, Handler] = {
    "product": product,
    "authors": authors,
    "reviews": reviews,
    "recommendations": recommendations,
    "sponsored": sponsored,
    "history": history,
}


def failing(service: str, code: grpc.StatusCode, message: str = "injected") -> Handler:
    async def fail(version: str, method: str, request: Message) -> Message:
        raise BackendError(service, code, message)

    return fail


def slow(handler: Handler, seconds: float) -> Handler:
    async def delayed(version: str, method: str, request: Message) -> Message:
        await asyncio.sleep(seconds)
        return await handler(version, method, request)

    return delayed


def v1_only(service: str, handler: Handler) -> Handler:
    async def older(version: str, method: str, request: Message) -> Message:
        if version == "v2":
            raise BackendError(service, grpc.StatusCode.UNIMPLEMENTED, "Method not found!")
        return await handler(version, method, request)

    return older


def backends(**overrides: Handler) -> dict[str, FunctionDownstream]:
    """One in-memory downstream per service, with some handlers replaced."""
    return {
        name: FunctionDownstream(name, overrides.get(name, handler)) for name, handler in HANDLERS.items()
    }
