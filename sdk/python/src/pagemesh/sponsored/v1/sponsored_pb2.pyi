# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListSponsoredListingsRequest(_message.Message):
    __slots__ = ("product_id", "max_results")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_RESULTS_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    max_results: int
    def __init__(self, product_id: _Optional[str] = ..., max_results: _Optional[int] = ...) -> None: ...

class SponsoredListing(_message.Message):
    __slots__ = ("product_id", "title", "price", "currency_code", "advertiser")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    ADVERTISER_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    title: str
    price: float
    currency_code: str
    advertiser: str
    def __init__(self, product_id: _Optional[str] = ..., title: _Optional[str] = ..., price: _Optional[float] = ..., currency_code: _Optional[str] = ..., advertiser: _Optional[str] = ...) -> None: ...

class ListSponsoredListingsResponse(_message.Message):
    __slots__ = ("listings",)
    LISTINGS_FIELD_NUMBER: _ClassVar[int]
    listings: _containers.RepeatedCompositeFieldContainer[SponsoredListing]
    def __init__(self, listings: _Optional[_Iterable[_Union[SponsoredListing, _Mapping]]] = ...) -> None: ...
