# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PersonName(_message.Message):
    __slots__ = ("given_name", "family_name", "display_name")
    GIVEN_NAME_FIELD_NUMBER: _ClassVar[int]
    FAMILY_NAME_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    given_name: str
    family_name: str
    display_name: str
    def __init__(self, given_name: _Optional[str] = ..., family_name: _Optional[str] = ..., display_name: _Optional[str] = ...) -> None: ...

class Author(_message.Message):
    __slots__ = ("id", "name", "biography", "birth_time", "product_ids", "photo_uri")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    BIOGRAPHY_FIELD_NUMBER: _ClassVar[int]
    BIRTH_TIME_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_IDS_FIELD_NUMBER: _ClassVar[int]
    PHOTO_URI_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: PersonName
    biography: str
    birth_time: _timestamp_pb2.Timestamp
    product_ids: _containers.RepeatedScalarFieldContainer[str]
    photo_uri: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[_Union[PersonName, _Mapping]] = ..., biography: _Optional[str] = ..., birth_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., product_ids: _Optional[_Iterable[str]] = ..., photo_uri: _Optional[str] = ...) -> None: ...

class GetAuthorRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class GetAuthorResponse(_message.Message):
    __slots__ = ("author",)
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    author: Author
    def __init__(self, author: _Optional[_Union[Author, _Mapping]] = ...) -> None: ...

class ListProductAuthorsRequest(_message.Message):
    __slots__ = ("product_id",)
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    def __init__(self, product_id: _Optional[str] = ...) -> None: ...

class ListProductAuthorsResponse(_message.Message):
    __slots__ = ("authors",)
    AUTHORS_FIELD_NUMBER: _ClassVar[int]
    authors: _containers.RepeatedCompositeFieldContainer[Author]
    def __init__(self, authors: _Optional[_Iterable[_Union[Author, _Mapping]]] = ...) -> None: ...
