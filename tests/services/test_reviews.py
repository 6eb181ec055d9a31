"""The review service, v1 and v2, over real gRPC."""

from __future__ import annotations

import grpc
import pytest

from pagemesh.reviews.v1 import reviews_pb2 as v1
from pagemesh.reviews.v1 import reviews_pb2_grpc as v1_grpc
from pagemesh.reviews.v2 import reviews_pb2 as v2
from pagemesh.reviews.v2 import reviews_pb2_grpc as v2_grpc
from services.demo_data import catalogue


@pytest.fixture
def stubs(channels):
    channel = channels["reviews"]
    return v1_grpc.ReviewServiceStub(channel), v2_grpc.ReviewServiceStub(channel)


def _most_reviewed() -> str:
    counts: dict[str, int] = {}
    for review in catalogue().reviews:
        counts[review.product_id] = counts.get(review.product_id, 0) + 1
    return max(sorted(counts), key=counts.__getitem__)


def test_v1_and_v2_agree_on_reviews_and_rating(stubs) -> None:
    old, new = stubs
    product = _most_reviewed()
    r1 = old.ListReviews(v1.ListReviewsRequest(product_id=product, max_results=5))
    r2 = new.ListReviews(v2.ListReviewsRequest(product_id=product, page_size=5))
    assert [r.id for r in r1.reviews] == [r.id for r in r2.reviews]
    assert [r.created_at for r in r1.reviews] == [
        r.create_time.ToJsonString().replace(".000Z", "Z") for r in r2.reviews
    ]
    assert r1.average_rating == r2.summary.average_rating
    assert r1.total_count == r2.summary.total_count == sum(r2.summary.star_counts)
    expected = [r for r in catalogue().reviews if r.product_id == product]
    assert r2.summary.total_count == len(expected)
    assert r2.summary.average_rating == round(sum(r.rating for r in expected) / len(expected), 2)
    votes = [r.helpful_votes for r in r2.reviews]
    assert votes == sorted(votes, reverse=True)


def test_v2_pagination_round_trip_in_both_orders(stubs) -> None:
    _, new = stubs
    product = _most_reviewed()
    for order in (v2.REVIEW_ORDER_MOST_HELPFUL, v2.REVIEW_ORDER_NEWEST):
        seen, token = [], ""
        while True:
            page = new.ListReviews(
                v2.ListReviewsRequest(product_id=product, page_size=7, page_token=token, order=order)
            )
            seen += list(page.reviews)
            token = page.next_page_token
            if not token:
                break
        assert len({r.id for r in seen}) == len(seen) == page.summary.total_count
        if order == v2.REVIEW_ORDER_NEWEST:
            times = [r.create_time.ToDatetime() for r in seen]
            assert times == sorted(times, reverse=True)


def test_a_token_from_one_order_is_refused_for_the_other(stubs) -> None:
    _, new = stubs
    product = _most_reviewed()
    first = new.ListReviews(v2.ListReviewsRequest(product_id=product, page_size=2))
    with pytest.raises(grpc.RpcError) as raised:
        new.ListReviews(
            v2.ListReviewsRequest(
                product_id=product,
                page_size=2,
                page_token=first.next_page_token,
                order=v2.REVIEW_ORDER_NEWEST,
            )
        )
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_a_product_without_reviews_has_an_empty_summary(stubs) -> None:
    _, new = stubs
    reviewed = {r.product_id for r in catalogue().reviews}
    quiet = next(b.id for b in catalogue().books if b.id not in reviewed)
    response = new.ListReviews(v2.ListReviewsRequest(product_id=quiet))
    assert not response.reviews
    assert response.summary.total_count == 0
    assert response.summary.average_rating == 0


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_unknown_product_is_not_found(stubs, version) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        stub.ListReviews(module.ListReviewsRequest(product_id="P99999"))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert "P99999" in str(raised.value.details())


@pytest.mark.parametrize(
    ("version", "fields"),
    [
        ("v1", {"product_id": ""}),
        ("v1", {"product_id": "P00001", "max_results": -1}),
        ("v2", {"product_id": ""}),
        ("v2", {"product_id": "P00001", "page_size": -1}),
        ("v2", {"product_id": "P00001", "page_token": "eyJvIjotMX0"}),
    ],
)
def test_bad_requests_are_invalid_argument(stubs, version, fields) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        stub.ListReviews(module.ListReviewsRequest(**fields))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
