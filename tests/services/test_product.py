"""The product service, v1 and v2, over real gRPC."""

from __future__ import annotations

import grpc
import pytest

from pagemesh.product.v1 import product_pb2 as v1
from pagemesh.product.v1 import product_pb2_grpc as v1_grpc
from pagemesh.product.v2 import product_pb2 as v2
from pagemesh.product.v2 import product_pb2_grpc as v2_grpc
from services.demo_data import catalogue


@pytest.fixture
def stubs(channels: dict[str, grpc.Channel]) -> tuple[v1_grpc.ProductServiceStub, v2_grpc.ProductServiceStub]:
    return v1_grpc.ProductServiceStub(channels["product"]), v2_grpc.ProductServiceStub(channels["product"])


def test_get_product_v1_and_v2_describe_the_same_book(stubs) -> None:
    old, new = stubs
    p1 = old.GetProduct(v1.GetProductRequest(id="P00001")).product
    p2 = new.GetProduct(v2.GetProductRequest(id="P00001")).product
    book = catalogue().books[0]
    assert p1.title == p2.title == book.title
    assert p1.price == p2.price.units + p2.price.nanos / 1e9
    assert p1.currency_code == p2.price.currency_code == book.currency_code
    assert p1.author_id == p2.author_ids[0] == book.author_ids[0]
    assert p1.published_date == p2.publish_time.ToDatetime().date().isoformat()
    assert v1.Format.Name(p1.format) == v2.Format.Name(p2.format) == f"FORMAT_{book.format.upper()}"


def test_catalogue_has_at_least_200_books_in_several_currencies(stubs) -> None:
    _, new = stubs
    response = new.ListProducts(v2.ListProductsRequest(page_size=100))
    assert response.total_size >= 200
    assert len({p.price.currency_code for p in response.products}) >= 3


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_unknown_product_is_not_found_naming_the_id(stubs, version: str) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        stub.GetProduct(module.GetProductRequest(id="P99999"))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert "P99999" in str(raised.value.details())


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize(
    ("request_fields", "method", "mentions"),
    [
        ({"id": ""}, "GetProduct", "id is required"),
        ({"page_size": -1}, "ListProducts", "page_size"),
        ({"page_token": "not-a-token"}, "ListProducts", "page_token"),
    ],
)
def test_bad_requests_are_invalid_argument(stubs, version, request_fields, method, mentions) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    request = getattr(module, f"{method}Request")(**request_fields)
    with pytest.raises(grpc.RpcError) as raised:
        getattr(stub, method)(request)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert mentions in str(raised.value.details())


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_pagination_round_trip_visits_every_product_once(stubs, version: str) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    seen: list[str] = []
    token = ""
    while True:
        page = stub.ListProducts(module.ListProductsRequest(page_size=37, page_token=token))
        assert len(page.products) <= 37
        seen += [p.id for p in page.products]
        token = page.next_page_token
        if not token:
            break
    assert seen == sorted(b.id for b in catalogue().books)


def test_page_size_follows_aip_158(stubs) -> None:
    _, new = stubs
    assert len(new.ListProducts(v2.ListProductsRequest(page_size=0)).products) == 20
    assert len(new.ListProducts(v2.ListProductsRequest(page_size=10_000)).products) == 100


def test_a_token_cannot_be_replayed_with_another_category(stubs) -> None:
    _, new = stubs
    first = new.ListProducts(v2.ListProductsRequest(page_size=2, category="Mystery"))
    assert all("Mystery" in p.categories for p in first.products)
    with pytest.raises(grpc.RpcError) as raised:
        new.ListProducts(
            v2.ListProductsRequest(page_size=2, category="History", page_token=first.next_page_token)
        )
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
