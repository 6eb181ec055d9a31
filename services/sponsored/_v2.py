"""pagemesh.sponsored.v2: paid listings with exact money and placements."""

from __future__ import annotations

import grpc.aio

from pagemesh.sponsored.v2 import sponsored_pb2 as pb
from pagemesh.sponsored.v2 import sponsored_pb2_grpc as pb_grpc
from services.domain import money_v2
from services.sponsored._auction import Auction

__all__ = ["SponsoredServiceV2"]


class SponsoredServiceV2(pb_grpc.SponsoredServiceServicer):
    """Adapts the auction to the v2 contract."""

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
                    listing_id=ad.listing_id,
                    product_id=ad.product_id,
                    title=ad.title,
                    price=money_v2(ad.price),
                    advertiser_name=ad.advertiser_name,
                    placement=pb.Placement.Value(f"PLACEMENT_{ad.placement.upper()}"),
                )
                for ad in listings
            ]
        )
