"""The recommendation service, v1 and v2, over real gRPC."""

from __future__ import annotations

import grpc
import pytest

from pagemesh.recommendations.v1 import recommendations_pb2 as v1
from pagemesh.recommendations.v1 import recommendations_pb2_grpc as v1_grpc
from pagemesh.recommendations.v2 import recommendations_pb2 as v2
from pagemesh.recommendations.v2 import recommendations_pb2_grpc as v2_grpc


@pytest.fixture
def stubs(channels):
    channel = channels["recommendations"]
    return v1_grpc.RecommendationServiceStub(channel), v2_grpc.RecommendationServiceStub(channel)


def test_v1_and_v2_recommend_the_same_books_in_the_same_order(stubs) -> None:
    old, new = stubs
    r1 = old.ListRecommendations(v1.ListRecommendationsRequest(product_id="P00010", max_results=8))
    r2 = new.ListRecommendations(v2.ListRecommendationsRequest(product_id="P00010", page_size=8))
    assert [(p.product_id, p.title) for p in r1.products] == [
        (r.product_id, r.title) for r in r2.recommendations
    ]
    assert len(r2.recommendations) == 8
    scores = [r.score for r in r2.recommendations]
    assert scores == sorted(scores, reverse=True)
    assert all(r.reason != v2.REASON_UNSPECIFIED and r.explanation for r in r2.recommendations)
    assert "P00010" not in {r.product_id for r in r2.recommendations}


def test_a_known_user_gets_personal_picks_first(stubs) -> None:
    _, new = stubs
    personal = new.ListRecommendations(v2.ListRecommendationsRequest(product_id="P00010", user_id="u-alice"))
    assert personal.recommendations[0].reason == v2.REASON_BROWSING_HISTORY


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_unknown_product_is_not_found(stubs, version) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        stub.ListRecommendations(module.ListRecommendationsRequest(product_id="P99999"))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert "P99999" in str(raised.value.details())


@pytest.mark.parametrize(
    ("version", "fields"),
    [
        ("v1", {"product_id": ""}),
        ("v1", {"product_id": "P00001", "max_results": -5}),
        ("v2", {"product_id": ""}),
        ("v2", {"product_id": "P00001", "page_size": -5}),
        ("v2", {"product_id": "P00001", "page_token": "%%%"}),
    ],
)
def test_bad_requests_are_invalid_argument(stubs, version, fields) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        stub.ListRecommendations(module.ListRecommendationsRequest(**fields))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_v2_pagination_round_trip(stubs) -> None:
    _, new = stubs
    everything = new.ListRecommendations(v2.ListRecommendationsRequest(product_id="P00020", page_size=50))
    assert not everything.next_page_token
    seen, token = [], ""
    while True:
        page = new.ListRecommendations(
            v2.ListRecommendationsRequest(product_id="P00020", page_size=3, page_token=token)
        )
        seen += [r.product_id for r in page.recommendations]
        token = page.next_page_token
        if not token:
            break
    assert seen == [r.product_id for r in everything.recommendations]
    assert len(seen) > 3


def test_v1_max_results_is_clamped_to_50(stubs) -> None:
    old, _ = stubs
    response = old.ListRecommendations(v1.ListRecommendationsRequest(product_id="P00020", max_results=500))
    assert 0 < len(response.products) <= 50
