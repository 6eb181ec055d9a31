# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Surface(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SURFACE_UNSPECIFIED: _ClassVar[Surface]
    SURFACE_GRPC: _ClassVar[Surface]
    SURFACE_HTML: _ClassVar[Surface]
    SURFACE_JSON: _ClassVar[Surface]
SURFACE_UNSPECIFIED: Surface
SURFACE_GRPC: Surface
SURFACE_HTML: Surface
SURFACE_JSON: Surface

class Envelope(_message.Message):
    __slots__ = ("event_id", "type", "schema_fingerprint", "occurred_at", "traceparent", "payload", "producer")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SCHEMA_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    OCCURRED_AT_FIELD_NUMBER: _ClassVar[int]
    TRACEPARENT_FIELD_NUMBER: _ClassVar[int]
    PAYLOAD_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    type: str
    schema_fingerprint: str
    occurred_at: _timestamp_pb2.Timestamp
    traceparent: str
    payload: bytes
    producer: str
    def __init__(self, event_id: _Optional[str] = ..., type: _Optional[str] = ..., schema_fingerprint: _Optional[str] = ..., occurred_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., traceparent: _Optional[str] = ..., payload: _Optional[bytes] = ..., producer: _Optional[str] = ...) -> None: ...

class ProductViewed(_message.Message):
    __slots__ = ("product_id", "user_id", "view_time", "api_version", "request_id", "product_title", "surface")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    VIEW_TIME_FIELD_NUMBER: _ClassVar[int]
    API_VERSION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_TITLE_FIELD_NUMBER: _ClassVar[int]
    SURFACE_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    user_id: str
    view_time: _timestamp_pb2.Timestamp
    api_version: str
    request_id: str
    product_title: str
    surface: Surface
    def __init__(self, product_id: _Optional[str] = ..., user_id: _Optional[str] = ..., view_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., api_version: _Optional[str] = ..., request_id: _Optional[str] = ..., product_title: _Optional[str] = ..., surface: _Optional[_Union[Surface, str]] = ...) -> None: ...
