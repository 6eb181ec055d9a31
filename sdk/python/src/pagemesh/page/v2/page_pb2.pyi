# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from pagemesh.product.v2 import product_pb2 as _product_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Section(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SECTION_UNSPECIFIED: _ClassVar[Section]
    SECTION_AUTHORS: _ClassVar[Section]
    SECTION_REVIEWS: _ClassVar[Section]
    SECTION_RECOMMENDATIONS: _ClassVar[Section]
    SECTION_SPONSORED: _ClassVar[Section]
    SECTION_RECENTLY_VIEWED: _ClassVar[Section]
SECTION_UNSPECIFIED: Section
SECTION_AUTHORS: Section
SECTION_REVIEWS: Section
SECTION_RECOMMENDATIONS: Section
SECTION_SPONSORED: Section
SECTION_RECENTLY_VIEWED: Section

class GetProductPageRequest(_message.Message):
    __slots__ = ("product_id", "user_id")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    user_id: str
    def __init__(self, product_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class ProductDetails(_message.Message):
    __slots__ = ("id", "title", "subtitle", "description", "price", "format", "isbn", "page_count", "publish_time", "categories", "image_uri", "language_code")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUBTITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    ISBN_FIELD_NUMBER: _ClassVar[int]
    PAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    PUBLISH_TIME_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    IMAGE_URI_FIELD_NUMBER: _ClassVar[int]
    LANGUAGE_CODE_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    subtitle: str
    description: str
    price: _product_pb2.Money
    format: _product_pb2.Format
    isbn: str
    page_count: int
    publish_time: _timestamp_pb2.Timestamp
    categories: _containers.RepeatedScalarFieldContainer[str]
    image_uri: str
    language_code: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., subtitle: _Optional[str] = ..., description: _Optional[str] = ..., price: _Optional[_Union[_product_pb2.Money, _Mapping]] = ..., format: _Optional[_Union[_product_pb2.Format, str]] = ..., isbn: _Optional[str] = ..., page_count: _Optional[int] = ..., publish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., categories: _Optional[_Iterable[str]] = ..., image_uri: _Optional[str] = ..., language_code: _Optional[str] = ...) -> None: ...

class AuthorSummary(_message.Message):
    __slots__ = ("id", "display_name", "family_name", "biography", "photo_uri")
    ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    BIOGRAPHY_FIELD_NUMBER: _ClassVar[int]
    PHOTO_URI_FIELD_NUMBER: _ClassVar[int]
    id: str
    display_name: str
    family_name: str
    biography: str
    photo_uri: str
    def __init__(self, id: _Optional[str] = ..., display_name: _Optional[str] = ..., family_name: _Optional[str] = ..., biography: _Optional[str] = ..., photo_uri: _Optional[str] = ...) -> None: ...

class ReviewSnippet(_message.Message):
    __slots__ = ("reviewer_name", "rating", "title", "body", "create_time", "verified_purchase")
    REVIEWER_NAME_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    VERIFIED_PURCHASE_FIELD_NUMBER: _ClassVar[int]
    reviewer_name: str
    rating: int
    title: str
    body: str
    create_time: _timestamp_pb2.Timestamp
    verified_purchase: bool
    def __init__(self, reviewer_name: _Optional[str] = ..., rating: _Optional[int] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., verified_purchase: _Optional[bool] = ...) -> None: ...

class ReviewsSection(_message.Message):
    __slots__ = ("average_rating", "total_count", "star_counts", "reviews", "next_page_token")
    AVERAGE_RATING_FIELD_NUMBER: _ClassVar[int]
    TOTAL_COUNT_FIELD_NUMBER: _ClassVar[int]
    STAR_COUNTS_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    average_rating: float
    total_count: int
    star_counts: _containers.RepeatedScalarFieldContainer[int]
    reviews: _containers.RepeatedCompositeFieldContainer[ReviewSnippet]
    next_page_token: str
    def __init__(self, average_rating: _Optional[float] = ..., total_count: _Optional[int] = ..., star_counts: _Optional[_Iterable[int]] = ..., reviews: _Optional[_Iterable[_Union[ReviewSnippet, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RecommendationCard(_message.Message):
    __slots__ = ("product_id", "title", "score", "explanation")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    title: str
    score: float
    explanation: str
    def __init__(self, product_id: _Optional[str] = ..., title: _Optional[str] = ..., score: _Optional[float] = ..., explanation: _Optional[str] = ...) -> None: ...

class SponsoredCard(_message.Message):
    __slots__ = ("listing_id", "product_id", "title", "price", "advertiser_name")
    LISTING_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    ADVERTISER_NAME_FIELD_NUMBER: _ClassVar[int]
    listing_id: str
    product_id: str
    title: str
    price: _product_pb2.Money
    advertiser_name: str
    def __init__(self, listing_id: _Optional[str] = ..., product_id: _Optional[str] = ..., title: _Optional[str] = ..., price: _Optional[_Union[_product_pb2.Money, _Mapping]] = ..., advertiser_name: _Optional[str] = ...) -> None: ...

class ViewedCard(_message.Message):
    __slots__ = ("product_id", "title", "view_time")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    VIEW_TIME_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    title: str
    view_time: _timestamp_pb2.Timestamp
    def __init__(self, product_id: _Optional[str] = ..., title: _Optional[str] = ..., view_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DegradedSection(_message.Message):
    __slots__ = ("section", "code", "message")
    SECTION_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    section: Section
    code: int
    message: str
    def __init__(self, section: _Optional[_Union[Section, str]] = ..., code: _Optional[int] = ..., message: _Optional[str] = ...) -> None: ...

class GetProductPageResponse(_message.Message):
    __slots__ = ("product", "authors", "reviews", "recommendations", "sponsored", "recently_viewed", "degraded_sections")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    AUTHORS_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    SPONSORED_FIELD_NUMBER: _ClassVar[int]
    RECENTLY_VIEWED_FIELD_NUMBER: _ClassVar[int]
    DEGRADED_SECTIONS_FIELD_NUMBER: _ClassVar[int]
    product: ProductDetails
    authors: _containers.RepeatedCompositeFieldContainer[AuthorSummary]
    reviews: ReviewsSection
    recommendations: _containers.RepeatedCompositeFieldContainer[RecommendationCard]
    sponsored: _containers.RepeatedCompositeFieldContainer[SponsoredCard]
    recently_viewed: _containers.RepeatedCompositeFieldContainer[ViewedCard]
    degraded_sections: _containers.RepeatedCompositeFieldContainer[DegradedSection]
    def __init__(self, product: _Optional[_Union[ProductDetails, _Mapping]] = ..., authors: _Optional[_Iterable[_Union[AuthorSummary, _Mapping]]] = ..., reviews: _Optional[_Union[ReviewsSection, _Mapping]] = ..., recommendations: _Optional[_Iterable[_Union[RecommendationCard, _Mapping]]] = ..., sponsored: _Optional[_Iterable[_Union[SponsoredCard, _Mapping]]] = ..., recently_viewed: _Optional[_Iterable[_Union[ViewedCard, _Mapping]]] = ..., degraded_sections: _Optional[_Iterable[_Union[DegradedSection, _Mapping]]] = ...) -> None: ...
