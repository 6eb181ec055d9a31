# Generated file. DO NOT EDIT: run `pagemesh sdk` after changing proto/.
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Reason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REASON_UNSPECIFIED: _ClassVar[Reason]
    REASON_ALSO_BOUGHT: _ClassVar[Reason]
    REASON_SAME_AUTHOR: _ClassVar[Reason]
    REASON_SIMILAR_CATEGORY: _ClassVar[Reason]
    REASON_BROWSING_HISTORY: _ClassVar[Reason]
    REASON_ALSO_VIEWED: _ClassVar[Reason]
REASON_UNSPECIFIED: Reason
REASON_ALSO_BOUGHT: Reason
REASON_SAME_AUTHOR: Reason
REASON_SIMILAR_CATEGORY: Reason
REASON_BROWSING_HISTORY: Reason
REASON_ALSO_VIEWED: Reason

class ListRecommendationsRequest(_message.Message):
    __slots__ = ("product_id", "user_id", "page_size", "page_token")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    USER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    user_id: str
    page_size: int
    page_token: str
    def __init__(self, product_id: _Optional[str] = ..., user_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class Recommendation(_message.Message):
    __slots__ = ("product_id", "title", "score", "reason", "explanation")
    PRODUCT_ID_FIELD_NUMBER: _ClassVar[int]
    TITLE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPLANATION_FIELD_NUMBER: _ClassVar[int]
    product_id: str
    title: str
    score: float
    reason: Reason
    explanation: str
    def __init__(self, product_id: _Optional[str] = ..., title: _Optional[str] = ..., score: _Optional[float] = ..., reason: _Optional[_Union[Reason, str]] = ..., explanation: _Optional[str] = ...) -> None: ...

class ListRecommendationsResponse(_message.Message):
    __slots__ = ("recommendations", "next_page_token")
    RECOMMENDATIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    recommendations: _containers.RepeatedCompositeFieldContainer[Recommendation]
    next_page_token: str
    def __init__(self, recommendations: _Optional[_Iterable[_Union[Recommendation, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
