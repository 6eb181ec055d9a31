# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class GetProductPageRequest(_message.Message):
    __slots__ = ("product_id", "user_id")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    user_id: str
    def __init__(self, product_id: _Optional[str] = ..., user_id: _Optional[str] = ...) -> None: ...

class ProductDetails(_message.Message):
    __slots__ = ("id", "title", "subtitle", "description", "price", "currency_code", "format", "isbn", "page_count", "published_date", "categories", "image_url")
    ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SUBTITLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    ISBN_FIELD_NUMBER: _ClassVar[int]
    PAGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    PUBLISHED_DATE_FIELD_NUMBER: _ClassVar[int]
    CATEGORIES_FIELD_NUMBER: _ClassVar[int]
    IMAGE_URL_FIELD_NUMBER: _ClassVar[int]
    id: str
    title: str
    subtitle: str
    description: str
    price: float
    currency_code: str
    format: str
    isbn: str
    page_count: int
    published_date: str
    categories: _containers.RepeatedScalarFieldContainer[str]
    image_url: str
    def __init__(self, id: _Optional[str] = ..., title: _Optional[str] = ..., subtitle: _Optional[str] = ..., description: _Optional[str] = ..., price: _Optional[float] = ..., currency_code: _Optional[str] = ..., format: _Optional[str] = ..., isbn: _Optional[str] = ..., page_count: _Optional[int] = ..., published_date: _Optional[str] = ..., categories: _Optional[_Iterable[str]] = ..., image_url: _Optional[str] = ...) -> None: ...

class AuthorSummary(_message.Message):
    __slots__ = ("id", "name", "bio")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BIO_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    bio: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., bio: _Optional[str] = ...) -> None: ...

class ReviewSnippet(_message.Message):
    __slots__ = ("reviewer_name", "rating", "title", "body", "created_at")
    REVIEWER_NAME_FIELD_NUMBER: _ClassVar[int]
    RATING_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    reviewer_name: str
    rating: int
    title: str
    body: str
    created_at: str
    def __init__(self, reviewer_name: _Optional[str] = ..., rating: _Optional[int] = ..., title: _Optional[str] = ..., body: _Optional[str] = ..., created_at: _Optional[str] = ...) -> None: ...

class ProductCard(_message.Message):
    __slots__ = ("product_id", "title")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    title: str
    def __init__(self, product_id: _Optional[str] = ..., title: _Optional[str] = ...) -> None: ...

class SponsoredCard(_message.Message):
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

class GetProductPageResponse(_message.Message):
    __slots__ = ("product", "author", "average_rating", "review_count", "reviews", "recommendations", "sponsored", "recently_viewed")
    PRODUCT_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    AVERAGE_RATING_FIELD_NUMBER: _ClassVar[int]
    REVIEW_COUNT_FIELD_NUMBER: _ClassVar[int]
    REVIEWS_FIELD_NUMBER: _ClassVar[int]
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    SPONSORED_FIELD_NUMBER: _ClassVar[int]
    RECENTLY_VIEWED_FIELD_NUMBER: _ClassVar[int]
    product: ProductDetails
    author: AuthorSummary
    average_rating: float
    review_count: int
    reviews: _containers.RepeatedCompositeFieldContainer[ReviewSnippet]
    recommendations: _containers.RepeatedCompositeFieldContainer[ProductCard]
    sponsored: _containers.RepeatedCompositeFieldContainer[SponsoredCard]
    recently_viewed: _containers.RepeatedCompositeFieldContainer[ProductCard]
    def __init__(self, product: _Optional[_Union[ProductDetails, _Mapping]] = ..., author: _Optional[_Union[AuthorSummary, _Mapping]] = ..., average_rating: _Optional[float] = ..., review_count: _Optional[int] = ..., reviews: _Optional[_Iterable[_Union[ReviewSnippet, _Mapping]]] = ..., recommendations: _Optional[_Iterable[_Union[ProductCard, _Mapping]]] = ..., sponsored: _Optional[_Iterable[_Union[SponsoredCard, _Mapping]]] = ..., recently_viewed: _Optional[_Iterable[_Union[ProductCard, _Mapping]]] = ...) -> None: ...
