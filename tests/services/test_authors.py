"""The author service, v1 and v2, over real gRPC."""

from __future__ import annotations

import grpc
import pytest

from pagemesh.authors.v1 import authors_pb2 as v1
from pagemesh.authors.v1 import authors_pb2_grpc as v1_grpc
from pagemesh.authors.v2 import authors_pb2 as v2
from pagemesh.authors.v2 import authors_pb2_grpc as v2_grpc
from services.demo_data import catalogue


@pytest.fixture
def stubs(channels):
    channel = channels["authors"]
    return v1_grpc.AuthorServiceStub(channel), v2_grpc.AuthorServiceStub(channel)


def test_v1_and_v2_describe_the_same_person(stubs) -> None:
    old, new = stubs
    a1 = old.GetAuthor(v1.GetAuthorRequest(id="A0023")).author
    a2 = new.GetAuthor(v2.GetAuthorRequest(id="A0023")).author
    assert a1.name == a2.name.display_name == f"{a2.name.given_name} {a2.name.family_name}"
    assert a1.bio == a2.biography
    assert a1.birth_date == a2.birth_time.ToDatetime().date().isoformat()
    assert list(a1.product_ids) == list(a2.product_ids)
    assert a2.product_ids


def test_authors_of_a_product_main_author_first(stubs) -> None:
    old, new = stubs
    book = next(b for b in catalogue().books if len(b.author_ids) > 1)
    authors = new.ListProductAuthors(v2.ListProductAuthorsRequest(product_id=book.id)).authors
    assert [a.id for a in authors] == list(book.author_ids)
    main = old.GetProductAuthor(v1.GetProductAuthorRequest(product_id=book.id)).author
    assert main.id == book.author_ids[0]
    assert book.id in main.product_ids


@pytest.mark.parametrize(
    ("version", "method", "fields", "named"),
    [
        ("v1", "GetAuthor", {"id": "A9999"}, "A9999"),
        ("v1", "GetProductAuthor", {"product_id": "P99999"}, "P99999"),
        ("v2", "GetAuthor", {"id": "A9999"}, "A9999"),
        ("v2", "ListProductAuthors", {"product_id": "P99999"}, "P99999"),
    ],
)
def test_unknown_ids_are_not_found(stubs, version, method, fields, named) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        getattr(stub, method)(getattr(module, f"{method}Request")(**fields))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert named in str(raised.value.details())


@pytest.mark.parametrize(
    ("version", "method", "field"),
    [
        ("v1", "GetAuthor", "id"),
        ("v1", "GetProductAuthor", "product_id"),
        ("v2", "GetAuthor", "id"),
        ("v2", "ListProductAuthors", "product_id"),
    ],
)
def test_empty_ids_are_invalid_argument(stubs, version, method, field) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        getattr(stub, method)(getattr(module, f"{method}Request")())
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert f"{field} is required" in str(raised.value.details())
