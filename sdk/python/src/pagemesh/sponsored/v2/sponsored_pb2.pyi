# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
from pagemesh.product.v2 import product_pb2 as _product_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Placement(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PLACEMENT_UNSPECIFIED: _ClassVar[Placement]
    PLACEMENT_TOP_BANNER: _ClassVar[Placement]
    PLACEMENT_SIDEBAR: _ClassVar[Placement]
    PLACEMENT_CAROUSEL: _ClassVar[Placement]
PLACEMENT_UNSPECIFIED: Placement
PLACEMENT_TOP_BANNER: Placement
PLACEMENT_SIDEBAR: Placement
PLACEMENT_CAROUSEL: Placement

class ListSponsoredListingsRequest(_message.Message):
    __slots__ = ("product_id", "max_results")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_RESULTS_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    max_results: int
    def __init__(self, product_id: _Optional[str] = ..., max_results: _Optional[int] = ...) -> None: ...

class SponsoredListing(_message.Message):
    __slots__ = ("listing_id", "product_id", "title", "price", "advertiser_name", "placement")
    LISTING_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    ADVERTISER_NAME_FIELD_NUMBER: _ClassVar[int]
    PLACEMENT_FIELD_NUMBER: _ClassVar[int]
    listing_id: str
    product_id: str
    title: str
    price: _product_pb2.Money
    advertiser_name: str
    placement: Placement
    def __init__(self, listing_id: _Optional[str] = ..., product_id: _Optional[str] = ..., title: _Optional[str] = ..., price: _Optional[_Union[_product_pb2.Money, _Mapping]] = ..., advertiser_name: _Optional[str] = ..., placement: _Optional[_Union[Placement, str]] = ...) -> None: ...

class ListSponsoredListingsResponse(_message.Message):
    __slots__ = ("listings",)
    LISTINGS_FIELD_NUMBER: _ClassVar[int]
    listings: _containers.RepeatedCompositeFieldContainer[SponsoredListing]
    def __init__(self, listings: _Optional[_Iterable[_Union[SponsoredListing, _Mapping]]] = ...) -> None: ...
