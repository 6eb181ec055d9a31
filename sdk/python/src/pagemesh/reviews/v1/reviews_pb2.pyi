# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Review(_message.Message):
    __slots__ = ("id", "product_id", "reviewer_name", "rating", "title", "body", "created_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    REVIEWER_NAME_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    product_id: str
    reviewer_name: str
    rating: int
    title: str
    body: str
    created_at: str
    def __init__(self, id: _Optional[str] = ..., product_id: _Optional[str] = ..., reviewer_name: _Optional[str] = ..., rating: _Optional[int] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., created_at: _Optional[str] = ...) -> None: ...

class ListReviewsRequest(_message.Message):
    __slots__ = ("product_id", "max_results")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_RESULTS_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    max_results: int
    def __init__(self, product_id: _Optional[str] = ..., max_results: _Optional[int] = ...) -> None: ...

class ListReviewsResponse(_message.Message):
    __slots__ = ("reviews", "average_rating", "total_count")
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_RATING_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    reviews: _containers.RepeatedCompositeFieldContainer[Review]
    average_rating: float
    total_count: int
    def __init__(self, reviews: _Optional[_Iterable[_Union[Review, _Mapping]]] = ..., average_rating: _Optional[float] = ..., total_count: _Optional[int] = ...) -> None: ...
