"""The sponsored service, v1 and v2, over real gRPC."""

from __future__ import annotations

import grpc
import pytest

from pagemesh.sponsored.v1 import sponsored_pb2 as v1
from pagemesh.sponsored.v1 import sponsored_pb2_grpc as v1_grpc
from pagemesh.sponsored.v2 import sponsored_pb2 as v2
from pagemesh.sponsored.v2 import sponsored_pb2_grpc as v2_grpc


@pytest.fixture
def stubs(channels):
    channel = channels["sponsored"]
    return v1_grpc.SponsoredServiceStub(channel), v2_grpc.SponsoredServiceStub(channel)


def test_v1_and_v2_show_the_same_listings_at_the_same_price(stubs) -> None:
    old, new = stubs
    l1 = old.ListSponsoredListings(v1.ListSponsoredListingsRequest(product_id="P00001")).listings
    l2 = new.ListSponsoredListings(v2.ListSponsoredListingsRequest(product_id="P00001")).listings
    assert 0 < len(l1) == len(l2) <= 4
    for a, b in zip(l1, l2, strict=True):
        assert (a.product_id, a.title, a.advertiser) == (b.product_id, b.title, b.advertiser_name)
        assert a.price == b.price.units + b.price.nanos / 1e9
        assert a.currency_code == b.price.currency_code
        assert b.listing_id
        assert b.placement != v2.PLACEMENT_UNSPECIFIED
    assert "P00001" not in {listing.product_id for listing in l2}


def test_max_results_default_and_clamp(stubs) -> None:
    _, new = stubs
    assert len(new.ListSponsoredListings(v2.ListSponsoredListingsRequest(product_id="P00002")).listings) == 4
    many = new.ListSponsoredListings(v2.ListSponsoredListingsRequest(product_id="P00002", max_results=99))
    assert 4 < len(many.listings) <= 10


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_unknown_product_is_not_found(stubs, version) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        stub.ListSponsoredListings(module.ListSponsoredListingsRequest(product_id="P99999"))
    assert raised.value.code() == grpc.StatusCode.NOT_FOUND
    assert "P99999" in str(raised.value.details())


@pytest.mark.parametrize("version", ["v1", "v2"])
@pytest.mark.parametrize("fields", [{"product_id": ""}, {"product_id": "P00001", "max_results": -1}])
def test_bad_requests_are_invalid_argument(stubs, version, fields) -> None:
    stub, module = (stubs[0], v1) if version == "v1" else (stubs[1], v2)
    with pytest.raises(grpc.RpcError) as raised:
        stub.ListSponsoredListings(module.ListSponsoredListingsRequest(**fields))
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
