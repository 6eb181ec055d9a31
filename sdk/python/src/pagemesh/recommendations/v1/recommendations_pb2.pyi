# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ListRecommendationsRequest(_message.Message):
    __slots__ = ("product_id", "user_id", "max_results")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_RESULTS_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    user_id: str
    max_results: int
    def __init__(self, product_id: _Optional[str] = ..., user_id: _Optional[str] = ..., max_results: _Optional[int] = ...) -> None: ...

class RecommendedProduct(_message.Message):
    __slots__ = ("product_id", "title")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    title: str
    def __init__(self, product_id: _Optional[str] = ..., title: _Optional[str] = ...) -> None: ...

class ListRecommendationsResponse(_message.Message):
    __slots__ = ("products",)
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    products: _containers.RepeatedCompositeFieldContainer[RecommendedProduct]
    def __init__(self, products: _Optional[_Iterable[_Union[RecommendedProduct, _Mapping]]] = ...) -> None: ...
