"""Hypothesis strategies for request bytes: random bytes, and messages built from their descriptors.

The structured messages are valid on the wire but extreme in content: the largest and smallest numbers
of each type (and NaN and infinities), long and non-ASCII strings, IDs that exist beside ones that do
not, enum numbers the contract does not name, nested messages, and fields the contract does not have
(unknown fields, which a proto3 parser keeps rather than rejects).
"""

from __future__ import annotations

from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from hypothesis import strategies as st

__all__ = ["request_bytes"]

_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)
_UINT32 = (0, 2**32 - 1)
_UINT64 = (0, 2**64 - 1)
_MAX_FIELD_NUMBER = 2**29 - 1
# Real IDs of the demo data beside near misses, so some calls get past validation into the domain code.
_IDS = ("P00001", "P00240", "P99999", "A0001", "A0090", "u-alice", "u-fatima", "", " ", "P0000\u0661")


def _integers(bounds: tuple[int, int]) -> st.SearchStrategy[int]:
    low, high = bounds
    return st.one_of(st.sampled_from([low, high, -1 if low < 0 else 0, 0, 1]), st.integers(low, high))


def _strings() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(_IDS),
        st.text(max_size=40),  # any Unicode, no surrogates: what a proto string can carry
        st.text(alphabet=st.characters(min_codepoint=0x80), min_size=1, max_size=40),
        # Long: up to ~200 KB of one character (the server accepts requests up to 1 MiB).
        st.builds(lambda c, n: c * n, st.characters(), st.integers(1_000, 200_000)),
    )


def _floats(width: int) -> st.SearchStrategy[float]:
    return st.floats(width=width, allow_nan=True, allow_infinity=True)  # type: ignore[arg-type]


def _scalar(field: FieldDescriptor) -> st.SearchStrategy[Any]:
    kind = field.type
    if kind in (FieldDescriptor.TYPE_INT32, FieldDescriptor.TYPE_SINT32, FieldDescriptor.TYPE_SFIXED32):
        return _integers(_INT32)
    if kind in (FieldDescriptor.TYPE_INT64, FieldDescriptor.TYPE_SINT64, FieldDescriptor.TYPE_SFIXED64):
        return _integers(_INT64)
    if kind in (FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32):
        return _integers(_UINT32)
    if kind in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64):
        return _integers(_UINT64)
    if kind == FieldDescriptor.TYPE_DOUBLE:
        return _floats(64)
    if kind == FieldDescriptor.TYPE_FLOAT:
        return _floats(32)
    if kind == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if kind == FieldDescriptor.TYPE_STRING:
        return _strings()
    if kind == FieldDescriptor.TYPE_BYTES:
        return st.binary(max_size=64)
    if kind == FieldDescriptor.TYPE_ENUM:
        assert field.enum_type is not None
        known = [value.number for value in field.enum_type.values]
        # Open (proto3) enums carry any int32, named or not.
        return st.one_of(st.sampled_from(known), _integers(_INT32))
    raise AssertionError(f"no strategy for field type {kind} of {field.full_name}")


@st.composite
def _message(draw: st.DrawFn, descriptor: Descriptor, depth: int = 0) -> Any:
    message = message_factory.GetMessageClass(descriptor)()
    for field in descriptor.fields:
        if not draw(st.booleans()):
            continue
        target = getattr(message, field.name) if field.is_repeated else None
        count = draw(st.integers(0, 3)) if field.is_repeated else 1
        for _ in range(count):
            if field.type == FieldDescriptor.TYPE_MESSAGE:
                assert field.message_type is not None
                value = draw(_message(field.message_type, depth + 1)) if depth < 3 else None
                if target is not None:
                    added = target.add()
                    if value is not None:
                        added.CopyFrom(value)
                elif value is not None:
                    getattr(message, field.name).CopyFrom(value)
            elif target is not None:
                target.append(draw(_scalar(field)))
            else:
                setattr(message, field.name, draw(_scalar(field)))
    return message


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


@st.composite
def _unknown_field(draw: st.DrawFn, known: frozenset[int]) -> bytes:
    number = draw(
        st.integers(1, _MAX_FIELD_NUMBER).filter(lambda n: n not in known and not 19000 <= n <= 19999)
    )
    wire_type = draw(st.sampled_from([0, 1, 2, 5]))
    key = _varint(number << 3 | wire_type)
    if wire_type == 0:
        return key + _varint(draw(st.integers(0, 2**64 - 1)))
    if wire_type == 1:
        return key + draw(st.binary(min_size=8, max_size=8))
    if wire_type == 5:
        return key + draw(st.binary(min_size=4, max_size=4))
    payload = draw(st.binary(max_size=32))
    return key + _varint(len(payload)) + payload


@st.composite
def _structured(draw: st.DrawFn, descriptor: Descriptor) -> bytes:
    data: bytes = draw(_message(descriptor)).SerializeToString()
    known = frozenset(field.number for field in descriptor.fields)
    for _ in range(draw(st.integers(0, 2))):
        data += draw(_unknown_field(known))
    return data


def request_bytes(descriptor: Descriptor) -> st.SearchStrategy[bytes]:
    """Random bytes, or a structurally valid, extreme `descriptor` message (maybe with unknown fields)."""
    return st.one_of(st.binary(max_size=256), _structured(descriptor))
