"""The history service, v1 and v2, over real gRPC."""

from __future__ import annotations

from datetime import UTC, datetime

import grpc
import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from pagemesh.history.v1 import history_pb2 as v1
from pagemesh.history.v1 import history_pb2_grpc as v1_grpc
from pagemesh.history.v2 import history_pb2 as v2
from pagemesh.history.v2 import history_pb2_grpc as v2_grpc
from services.demo_data import catalogue


@pytest.fixture
def stubs(channels):
    channel = channels["history"]
    return v1_grpc.HistoryServiceStub(channel), v2_grpc.HistoryServiceStub(channel)


def test_v1_and_v2_list_the_same_history(stubs) -> None:
    old, new = stubs
    h1 = old.ListViewedProducts(v1.ListViewedProductsRequest(user_id="u-bruno", max_results=50)).products
    h2 = new.ListViewedProducts(v2.ListViewedProductsRequest(user_id="u-bruno", page_size=50)).views
    assert [(p.product_id, p.title) for p in h1] == [(v.product_id, v.title) for v in h2]
    # v1 strings carry whole seconds; v2 Timestamps keep the fraction of views recorded by other tests.
    assert [p.viewed_at for p in h1] == [
        v.view_time.ToDatetime().replace(microsecond=0).isoformat() + "Z" for v in h2
    ]
    assert len(h1) >= sum(1 for v in catalogue().views if v.user_id == "u-bruno")


def test_v2_pagination_round_trip_newest_first(stubs) -> None:
    _, new = stubs
    seen, token = [], ""
    while True:
        page = new.ListViewedProducts(
            v2.ListViewedProductsRequest(user_id="u-chen", page_size=4, page_token=token)
        )
        seen += list(page.views)
        token = page.next_page_token
        if not token:
            break
    assert len(seen) == sum(1 for v in catalogue().views if v.user_id == "u-chen") > 4
    times = [v.view_time.ToDatetime() for v in seen]
    assert times == sorted(times, reverse=True)


def test_record_view_in_v2_then_read_it_in_v1(stubs) -> None:
    old, new = stubs
    stamp = Timestamp()
    stamp.FromDatetime(datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    recorded = new.RecordView(
        v2.RecordViewRequest(
            user_id="u-test-history", product_id="P00042", title="Some Book", view_time=stamp
        )
    ).view
    assert recorded.view_time == stamp
    old.RecordView(v1.RecordViewRequest(user_id="u-test-history", product_id="P00043", title="Other Book"))
    listed = old.ListViewedProducts(v1.ListViewedProductsRequest(user_id="u-test-history")).products
    assert [p.product_id for p in listed] == ["P00042", "P00043"]
    assert listed[0].viewed_at == "2030-01-02T03:04:05Z"
    # A second view of the same product moves it, it does not duplicate it.
    stamp.FromDatetime(datetime(2031, 1, 1, tzinfo=UTC))
    new.RecordView(v2.RecordViewRequest(user_id="u-test-history", product_id="P00043", view_time=stamp))
    again = new.ListViewedProducts(v2.ListViewedProductsRequest(user_id="u-test-history")).views
    assert [(v.product_id, v.title) for v in again] == [("P00043", "Other Book"), ("P00042", "Some Book")]


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_user_without_history_is_not_found(stubs, version) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        stub.ListViewedProducts(module.ListViewedProductsRequest(user_id="u-nobody"))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert "u-nobody" in str(raised.value.details())


@pytest.mark.parametrize(
    ("version", "method", "fields"),
    [
        ("v1", "ListViewedProducts", {"user_id": ""}),
        ("v1", "RecordView", {"user_id": "u-alice"}),
        ("v1", "ListViewedProducts", {"user_id": "u-alice", "max_results": -3}),
        ("v2", "ListViewedProducts", {"user_id": "u-alice", "page_token": "bm9wZQ"}),
        ("v2", "RecordView", {"product_id": "P00001"}),
        ("v2", "RecordView", {"user_id": "u-alice", "product_id": "P00001", "title": "x" * 501}),
    ],
)
def test_bad_requests_are_invalid_argument(stubs, version, method, fields) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        getattr(stub, method)(getattr(module, f"{method}Request")(**fields))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
