"""Rules on fields (and extensions): type, cardinality, names, defaults, oneofs and per-language options."""

from __future__ import annotations

import dataclasses
import math
import re
import struct

from compat import _features as feat
from compat._findings import Report
from compat._model import Field, Location
from compat._pairs import Handler, for_each_field_pair
from compat._rules._common import (
    FDP,
    FEATURE_UTF8,
    FIELD_DEFAULT,
    FIELD_JSON_NAME,
    FIELD_NAME,
    FIELD_OPTION_CTYPE,
    FIELD_OPTION_FEATURES,
    FIELD_OPTION_JSTYPE,
    FIELD_OPTIONS,
    FIELD_TYPE,
    FIELD_TYPE_NAME,
    FILE_JAVA_STRING_CHECK_UTF8,
    FILE_OPTIONS,
    FO,
    FS,
    first,
    quote,
)

__all__ = [
    "field_same_cardinality",
    "field_same_cpp_string_type",
    "field_same_default",
    "field_same_java_utf8_validation",
    "field_same_json_name",
    "field_same_jstype",
    "field_same_name",
    "field_same_oneof",
    "field_same_type",
    "field_same_utf8_validation",
    "field_wire_compatible_cardinality",
    "field_wire_compatible_type",
    "field_wire_json_compatible_cardinality",
    "field_wire_json_compatible_type",
]

# https://protobuf.dev/programming-guides/proto3/#updating: kinds in one group are wire compatible.
_WIRE_GROUP: dict[int, int] = {
    **dict.fromkeys((FDP.TYPE_INT32, FDP.TYPE_INT64, FDP.TYPE_UINT32, FDP.TYPE_UINT64, FDP.TYPE_BOOL), 1),
    **dict.fromkeys((FDP.TYPE_SINT32, FDP.TYPE_SINT64), 2),
    FDP.TYPE_STRING: 3,
    FDP.TYPE_BYTES: 4,
    **dict.fromkeys((FDP.TYPE_FIXED32, FDP.TYPE_SFIXED32), 5),
    **dict.fromkeys((FDP.TYPE_FIXED64, FDP.TYPE_SFIXED64), 6),
    FDP.TYPE_DOUBLE: 7,
    FDP.TYPE_FLOAT: 8,
    FDP.TYPE_GROUP: 9,
    FDP.TYPE_MESSAGE: 10,
    FDP.TYPE_ENUM: 11,
}
# Both wire and JSON compatible: the intersection of the two.
_WIRE_JSON_GROUP: dict[int, int] = {
    **dict.fromkeys((FDP.TYPE_INT32, FDP.TYPE_UINT32), 1),
    **dict.fromkeys((FDP.TYPE_INT64, FDP.TYPE_UINT64), 2),
    **dict.fromkeys((FDP.TYPE_FIXED32, FDP.TYPE_SFIXED32), 3),
    **dict.fromkeys((FDP.TYPE_FIXED64, FDP.TYPE_SFIXED64), 4),
    FDP.TYPE_BOOL: 5,
    FDP.TYPE_SINT32: 6,
    FDP.TYPE_SINT64: 7,
    FDP.TYPE_STRING: 8,
    FDP.TYPE_BYTES: 9,
    FDP.TYPE_DOUBLE: 10,
    FDP.TYPE_FLOAT: 11,
    FDP.TYPE_GROUP: 12,
    FDP.TYPE_MESSAGE: 13,
    FDP.TYPE_ENUM: 14,
}
_CARDINALITY_WIRE_GROUP = {
    "optional with explicit presence": 1,
    "optional with implicit presence": 1,
    "required": 2,
    "repeated": 3,
    "map": 3,
}
_CARDINALITY_WIRE_JSON_GROUP = {**_CARDINALITY_WIRE_GROUP, "map": 4}  # maps and lists differ in JSON
_SIXTY_FOUR_BIT = (FDP.TYPE_INT64, FDP.TYPE_SINT64, FDP.TYPE_UINT64, FDP.TYPE_FIXED64, FDP.TYPE_SFIXED64)
_WIRE_RULES_URL = "https://developers.google.com/protocol-buffers/docs/proto3#updating"
_JSON_RULES_URL = "https://developers.google.com/protocol-buffers/docs/proto3#json"


def _both_map_entries(field: Field, previous_field: Field) -> bool:
    return bool(
        field.scope
        and previous_field.scope
        and field.scope.is_map_entry
        and previous_field.scope.is_map_entry
    )


def _cardinality_rule(groups: dict[str, int] | None) -> Handler:
    def rule(report: Report, field: Field, previous_field: Field) -> None:
        if _both_map_entries(field, previous_field):
            return  # generated entries inherit presence oddly but behave the same
        previous, current = previous_field.cardinality, field.cardinality
        changed = previous != current if groups is None else groups[previous] != groups[current]
        if changed:
            report(
                field.location,
                previous_field.location,
                f"{field.description} changed cardinality from {quote(previous)} to {quote(current)}.",
            )

    return for_each_field_pair(rule)


def _cpp_string_type(field: Field) -> tuple[int, bool]:
    """(string type, is STRING_PIECE): the ctype option where set, else the (pb.cpp).string_type feature."""
    options = field.proto.options
    if field.file.edition < feat.EDITION_2024 and options.HasField("ctype"):
        if options.ctype == FO.CORD:
            return feat.CPP_CORD, False
        if options.ctype == FO.STRING_PIECE:
            return feat.CPP_STRING, True
        return feat.CPP_STRING, False
    if not field.file.is_editions:
        return feat.CPP_STRING, False  # features cannot be set before editions
    return feat.custom_feature(
        field.file.edition, field.feature_chain, feat.CPP_FEATURES, feat.CPP_STRING_TYPE
    ), False


@for_each_field_pair
def field_same_cpp_string_type(report: Report, field: Field, previous_field: Field) -> None:
    if _both_map_entries(field, previous_field):
        return
    string_kinds = (FDP.TYPE_STRING, FDP.TYPE_BYTES)
    if previous_field.kind not in string_kinds or field.kind not in string_kinds:
        return
    previous_type, previous_piece = _cpp_string_type(previous_field)
    current_type, current_piece = _cpp_string_type(field)
    if (previous_type, previous_piece) == (current_type, current_piece):
        return
    if previous_piece and current_type == feat.CPP_STRING:
        return  # string_piece -> string is safe
    previous_name = "STRING_PIECE" if previous_piece else feat.CPP_STRING_TYPE_NAMES[previous_type]
    current_name = "STRING_PIECE" if current_piece else feat.CPP_STRING_TYPE_NAMES[current_type]
    feature_path = (FIELD_OPTIONS, FIELD_OPTION_FEATURES, feat.CPP_FEATURES, feat.CPP_STRING_TYPE)
    ctype_path = (FIELD_OPTIONS, FIELD_OPTION_CTYPE)
    report(
        first(field.sub(*ctype_path), field.sub(*feature_path), field.location),
        first(previous_field.sub(*ctype_path), previous_field.sub(*feature_path), previous_field.location),
        f"{field.description} changed C++ string type from {quote(previous_name)} to {quote(current_name)}.",
    )


def _java_utf8(field: Field) -> int:
    default = field.feature("utf8_validation")
    options = field.file.proto.options
    if not field.file.is_editions or options.HasField("java_string_check_utf8"):
        return int(FS.VERIFY) if options.java_string_check_utf8 else default
    java = feat.custom_feature(
        field.file.edition, field.feature_chain, feat.JAVA_FEATURES, feat.JAVA_UTF8_VALIDATION
    )
    return int(FS.VERIFY) if java == feat.JAVA_VERIFY else default


def _utf8_name(value: int) -> str:
    return str(FS.Utf8Validation.Name(value))  # type: ignore[arg-type]


@for_each_field_pair
def field_same_java_utf8_validation(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.kind != FDP.TYPE_STRING or field.kind != FDP.TYPE_STRING:
        return
    previous, current = _java_utf8(previous_field), _java_utf8(field)
    if previous != current:
        feature_path = (FIELD_OPTIONS, FIELD_OPTION_FEATURES, feat.JAVA_FEATURES, feat.JAVA_UTF8_VALIDATION)
        file_path = (FILE_OPTIONS, FILE_JAVA_STRING_CHECK_UTF8)
        report(
            first(field.file.location(file_path), field.sub(*feature_path), field.location),
            first(
                previous_field.file.location(file_path),
                previous_field.sub(*feature_path),
                previous_field.location,
            ),
            f"{field.description} changed Java string UTF8 validation from {quote(_utf8_name(previous))} "
            f"to {quote(_utf8_name(current))}.",
        )


def _jstype_name(field: Field) -> str:
    return str(FO.JSType.Name(field.proto.options.jstype))


@for_each_field_pair
def field_same_jstype(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.type not in _SIXTY_FOUR_BIT or field.type not in _SIXTY_FOUR_BIT:
        return
    if previous_field.proto.options.jstype != field.proto.options.jstype:
        path = (FIELD_OPTIONS, FIELD_OPTION_JSTYPE)
        report(
            first(field.sub(*path), field.location),
            first(previous_field.sub(*path), previous_field.location),
            f'{field.description} changed option "jstype" from {quote(_jstype_name(previous_field))} '
            f"to {quote(_jstype_name(field))}.",
        )


def _type_location(field: Field) -> Location | None:
    if field.kind in (FDP.TYPE_MESSAGE, FDP.TYPE_ENUM, FDP.TYPE_GROUP):
        return field.sub(FIELD_TYPE_NAME)
    return field.sub(FIELD_TYPE)


def _changed_type(report: Report, field: Field, previous_field: Field, extra: str = "") -> None:
    report(
        _type_location(field),
        _type_location(previous_field),
        f"{field.description} changed type from {quote(previous_field.kind_name)} "
        f"to {quote(field.kind_name)}." + (f" {extra}" if extra else ""),
        file=field.file,
    )


def _changed_type_name(report: Report, field: Field, previous_field: Field) -> None:
    report(
        field.sub(FIELD_TYPE_NAME),
        previous_field.sub(FIELD_TYPE_NAME),
        f"{field.description} changed type from {quote(previous_field.type_name.lstrip('.'))} "
        f"to {quote(field.type_name.lstrip('.'))}.",
        file=field.file,
    )


@for_each_field_pair
def field_same_type(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.kind != field.kind:
        _changed_type(report, field, previous_field)
    elif (
        field.type in (FDP.TYPE_ENUM, FDP.TYPE_GROUP, FDP.TYPE_MESSAGE)
        and previous_field.type_name != field.type_name
    ):
        _changed_type_name(report, field, previous_field)


def _enum_compatible(report: Report, field: Field, previous_field: Field) -> None:
    """A field may switch to another enum only if it has the same short name and keeps every value."""
    previous_enum, enum = previous_field.enum_type, field.enum_type
    if previous_enum is None or enum is None or previous_enum.name != enum.name:
        _changed_type_name(report, field, previous_field)
        return
    current_values = {(v.name, v.number) for v in enum.values}
    if not all((v.name, v.number) in current_values for v in previous_enum.values):
        _changed_type_name(report, field, previous_field)


def _same_named_type(report: Report, field: Field, previous_field: Field) -> None:
    """In a compatible wire group, an enum must keep the previous values and a message (or group) its name.

    Asked of the declared type: the wire kind differs from it only for a delimited message, a group, which
    counts as a message either way.
    """
    if previous_field.type_name == field.type_name:
        return
    if field.type == FDP.TYPE_ENUM:
        _enum_compatible(report, field, previous_field)
    elif field.type in (FDP.TYPE_GROUP, FDP.TYPE_MESSAGE):
        _changed_type_name(report, field, previous_field)


@for_each_field_pair
def field_wire_compatible_type(report: Report, field: Field, previous_field: Field) -> None:
    if _WIRE_GROUP[previous_field.kind] != _WIRE_GROUP[field.kind]:
        if previous_field.kind == FDP.TYPE_STRING and field.kind == FDP.TYPE_BYTES:
            return  # string -> bytes is safe
        extra = f"See {_WIRE_RULES_URL} for wire compatibility rules."
        if previous_field.kind == FDP.TYPE_BYTES and field.kind == FDP.TYPE_STRING:
            extra += (
                " Note that while string and bytes are compatible if the data is valid UTF-8, "
                "there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible."
            )
        _changed_type(report, field, previous_field, extra)
    else:
        _same_named_type(report, field, previous_field)


@for_each_field_pair
def field_wire_json_compatible_type(report: Report, field: Field, previous_field: Field) -> None:
    if _WIRE_JSON_GROUP[previous_field.kind] != _WIRE_JSON_GROUP[field.kind]:
        _changed_type(
            report,
            field,
            previous_field,
            f"See {_WIRE_RULES_URL} for wire compatibility rules "
            f"and {_JSON_RULES_URL} for JSON compatibility rules.",
        )
    else:
        _same_named_type(report, field, previous_field)


@for_each_field_pair
def field_same_utf8_validation(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.kind != FDP.TYPE_STRING or field.kind != FDP.TYPE_STRING:
        return
    previous, current = previous_field.feature("utf8_validation"), field.feature("utf8_validation")
    if previous != current:
        path = (FIELD_OPTIONS, FIELD_OPTION_FEATURES, FEATURE_UTF8)
        report(
            first(field.sub(*path), field.location),
            first(previous_field.sub(*path), previous_field.location),
            f"{field.description} changed UTF8 validation from {_utf8_name(previous)} "
            f"to {_utf8_name(current)}.",
        )


@for_each_field_pair
def field_same_json_name(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.is_extension:
        return  # extensions cannot set json_name
    if previous_field.proto.json_name != field.proto.json_name:
        report(
            first(field.sub(FIELD_JSON_NAME), field.location),
            first(previous_field.sub(FIELD_JSON_NAME), previous_field.location),
            f'{field.description} changed option "json_name" from {quote(previous_field.proto.json_name)} '
            f"to {quote(field.proto.json_name)}.",
        )


@for_each_field_pair
def field_same_name(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.is_extension:
        previous_name, name = previous_field.full_name, field.full_name
    else:
        previous_name, name = previous_field.name, field.name
    if previous_name != name:
        report(
            field.sub(FIELD_NAME),
            previous_field.sub(FIELD_NAME),
            f"{field.description_with_name('')} changed name from {quote(previous_name)} to {quote(name)}.",
            file=field.file,
        )


def _can_have_default(field: Field) -> bool:
    return not field.is_repeated and field.type not in (FDP.TYPE_MESSAGE, FDP.TYPE_GROUP)


def _float32(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _parse_number(text: str) -> float | int:
    lowered = text.lower()
    if lowered in ("inf", "+inf", "infinity"):
        return math.inf
    if lowered in ("-inf", "-infinity"):
        return -math.inf
    if lowered == "nan":
        return math.nan
    try:
        return int(text, 0)
    except ValueError:
        return float(text)


def _go_float(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    text = repr(value)
    if text.endswith(".0"):
        text = text[:-2]
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{abs(int(exponent)):02d}"
    elif abs(value) >= 1e21:
        text = f"{value:e}"
    return text


def _default(field: Field) -> tuple[object, str]:
    """(comparable, printable) default value, as buf derives it from the resolved descriptor."""
    text = field.proto.default_value if field.proto.HasField("default_value") else None
    kind = field.kind
    if kind in (FDP.TYPE_STRING, FDP.TYPE_BYTES):
        raw = text or ""
        if kind == FDP.TYPE_BYTES:
            data = (
                raw.encode("latin-1", "backslashreplace")
                .decode("unicode_escape")
                .encode("latin-1", "replace")
            )
            return data.decode("latin-1"), "[" + ",".join(f"0x{b:X}" for b in data) + "]"
        return raw, quote(raw)
    if kind == FDP.TYPE_ENUM:
        enum = field.enum_type
        if enum is None or not enum.values:
            return 0, "?"
        chosen = next((v for v in enum.values if v.name == text), enum.values[0]) if text else enum.values[0]
        return chosen.number, f"{enum.name}.{chosen.name}"
    if kind == FDP.TYPE_BOOL:
        value = text == "true"
        return value, "true" if value else "false"
    if kind in (FDP.TYPE_FLOAT, FDP.TYPE_DOUBLE):
        number = float(_parse_number(text)) if text else 0.0
        if kind == FDP.TYPE_FLOAT:
            number = _float32(number)
        return number, _go_float(number)
    integer = int(_parse_number(text)) if text else 0
    return integer, str(integer)


def _defaults_equal(previous: object, current: object, previous_field: Field, field: Field) -> bool:
    if isinstance(previous, str) or isinstance(current, str):
        return previous == current
    assert isinstance(previous, (int, float))
    assert isinstance(current, (int, float))
    floats = (FDP.TYPE_FLOAT, FDP.TYPE_DOUBLE)
    if previous_field.kind in floats and field.kind in floats and previous_field.kind != field.kind:
        both_nan = math.isnan(previous) and math.isnan(current)
        return both_nan or _float32(float(previous)) == _float32(float(current))
    if (
        isinstance(previous, float)
        and isinstance(current, float)
        and math.isnan(previous)
        and math.isnan(current)
    ):
        return True
    return bool(previous == current)


def _default_location(field: Field) -> Location | None:
    """buf spans `default = 5` from the keyword; protoc spans only the value, so widen it from the source."""
    location = field.sub(FIELD_DEFAULT)
    if location is None or len(field.file.source_lines) < location.start_line:
        return location
    before = field.file.source_lines[location.start_line - 1][: location.start_column - 1]
    keyword = re.search(r"default\s*=\s*$", before)
    return dataclasses.replace(location, start_column=keyword.start() + 1) if keyword else location


@for_each_field_pair
def field_same_default(report: Report, field: Field, previous_field: Field) -> None:
    if not _can_have_default(previous_field) or not _can_have_default(field):
        return
    no_defaults = not previous_field.proto.HasField("default_value") and not field.proto.HasField(
        "default_value"
    )
    if no_defaults and FDP.TYPE_ENUM not in (field.kind, previous_field.kind):
        return  # both are the zero value of their kind; only an enum's implicit default can be non-zero
    previous_value, previous_text = _default(previous_field)
    value, text = _default(field)
    if not previous_value and not value and not (isinstance(value, float) and math.isnan(value)):
        return
    if not _defaults_equal(previous_value, value, previous_field, field):
        report(
            first(_default_location(field), field.location),
            first(_default_location(previous_field), previous_field.location),
            f"{field.description} changed default value from {previous_text} to {text}.",
        )


@for_each_field_pair
def field_same_oneof(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.is_extension:
        return
    previous_oneof, oneof = previous_field.real_oneof, field.real_oneof
    if previous_oneof is None and oneof is None:
        return
    if previous_oneof is not None and oneof is not None:
        if previous_oneof.name != oneof.name:
            report(
                field.location,
                previous_field.location,
                # buf's message reads "...on message "M"q moved from...": kept so messages stay identical.
                f"{field.description}q moved from oneof {quote(previous_oneof.name)} "
                f"to oneof {quote(oneof.name)}.",
            )
        return
    previous, current = ("outside", "inside") if oneof is not None else ("inside", "outside")
    report(
        field.location,
        previous_field.location,
        f"{field.description} moved from {previous} to {current} a oneof.",
    )


field_same_cardinality = _cardinality_rule(None)
field_wire_compatible_cardinality = _cardinality_rule(_CARDINALITY_WIRE_GROUP)
field_wire_json_compatible_cardinality = _cardinality_rule(_CARDINALITY_WIRE_JSON_GROUP)
