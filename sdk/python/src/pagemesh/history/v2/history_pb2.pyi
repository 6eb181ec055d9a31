# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ProductView(_message.Message):
    __slots__ = ("product_id", "title", "view_time")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    VIEW_TIME_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    title: str
    view_time: _timestamp_pb2.Timestamp
    def __init__(self, product_id: _Optional[str] = ..., title: _Optional[str] = ..., view_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListViewedProductsRequest(_message.Message):
    __slots__ = ("user_id", "page_size", "page_token")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    page_size: int
    page_token: str
    def __init__(self, user_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListViewedProductsResponse(_message.Message):
    __slots__ = ("views", "next_page_token")
    VIEWS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    views: _containers.RepeatedCompositeFieldContainer[ProductView]
    next_page_token: str
    def __init__(self, views: _Optional[_Iterable[_Union[ProductView, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RecordViewRequest(_message.Message):
    __slots__ = ("user_id", "product_id", "title", "view_time")
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    VIEW_TIME_FIELD_NUMBER: _ClassVar[int]
    user_id: str
    product_id: str
    title: str
    view_time: _timestamp_pb2.Timestamp
    def __init__(self, user_id: _Optional[str] = ..., product_id: _Optional[str] = ..., title: _Optional[str] = ..., view_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RecordViewResponse(_message.Message):
    __slots__ = ("view",)
    VIEW_FIELD_NUMBER: _ClassVar[int]
    view: ProductView
    def __init__(self, view: _Optional[_Union[ProductView, _Mapping]] = ...) -> None: ...
