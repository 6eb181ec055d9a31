"""Resolves protobuf editions features (and their proto2/proto3 equivalents) for one element.

buf decides several rules on *resolved* features (closed enums, UTF-8 validation, JSON format, field presence,
delimited encoding, C++ string type), so a proto2 file and an editions file that behave alike compare alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from google.protobuf import descriptor_pb2

__all__ = [
    "CPP_STRING",
    "CPP_STRING_TYPE_NAMES",
    "EDITION_2024",
    "EDITION_PROTO2",
    "EDITION_PROTO3",
    "custom_feature",
    "read_message_field",
    "read_varint_field",
    "resolve_feature",
]

EDITION_PROTO2 = descriptor_pb2.EDITION_PROTO2
EDITION_PROTO3 = descriptor_pb2.EDITION_PROTO3
EDITION_2024 = descriptor_pb2.EDITION_2024

_FS = descriptor_pb2.FeatureSet
# The defaults protoc applies per edition, for the standard features the rules look at.
_PROTO2_DEFAULTS = {
    "field_presence": _FS.EXPLICIT,
    "enum_type": _FS.CLOSED,
    "repeated_field_encoding": _FS.EXPANDED,
    "utf8_validation": _FS.NONE,
    "message_encoding": _FS.LENGTH_PREFIXED,
    "json_format": _FS.LEGACY_BEST_EFFORT,
}
_PROTO3_DEFAULTS = {
    "field_presence": _FS.IMPLICIT,
    "enum_type": _FS.OPEN,
    "repeated_field_encoding": _FS.PACKED,
    "utf8_validation": _FS.VERIFY,
    "message_encoding": _FS.LENGTH_PREFIXED,
    "json_format": _FS.ALLOW,
}
_EDITIONS_DEFAULTS = {**_PROTO3_DEFAULTS, "field_presence": _FS.EXPLICIT}

# (pb.cpp) = FeatureSet extension 1000, string_type = its field 2; (pb.java) = 1001, utf8_validation = 2.
CPP_FEATURES, CPP_STRING_TYPE = 1000, 2
JAVA_FEATURES, JAVA_UTF8_VALIDATION = 1001, 2
CPP_VIEW, CPP_CORD, CPP_STRING = 1, 2, 3
CPP_STRING_TYPE_NAMES = {0: "STRING_TYPE_UNKNOWN", CPP_VIEW: "VIEW", CPP_CORD: "CORD", CPP_STRING: "STRING"}
JAVA_DEFAULT, JAVA_VERIFY = 1, 2


def resolve_feature(edition: int, chain: Sequence[descriptor_pb2.FeatureSet], name: str) -> int:
    """The value of standard feature `name` for an element whose features, outermost first, are `chain`."""
    for features in reversed(chain):
        if features.HasField(name):  # type: ignore[arg-type]
            value: int = getattr(features, name)
            return value
    if edition == EDITION_PROTO2:
        return _PROTO2_DEFAULTS[name]
    if edition == EDITION_PROTO3:
        return _PROTO3_DEFAULTS[name]
    return _EDITIONS_DEFAULTS[name]


def custom_feature(
    edition: int, chain: Iterable[descriptor_pb2.FeatureSet], extension: int, field: int
) -> int:
    """The value of a language feature such as (pb.cpp).string_type, read from the raw extension bytes.

    The language feature protos are not registered with the Python runtime, so their values arrive as unknown
    fields; reading the wire format directly avoids depending on generated code for them.
    """
    value: int | None = None
    for features in chain:
        data = features.SerializeToString()
        if not data:
            continue
        found = read_varint_field(read_message_field(data, extension), field)
        if found is not None:
            value = found
    if value is not None:
        return value
    if extension == CPP_FEATURES:
        return CPP_VIEW if edition >= EDITION_2024 else CPP_STRING
    return JAVA_DEFAULT


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes) -> Iterable[tuple[int, int, int | bytes]]:
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire_type = key >> 3, key & 7
        if wire_type == 0:
            value, pos = _varint(data, pos)
            yield number, wire_type, value
        elif wire_type == 2:
            length, pos = _varint(data, pos)
            yield number, wire_type, data[pos : pos + length]
            pos += length
        elif wire_type == 1:
            pos += 8
        elif wire_type == 5:
            pos += 4
        else:
            return


def read_message_field(data: bytes, number: int) -> bytes:
    found = b""
    for field_number, wire_type, value in _fields(data):
        if field_number == number and wire_type == 2 and isinstance(value, bytes):
            found += value  # repeated occurrences of a message field merge
    return found


def read_varint_field(data: bytes, number: int) -> int | None:
    found = None
    for field_number, wire_type, value in _fields(data):
        if field_number == number and wire_type == 0 and isinstance(value, int):
            found = value
    return found
