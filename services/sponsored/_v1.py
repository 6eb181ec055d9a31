"""pagemesh.sponsored.v1: paid listings with float prices."""

from __future__ import annotations

import grpc.aio

from pagemesh.sponsored.v1 import sponsored_pb2 as pb
from pagemesh.sponsored.v1 import sponsored_pb2_grpc as pb_grpc
from services.sponsored._auction import Auction

__all__ = ["SponsoredServiceV1"]


class SponsoredServiceV1(pb_grpc.SponsoredServiceServicer):
    """Adapts the auction to the v1 contract."""

    def __init__(self, auction: Auction) -> None:
        self._auction = auction

    async def ListSponsoredListings(
        self,
        request: pb.ListSponsoredListingsRequest,
        context: grpc.aio.ServicerContext[pb.ListSponsoredListingsRequest, pb.ListSponsoredListingsResponse],
    ) -> pb.ListSponsoredListingsResponse:
        listings = await self._auction.listings_for(request.product_id, request.max_results)
        return pb.ListSponsoredListingsResponse(
            listings=[
                pb.SponsoredListing(
                    product_id=ad.product_id,
                    title=ad.title,
                    price=ad.price.as_float,
                    currency_code=ad.price.currency_code,
                    advertiser=ad.advertiser_name,
                )
                for ad in listings
            ]
        )
