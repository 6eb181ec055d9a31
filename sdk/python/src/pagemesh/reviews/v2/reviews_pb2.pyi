# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReviewOrder(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_ORDER_UNSPECIFIED: _ClassVar[ReviewOrder]
    REVIEW_ORDER_MOST_HELPFUL: _ClassVar[ReviewOrder]
    REVIEW_ORDER_NEWEST: _ClassVar[ReviewOrder]
REVIEW_ORDER_UNSPECIFIED: ReviewOrder
REVIEW_ORDER_MOST_HELPFUL: ReviewOrder
REVIEW_ORDER_NEWEST: ReviewOrder

class Review(_message.Message):
    __slots__ = ("id", "product_id", "reviewer_name", "rating", "title", "body", "create_time", "verified_purchase", "helpful_votes")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_NAME_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_PURCHASE_FIELD_NUMBER: _ClassVar[int]
    HELPFUL_VOTES_FIELD_NUMBER: _ClassVar[int]
    id: str
    product_id: str
    reviewer_name: str
    rating: int
    title: str
    body: str
    create_time: _timestamp_pb2.Timestamp
    verified_purchase: bool
    helpful_votes: int
    def __init__(self, id: _Optional[str] = ..., product_id: _Optional[str] = ..., reviewer_name: _Optional[str] = ..., rating: _Optional[int] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., verified_purchase: _Optional[bool] = ..., helpful_votes: _Optional[int] = ...) -> None: ...

class RatingSummary(_message.Message):
    __slots__ = ("average_rating", "total_count", "star_counts")
    AVERAGE_RATING_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    STAR_COUNTS_FIELD_NUMBER: _ClassVar[int]
    average_rating: float
    total_count: int
    star_counts: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, average_rating: _Optional[float] = ..., total_count: _Optional[int] = ..., star_counts: _Optional[_Iterable[int]] = ...) -> None: ...

class ListReviewsRequest(_message.Message):
    __slots__ = ("product_id", "page_size", "page_token", "order")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ORDER_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    page_size: int
    page_token: str
    order: ReviewOrder
    def __init__(self, product_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., order: _Optional[_Union[ReviewOrder, str]] = ...) -> None: ...

class ListReviewsResponse(_message.Message):
    __slots__ = ("reviews", "next_page_token", "summary")
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    reviews: _containers.RepeatedCompositeFieldContainer[Review]
    next_page_token: str
    summary: RatingSummary
    def __init__(self, reviews: _Optional[_Iterable[_Union[Review, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., summary: _Optional[_Union[RatingSummary, _Mapping]] = ...) -> None: ...
