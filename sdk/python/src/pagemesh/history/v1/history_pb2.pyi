# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ViewedProduct(_message.Message):
    __slots__ = ("product_id", "title", "viewed_at")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    VIEWED_AT_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    title: str
    viewed_at: str
    def __init__(self, product_id: _Optional[str] = ..., title: _Optional[str] = ..., viewed_at: _Optional[str] = ...) -> None: ...

class ListViewedProductsRequest(_message.Message):
    __slots__ = ("user_id", "max_results")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_RESULTS_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    max_results: int
    def __init__(self, user_id: _Optional[str] = ..., max_results: _Optional[int] = ...) -> None: ...

class ListViewedProductsResponse(_message.Message):
    __slots__ = ("products",)
    PRODUCTS_FIELD_NUMBER: _ClassVar[int]
    products: _containers.RepeatedCompositeFieldContainer[ViewedProduct]
    def __init__(self, products: _Optional[_Iterable[_Union[ViewedProduct, _Mapping]]] = ...) -> None: ...

class RecordViewRequest(_message.Message):
    __slots__ = ("user_id", "product_id", "title")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    product_id: str
    title: str
    def __init__(self, user_id: _Optional[str] = ..., product_id: _Optional[str] = ..., title: _Optional[str] = ...) -> None: ...

class RecordViewResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
