"""The rule bodies, one small function per buf breaking rule, each comparing one (current, previous) pair.

Messages follow buf's wording so users can search buf's documentation for any finding. The registry table in
`_registry.py` gives each function its rule ID, categories and purpose.
"""

from __future__ import annotations

import dataclasses
import math
import re
import struct
from collections.abc import Callable

from google.protobuf import descriptor_pb2

from compat import _features as feat
from compat._findings import Report
from compat._model import Enum, EnumValue, Field, Image, Location, Message, Method, ProtoFile, Service
from compat._pairs import (
    Handler,
    for_each_enum_pair,
    for_each_enum_value_pair,
    for_each_field_pair,
    for_each_file_pair,
    for_each_message_pair,
    for_each_method_pair,
    for_each_service_pair,
    whole_image,
)

_FDP = descriptor_pb2.FieldDescriptorProto
_FS = descriptor_pb2.FeatureSet
_FO = descriptor_pb2.FieldOptions

# Field numbers used to build source paths (descriptor.proto).
_FIELD_NAME, _FIELD_NUMBER_OF_VALUE, _FIELD_TYPE, _FIELD_TYPE_NAME = 1, 2, 5, 6
_FIELD_DEFAULT, _FIELD_OPTIONS, _FIELD_JSON_NAME = 7, 8, 10
_FIELD_OPTION_CTYPE, _FIELD_OPTION_JSTYPE, _FIELD_OPTION_FEATURES = 1, 6, 21
_MESSAGE_OPTIONS, _MESSAGE_OPTION_NO_ACCESSOR, _MESSAGE_OPTION_FEATURES = 7, 2, 12
_ENUM_OPTIONS, _ENUM_OPTION_FEATURES = 3, 7
_FEATURE_ENUM_TYPE, _FEATURE_UTF8, _FEATURE_JSON_FORMAT = 2, 4, 6
_METHOD_INPUT, _METHOD_OUTPUT, _METHOD_OPTIONS, _METHOD_IDEMPOTENCY = 2, 3, 4, 34
_FILE_PACKAGE, _FILE_OPTIONS, _FILE_SYNTAX, _FILE_EDITION = 2, 8, 12, 14
_FILE_JAVA_STRING_CHECK_UTF8 = 27

_MESSAGE_RANGE_MAX = 536_870_911
_MESSAGE_SET_RANGE_MAX = 2_147_483_646
_ENUM_RANGE_MAX = 2_147_483_647

# https://protobuf.dev/programming-guides/proto3/#updating: kinds in one group are wire compatible.
_WIRE_GROUP: dict[int, int] = {
    **dict.fromkeys(
        (_FDP.TYPE_INT32, _FDP.TYPE_INT64, _FDP.TYPE_UINT32, _FDP.TYPE_UINT64, _FDP.TYPE_BOOL), 1
    ),
    **dict.fromkeys((_FDP.TYPE_SINT32, _FDP.TYPE_SINT64), 2),
    _FDP.TYPE_STRING: 3,
    _FDP.TYPE_BYTES: 4,
    **dict.fromkeys((_FDP.TYPE_FIXED32, _FDP.TYPE_SFIXED32), 5),
    **dict.fromkeys((_FDP.TYPE_FIXED64, _FDP.TYPE_SFIXED64), 6),
    _FDP.TYPE_DOUBLE: 7,
    _FDP.TYPE_FLOAT: 8,
    _FDP.TYPE_GROUP: 9,
    _FDP.TYPE_MESSAGE: 10,
    _FDP.TYPE_ENUM: 11,
}
# Both wire and JSON compatible: the intersection of the two.
_WIRE_JSON_GROUP: dict[int, int] = {
    **dict.fromkeys((_FDP.TYPE_INT32, _FDP.TYPE_UINT32), 1),
    **dict.fromkeys((_FDP.TYPE_INT64, _FDP.TYPE_UINT64), 2),
    **dict.fromkeys((_FDP.TYPE_FIXED32, _FDP.TYPE_SFIXED32), 3),
    **dict.fromkeys((_FDP.TYPE_FIXED64, _FDP.TYPE_SFIXED64), 4),
    _FDP.TYPE_BOOL: 5,
    _FDP.TYPE_SINT32: 6,
    _FDP.TYPE_SINT64: 7,
    _FDP.TYPE_STRING: 8,
    _FDP.TYPE_BYTES: 9,
    _FDP.TYPE_DOUBLE: 10,
    _FDP.TYPE_FLOAT: 11,
    _FDP.TYPE_GROUP: 12,
    _FDP.TYPE_MESSAGE: 13,
    _FDP.TYPE_ENUM: 14,
}
_CARDINALITY_WIRE_GROUP = {
    "optional with explicit presence": 1,
    "optional with implicit presence": 1,
    "required": 2,
    "repeated": 3,
    "map": 3,
}
_CARDINALITY_WIRE_JSON_GROUP = {**_CARDINALITY_WIRE_GROUP, "map": 4}  # maps and lists differ in JSON
_SIXTY_FOUR_BIT = (_FDP.TYPE_INT64, _FDP.TYPE_SINT64, _FDP.TYPE_UINT64, _FDP.TYPE_FIXED64, _FDP.TYPE_SFIXED64)
_WIRE_RULES_URL = (
    "See https://developers.google.com/protocol-buffers/docs/proto3#updating for wire compatibility rules."
)
_JSON_RULES_URL = "https://developers.google.com/protocol-buffers/docs/proto3#json"


def _first(*locations: Location | None) -> Location | None:
    for location in locations:
        if location is not None:
            return location
    return None


def _quote(text: str) -> str:
    """Go's %q for the plain strings that appear in schemas."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _quote_list(names: list[str]) -> str:
    return ", ".join(_quote(n) for n in names)


# --- deletions found on the file pair -------------------------------------------------------------


def _deleted_element_location(current_file: ProtoFile, nested_name: str) -> Location | None:
    """buf points a deleted nested element at its closest surviving parent message, else at the file."""
    if "." not in nested_name:
        return None
    messages = {m.nested_name: m for m in current_file.messages}
    parts = nested_name.split(".")
    for i in range(len(parts) - 1, 0, -1):
        parent = messages.get(".".join(parts[:i]))
        if parent is not None:
            return parent.location
    return None


@for_each_file_pair
def enum_no_delete(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
    names = {e.nested_name for e in file.enums}
    for previous_enum in previous_file.enums:
        if previous_enum.nested_name not in names:
            report(
                _deleted_element_location(file, previous_enum.nested_name),
                previous_enum.location,
                f"Previously present enum {_quote(previous_enum.nested_name)} was deleted from file.",
                file=file,
                deleted=previous_enum.location,
            )


@for_each_file_pair
def extension_no_delete(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
    names = {e.nested_name for e in file.extensions}
    for previous_extension in previous_file.extensions:
        if previous_extension.nested_name not in names:
            report(
                _deleted_element_location(file, previous_extension.nested_name),
                previous_extension.location,
                f"Previously present extension {_quote(previous_extension.nested_name)} "
                "was deleted from file.",
                file=file,
                deleted=previous_extension.location,
            )


@for_each_file_pair
def message_no_delete(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
    names = {m.nested_name for m in file.messages}
    for previous_message in previous_file.messages:
        if previous_message.nested_name not in names:
            report(
                _deleted_element_location(file, previous_message.nested_name),
                previous_message.location,
                f"Previously present message {_quote(previous_message.nested_name)} was deleted from file.",
                file=file,
                deleted=previous_message.location,
            )


@for_each_file_pair
def service_no_delete(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
    names = {s.name for s in file.services}
    for previous_service in previous_file.services:
        if previous_service.name not in names:
            report(
                None,
                previous_service.location,
                f"Previously present service {_quote(previous_service.name)} was deleted from file.",
                file=file,
                deleted=previous_service.location,
            )


@whole_image
def file_no_delete(report: Report, current: Image, previous: Image) -> None:
    names = {f.name for f in current.files}
    for previous_file in previous.files:
        if previous_file.name not in names:
            report(
                None,
                None,
                f"Previously present file {_quote(previous_file.name)} was deleted.",
                against_file=previous_file,
            )


# --- file options ---------------------------------------------------------------------------------


def _file_same_value(
    report: Report,
    files: tuple[ProtoFile, ProtoFile],
    values: tuple[str, str],
    path: tuple[int, ...],
    name: str,
) -> None:
    file, previous_file = files
    value, previous_value = values
    if previous_value != value:
        report(
            file.location(path),
            previous_file.location(path),
            f"File {name} changed from {_quote(previous_value)} to {_quote(value)}.",
            file=file,
        )


def _file_option_rule(option: str) -> Handler:
    """A rule that a file option keeps its value; booleans and enums print as buf prints them."""
    field = descriptor_pb2.FileOptions.DESCRIPTOR.fields_by_name[option]

    def value_of(pf: ProtoFile) -> str:
        value = getattr(pf.proto.options, option)
        if option == "cc_enable_arenas" and not pf.proto.options.HasField("cc_enable_arenas"):
            value = True  # the descriptor.proto default
        if field.enum_type is not None:
            return str(field.enum_type.values_by_number[value].name)
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def rule(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
        values = (value_of(file), value_of(previous_file))
        _file_same_value(
            report, (file, previous_file), values, (_FILE_OPTIONS, field.number), f'option "{option}"'
        )

    return for_each_file_pair(rule)


def _syntax_name(pf: ProtoFile) -> str:
    return pf.proto.syntax or "proto2"


@for_each_file_pair
def file_same_syntax(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
    previous_value, value = _syntax_name(previous_file), _syntax_name(file)
    if previous_value != value:
        report(
            _first(file.location((_FILE_SYNTAX,)), file.location((_FILE_EDITION,))),
            _first(previous_file.location((_FILE_SYNTAX,)), previous_file.location((_FILE_EDITION,))),
            f"File syntax changed from {_quote(previous_value)} to {_quote(value)}.",
            file=file,
        )


@for_each_file_pair
def file_same_package(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
    _file_same_value(
        report, (file, previous_file), (file.package, previous_file.package), (_FILE_PACKAGE,), "package"
    )


# --- messages -------------------------------------------------------------------------------------


def _ranges_string(ranges: list[tuple[int, int]], max_tag: int) -> str:
    parts = []
    for start, end in ranges:
        if start == end:
            parts.append(f"[{start}]")
        elif end == max_tag:
            parts.append(f"[{start},max]")
        else:
            parts.append(f"[{start},{end}]")
    return ", ".join(parts)


def _range_string(start: int, end: int, max_tag: int) -> str:
    return _ranges_string([(start, end)], max_tag)


def _missing(start: int, end: int, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The parts of [start, end] that no range in `ranges` covers."""
    collapsed: list[list[int]] = []
    for s, e in sorted(ranges):
        if collapsed and s <= collapsed[-1][1] + 1:
            collapsed[-1][1] = max(collapsed[-1][1], e)
        else:
            collapsed.append([s, e])
    missing = []
    cursor = start
    for s, e in collapsed:
        if e < cursor:
            continue
        if s > end:
            break
        if s > cursor:
            missing.append((cursor, s - 1))
        cursor = e + 1
        if cursor > end:
            break
    if cursor <= end:
        missing.append((cursor, end))
    return missing


def _check_ranges(
    report: Report,
    kind: str,
    elements: tuple[Message, Message] | tuple[Enum, Enum],
    ranges: tuple[list[tuple[int, int]], list[tuple[int, int]]],
    max_tag: int,
) -> None:
    element, previous_element = elements
    current_ranges, previous_ranges = ranges
    element_kind = "message" if isinstance(element, Message) else "enum"
    for start, end in previous_ranges:
        missing = _missing(start, end, current_ranges)
        if missing:
            report(
                element.location,
                previous_element.location,
                f"Previously present {kind} range {_quote(_range_string(start, end, max_tag))} "
                f"on {element_kind} "
                f"{_quote(element.name)} is missing values: {_ranges_string(missing, max_tag)} were removed.",
                file=element.file,
            )


def _message_max(message: Message) -> int:
    return _MESSAGE_SET_RANGE_MAX if message.proto.options.message_set_wire_format else _MESSAGE_RANGE_MAX


@for_each_message_pair
def extension_message_no_delete(report: Report, message: Message, previous_message: Message) -> None:
    ranges = (
        [(r.start, r.end - 1) for r in message.proto.extension_range],
        [(r.start, r.end - 1) for r in previous_message.proto.extension_range],
    )
    _check_ranges(report, "extension", (message, previous_message), ranges, _message_max(message))


def _field_no_delete(number_reserved: bool, name_reserved: bool) -> Handler:
    def rule(report: Report, message: Message, previous_message: Message) -> None:
        numbers = {f.number for f in message.fields}
        reserved_names = set(message.proto.reserved_name)
        for previous_field in previous_message.fields:
            if previous_field.number in numbers:
                continue
            number = previous_field.number
            if number_reserved and any(r.start <= number < r.end for r in message.proto.reserved_range):
                continue
            if name_reserved and previous_field.name in reserved_names:
                continue
            suffix = ""
            if number_reserved:
                suffix = f' without reserving the number "{number}"'
            if name_reserved:
                suffix = f" without reserving the name {_quote(previous_field.name)}"
            description = previous_field.description
            report(
                message.location,
                previous_message.location,
                f"Previously present {description[0].lower()}{description[1:]} was deleted{suffix}.",
                file=message.file,
                deleted=previous_field.location,
            )

    return for_each_message_pair(rule)


@for_each_message_pair
def message_no_remove_standard_descriptor_accessor(
    report: Report, message: Message, previous_message: Message
) -> None:
    previous = previous_message.proto.options.no_standard_descriptor_accessor
    current = message.proto.options.no_standard_descriptor_accessor
    if not previous and current:
        path = (_MESSAGE_OPTIONS, _MESSAGE_OPTION_NO_ACCESSOR)
        report(
            message.file.location(message.path + path),
            previous_message.file.location(previous_message.path + path),
            'Message option "no_standard_descriptor_accessor" changed from "false" to "true".',
            file=message.file,
        )


@for_each_message_pair
def oneof_no_delete(report: Report, message: Message, previous_message: Message) -> None:
    names = {o.name for o in message.oneofs}
    for previous_oneof in previous_message.oneofs:
        if previous_oneof.name not in names and not previous_oneof.is_synthetic:
            report(
                message.location,
                previous_message.location,
                f"Previously present oneof {_quote(previous_oneof.name)} on message {_quote(message.name)} "
                "was deleted.",
                file=message.file,
                deleted=previous_message.file.location((*previous_message.path, 8, previous_oneof.index)),
            )


def _json_format_name(value: int) -> str:
    return str(_FS.JsonFormat.Name(value))  # type: ignore[arg-type]


@for_each_message_pair
def message_same_json_format(report: Report, message: Message, previous_message: Message) -> None:
    previous = feat.resolve_feature(
        previous_message.file.edition, previous_message.feature_chain, "json_format"
    )
    current = feat.resolve_feature(message.file.edition, message.feature_chain, "json_format")
    if previous == _FS.ALLOW and current != _FS.ALLOW:
        path = (_MESSAGE_OPTIONS, _MESSAGE_OPTION_FEATURES, _FEATURE_JSON_FORMAT)
        report(
            _first(message.file.location(message.path + path), message.location),
            _first(previous_message.file.location(previous_message.path + path), previous_message.location),
            f"Message {_quote(message.name)} JSON format support changed from {_json_format_name(previous)} "
            f"to {_json_format_name(current)}.",
        )


_REQUIRED_TAIL = (
    "Required fields must always be sent, so if one side does not know about the required field, "
    "this will result in a breakage."
)


@for_each_message_pair
def message_same_required_fields(report: Report, message: Message, previous_message: Message) -> None:
    previous_required = {f.number: f for f in previous_message.fields if f.proto.label == _FDP.LABEL_REQUIRED}
    required = {f.number: f for f in message.fields if f.proto.label == _FDP.LABEL_REQUIRED}
    for number in previous_required:
        if number not in required:
            report(
                message.location,
                previous_message.location,
                f'Message {_quote(previous_message.name)} had required field "{number}" deleted. '
                f"{_REQUIRED_TAIL}",
                file=message.file,
            )
    for number, field in required.items():
        if number not in previous_required:
            report(
                field.location,
                None,
                f'Message {_quote(message.name)} had required field "{number}" added. {_REQUIRED_TAIL}',
                file=message.file,
            )


def _reserved_names_deleted(
    report: Report, kind: str, element: Message | Enum, previous: Message | Enum
) -> None:
    names = set(element.proto.reserved_name)
    for name in dict.fromkeys(previous.proto.reserved_name):
        if name not in names:
            report(
                element.location,
                previous.location,
                f"Previously present reserved name {_quote(name)} on {kind} {_quote(element.name)} "
                "was deleted.",
                file=element.file,
            )


@for_each_message_pair
def reserved_message_no_delete(report: Report, message: Message, previous_message: Message) -> None:
    ranges = (
        [(r.start, r.end - 1) for r in message.proto.reserved_range],
        [(r.start, r.end - 1) for r in previous_message.proto.reserved_range],
    )
    _check_ranges(report, "reserved", (message, previous_message), ranges, _message_max(message))
    _reserved_names_deleted(report, "message", message, previous_message)


# --- fields ---------------------------------------------------------------------------------------


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
                f"{field.description} changed cardinality from {_quote(previous)} to {_quote(current)}.",
            )

    return for_each_field_pair(rule)


def _cpp_string_type(field: Field) -> tuple[int, bool]:
    """(string type, is STRING_PIECE): the ctype option where set, else the (pb.cpp).string_type feature."""
    options = field.proto.options
    if field.file.edition < feat.EDITION_2024 and options.HasField("ctype"):
        if options.ctype == _FO.CORD:
            return feat.CPP_CORD, False
        if options.ctype == _FO.STRING_PIECE:
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
    string_kinds = (_FDP.TYPE_STRING, _FDP.TYPE_BYTES)
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
    feature_path = (_FIELD_OPTIONS, _FIELD_OPTION_FEATURES, feat.CPP_FEATURES, feat.CPP_STRING_TYPE)
    ctype_path = (_FIELD_OPTIONS, _FIELD_OPTION_CTYPE)
    report(
        _first(field.sub(*ctype_path), field.sub(*feature_path), field.location),
        _first(previous_field.sub(*ctype_path), previous_field.sub(*feature_path), previous_field.location),
        f"{field.description} changed C++ string type from {_quote(previous_name)} "
        f"to {_quote(current_name)}.",
    )


def _java_utf8(field: Field) -> int:
    default = field.feature("utf8_validation")
    options = field.file.proto.options
    if not field.file.is_editions or options.HasField("java_string_check_utf8"):
        return int(_FS.VERIFY) if options.java_string_check_utf8 else default
    java = feat.custom_feature(
        field.file.edition, field.feature_chain, feat.JAVA_FEATURES, feat.JAVA_UTF8_VALIDATION
    )
    return int(_FS.VERIFY) if java == feat.JAVA_VERIFY else default


def _utf8_name(value: int) -> str:
    return str(_FS.Utf8Validation.Name(value))  # type: ignore[arg-type]


@for_each_field_pair
def field_same_java_utf8_validation(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.kind != _FDP.TYPE_STRING or field.kind != _FDP.TYPE_STRING:
        return
    previous, current = _java_utf8(previous_field), _java_utf8(field)
    if previous != current:
        feature_path = (_FIELD_OPTIONS, _FIELD_OPTION_FEATURES, feat.JAVA_FEATURES, feat.JAVA_UTF8_VALIDATION)
        file_path = (_FILE_OPTIONS, _FILE_JAVA_STRING_CHECK_UTF8)
        report(
            _first(field.file.location(file_path), field.sub(*feature_path), field.location),
            _first(
                previous_field.file.location(file_path),
                previous_field.sub(*feature_path),
                previous_field.location,
            ),
            f"{field.description} changed Java string UTF8 validation from {_quote(_utf8_name(previous))} "
            f"to {_quote(_utf8_name(current))}.",
        )


def _jstype_name(field: Field) -> str:
    return str(_FO.JSType.Name(field.proto.options.jstype))


@for_each_field_pair
def field_same_jstype(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.type not in _SIXTY_FOUR_BIT or field.type not in _SIXTY_FOUR_BIT:
        return
    if previous_field.proto.options.jstype != field.proto.options.jstype:
        path = (_FIELD_OPTIONS, _FIELD_OPTION_JSTYPE)
        report(
            _first(field.sub(*path), field.location),
            _first(previous_field.sub(*path), previous_field.location),
            f'{field.description} changed option "jstype" from {_quote(_jstype_name(previous_field))} '
            f"to {_quote(_jstype_name(field))}.",
        )


def _type_location(field: Field) -> Location | None:
    if field.kind in (_FDP.TYPE_MESSAGE, _FDP.TYPE_ENUM, _FDP.TYPE_GROUP):
        return field.sub(_FIELD_TYPE_NAME)
    return field.sub(_FIELD_TYPE)


def _changed_type(report: Report, field: Field, previous_field: Field, extra: str = "") -> None:
    report(
        _type_location(field),
        _type_location(previous_field),
        f"{field.description} changed type from {_quote(previous_field.kind_name)} "
        f"to {_quote(field.kind_name)}." + (f" {extra}" if extra else ""),
        file=field.file,
    )


def _changed_type_name(report: Report, field: Field, previous_field: Field) -> None:
    report(
        field.sub(_FIELD_TYPE_NAME),
        previous_field.sub(_FIELD_TYPE_NAME),
        f"{field.description} changed type from {_quote(previous_field.type_name.lstrip('.'))} "
        f"to {_quote(field.type_name.lstrip('.'))}.",
        file=field.file,
    )


@for_each_field_pair
def field_same_type(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.kind != field.kind:
        _changed_type(report, field, previous_field)
    elif (
        field.type in (_FDP.TYPE_ENUM, _FDP.TYPE_GROUP, _FDP.TYPE_MESSAGE)
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


@for_each_field_pair
def field_wire_compatible_type(report: Report, field: Field, previous_field: Field) -> None:
    if _WIRE_GROUP[previous_field.kind] != _WIRE_GROUP[field.kind]:
        if previous_field.kind == _FDP.TYPE_STRING and field.kind == _FDP.TYPE_BYTES:
            return  # string -> bytes is safe
        extra = _WIRE_RULES_URL
        if previous_field.kind == _FDP.TYPE_BYTES and field.kind == _FDP.TYPE_STRING:
            extra += (
                " Note that while string and bytes are compatible if the data is valid UTF-8, "
                "there is no way to enforce that a bytes field is UTF-8, so these fields may be incompatible."
            )
        _changed_type(report, field, previous_field, extra)
    elif previous_field.type_name != field.type_name:
        if field.type == _FDP.TYPE_ENUM:
            _enum_compatible(report, field, previous_field)
        elif field.type in (_FDP.TYPE_GROUP, _FDP.TYPE_MESSAGE):
            _changed_type_name(report, field, previous_field)


@for_each_field_pair
def field_wire_json_compatible_type(report: Report, field: Field, previous_field: Field) -> None:
    if _WIRE_JSON_GROUP[previous_field.kind] != _WIRE_JSON_GROUP[field.kind]:
        _changed_type(
            report,
            field,
            previous_field,
            "See https://developers.google.com/protocol-buffers/docs/proto3#updating "
            f"for wire compatibility rules and {_JSON_RULES_URL} for JSON compatibility rules.",
        )
    elif previous_field.type_name != field.type_name:
        if field.kind == _FDP.TYPE_ENUM:
            _enum_compatible(report, field, previous_field)
        elif field.kind in (_FDP.TYPE_GROUP, _FDP.TYPE_MESSAGE):
            _changed_type_name(report, field, previous_field)


@for_each_field_pair
def field_same_utf8_validation(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.kind != _FDP.TYPE_STRING or field.kind != _FDP.TYPE_STRING:
        return
    previous, current = previous_field.feature("utf8_validation"), field.feature("utf8_validation")
    if previous != current:
        path = (_FIELD_OPTIONS, _FIELD_OPTION_FEATURES, _FEATURE_UTF8)
        report(
            _first(field.sub(*path), field.location),
            _first(previous_field.sub(*path), previous_field.location),
            f"{field.description} changed UTF8 validation from {_utf8_name(previous)} "
            f"to {_utf8_name(current)}.",
        )


@for_each_field_pair
def field_same_json_name(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.is_extension:
        return  # extensions cannot set json_name
    if previous_field.proto.json_name != field.proto.json_name:
        report(
            _first(field.sub(_FIELD_JSON_NAME), field.location),
            _first(previous_field.sub(_FIELD_JSON_NAME), previous_field.location),
            f'{field.description} changed option "json_name" from {_quote(previous_field.proto.json_name)} '
            f"to {_quote(field.proto.json_name)}.",
        )


@for_each_field_pair
def field_same_name(report: Report, field: Field, previous_field: Field) -> None:
    if previous_field.is_extension:
        previous_name, name = previous_field.full_name, field.full_name
    else:
        previous_name, name = previous_field.name, field.name
    if previous_name != name:
        report(
            field.sub(_FIELD_NAME),
            previous_field.sub(_FIELD_NAME),
            f"{field.description_with_name('')} changed name from {_quote(previous_name)} to {_quote(name)}.",
            file=field.file,
        )


def _can_have_default(field: Field) -> bool:
    return not field.is_repeated and field.type not in (_FDP.TYPE_MESSAGE, _FDP.TYPE_GROUP)


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
    if kind in (_FDP.TYPE_STRING, _FDP.TYPE_BYTES):
        raw = text or ""
        if kind == _FDP.TYPE_BYTES:
            data = (
                raw.encode("latin-1", "backslashreplace")
                .decode("unicode_escape")
                .encode("latin-1", "replace")
            )
            return data.decode("latin-1"), "[" + ",".join(f"0x{b:X}" for b in data) + "]"
        return raw, _quote(raw)
    if kind == _FDP.TYPE_ENUM:
        enum = field.enum_type
        if enum is None or not enum.values:
            return 0, "?"
        chosen = next((v for v in enum.values if v.name == text), enum.values[0]) if text else enum.values[0]
        return chosen.number, f"{enum.name}.{chosen.name}"
    if kind == _FDP.TYPE_BOOL:
        value = text == "true"
        return value, "true" if value else "false"
    if kind in (_FDP.TYPE_FLOAT, _FDP.TYPE_DOUBLE):
        number = float(_parse_number(text)) if text else 0.0
        if kind == _FDP.TYPE_FLOAT:
            number = _float32(number)
        return number, _go_float(number)
    integer = int(_parse_number(text)) if text else 0
    return integer, str(integer)


def _defaults_equal(previous: object, current: object, previous_field: Field, field: Field) -> bool:
    if isinstance(previous, str) or isinstance(current, str):
        return previous == current
    assert isinstance(previous, (int, float))
    assert isinstance(current, (int, float))
    floats = (_FDP.TYPE_FLOAT, _FDP.TYPE_DOUBLE)
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
    location = field.sub(_FIELD_DEFAULT)
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
    if no_defaults and _FDP.TYPE_ENUM not in (field.kind, previous_field.kind):
        return  # both are the zero value of their kind; only an enum's implicit default can be non-zero
    previous_value, previous_text = _default(previous_field)
    value, text = _default(field)
    if not previous_value and not value and not (isinstance(value, float) and math.isnan(value)):
        return
    if not _defaults_equal(previous_value, value, previous_field, field):
        report(
            _first(_default_location(field), field.location),
            _first(_default_location(previous_field), previous_field.location),
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
                f"{field.description}q moved from oneof {_quote(previous_oneof.name)} "
                f"to oneof {_quote(oneof.name)}.",
            )
        return
    previous, current = ("outside", "inside") if oneof is not None else ("inside", "outside")
    report(
        field.location,
        previous_field.location,
        f"{field.description} moved from {previous} to {current} a oneof.",
    )


# --- enums ----------------------------------------------------------------------------------------


@for_each_enum_pair
def enum_same_type(report: Report, enum: Enum, previous_enum: Enum) -> None:
    if previous_enum.is_closed != enum.is_closed:
        previous, current = ("open", "closed") if enum.is_closed else ("closed", "open")
        path = (_ENUM_OPTIONS, _ENUM_OPTION_FEATURES, _FEATURE_ENUM_TYPE)
        report(
            _first(enum.file.location(enum.path + path), enum.location),
            _first(previous_enum.file.location(previous_enum.path + path), previous_enum.location),
            f"Enum {_quote(enum.name)} changed from {previous} to {current}.",
        )


def _enum_value_no_delete(number_reserved: bool, name_reserved: bool) -> Handler:
    def rule(report: Report, enum: Enum, previous_enum: Enum) -> None:
        current = enum.values_by_number()
        for number, previous_values in previous_enum.values_by_number().items():
            if number in current:
                continue
            names = sorted(previous_values)
            if number_reserved and any(r.start <= number <= r.end for r in enum.proto.reserved_range):
                continue
            if name_reserved and all(n in enum.proto.reserved_name for n in names):
                continue
            suffix = ""
            if number_reserved:
                suffix = f' without reserving the number "{number}"'
            if name_reserved:
                suffix = f" without reserving the name{'s' if len(names) > 1 else ''} {_quote_list(names)}"
            report(
                enum.location,
                previous_enum.location,
                f'Previously present enum value "{number}" on enum {_quote(enum.name)} was deleted{suffix}.',
                deleted=previous_enum.file.location(next(iter(previous_values.values())).path),
            )

    return for_each_enum_pair(rule)


@for_each_enum_pair
def enum_same_json_format(report: Report, enum: Enum, previous_enum: Enum) -> None:
    previous, current = previous_enum.feature("json_format"), enum.feature("json_format")
    if previous == _FS.ALLOW and current != _FS.ALLOW:
        path = (_ENUM_OPTIONS, _ENUM_OPTION_FEATURES, _FEATURE_JSON_FORMAT)
        report(
            _first(enum.file.location(enum.path + path), enum.location),
            _first(previous_enum.file.location(previous_enum.path + path), previous_enum.location),
            f"Enum {_quote(enum.name)} JSON format support changed from {_json_format_name(previous)} "
            f"to {_json_format_name(current)}.",
        )


@for_each_enum_value_pair
def enum_value_same_name(
    report: Report, values: dict[str, EnumValue], previous_values: dict[str, EnumValue]
) -> None:
    previous_names, names = sorted(previous_values), sorted(values)
    if all(name in names for name in previous_names):
        return  # every previous name survives; added aliases are fine
    suffix = "s" if len(previous_names) > 1 and len(names) > 1 else ""
    for name in names:
        value = values[name]
        previous = previous_values.get(name)
        report(
            value.enum.file.location((*value.path, _FIELD_NUMBER_OF_VALUE)),
            previous.enum.file.location((*previous.path, _FIELD_NUMBER_OF_VALUE)) if previous else None,
            f'Enum value "{value.number}" on enum {_quote(value.enum.name)} changed name{suffix} from '
            f"{_quote_list(previous_names)} to {_quote_list(names)}.",
        )


@for_each_enum_pair
def reserved_enum_no_delete(report: Report, enum: Enum, previous_enum: Enum) -> None:
    ranges = (
        [(r.start, r.end) for r in enum.proto.reserved_range],
        [(r.start, r.end) for r in previous_enum.proto.reserved_range],
    )
    _check_ranges(report, "reserved", (enum, previous_enum), ranges, _ENUM_RANGE_MAX)
    _reserved_names_deleted(report, "enum", enum, previous_enum)


# --- services -------------------------------------------------------------------------------------


@for_each_service_pair
def rpc_no_delete(report: Report, service: Service, previous_service: Service) -> None:
    names = {m.name for m in service.methods}
    for previous_method in previous_service.methods:
        if previous_method.name not in names:
            report(
                service.location,
                previous_service.location,
                f"Previously present RPC {_quote(previous_method.name)} on service {_quote(service.name)} "
                "was deleted.",
                deleted=previous_service.file.location(previous_method.path),
            )


def _method_location(method: Method, *sub: int) -> Location | None:
    return method.service.file.location(method.path + sub)


def _streaming_rule(side: str) -> Handler:
    attribute = f"{side}_streaming"

    def rule(report: Report, method: Method, previous_method: Method) -> None:
        previous, current = getattr(previous_method.proto, attribute), getattr(method.proto, attribute)
        if previous != current:
            before, after = ("unary", "streaming") if current else ("streaming", "unary")
            report(
                _method_location(method),
                _method_location(previous_method),
                f"RPC {_quote(method.name)} on service {_quote(method.service.name)} "
                f"changed from {side} {before} "
                f"to {side} {after}.",
            )

    return for_each_method_pair(rule)


@for_each_method_pair
def rpc_same_idempotency_level(report: Report, method: Method, previous_method: Method) -> None:
    previous, current = (
        previous_method.proto.options.idempotency_level,
        method.proto.options.idempotency_level,
    )
    if previous != current:
        names = descriptor_pb2.MethodOptions.IdempotencyLevel
        report(
            _method_location(method, _METHOD_OPTIONS, _METHOD_IDEMPOTENCY),
            _method_location(previous_method, _METHOD_OPTIONS, _METHOD_IDEMPOTENCY),
            f"RPC {_quote(method.name)} on service {_quote(method.service.name)} changed option "
            f'"idempotency_level" from {_quote(names.Name(previous))} to {_quote(names.Name(current))}.',
            file=method.service.file,
            against_file=previous_method.service.file,
        )


def _message_type_rule(attribute: str, path: int, what: str) -> Handler:
    def rule(report: Report, method: Method, previous_method: Method) -> None:
        previous, current = getattr(previous_method.proto, attribute), getattr(method.proto, attribute)
        if previous != current:
            report(
                _method_location(method, path),
                _method_location(previous_method, path),
                f"RPC {_quote(method.name)} on service {_quote(method.service.name)} "
                f"changed {what} type from "
                f"{_quote(previous.lstrip('.'))} to {_quote(current.lstrip('.'))}.",
                file=method.service.file,
            )

    return for_each_method_pair(rule)


# --- packages -------------------------------------------------------------------------------------


def _package_deletions(
    kind: str, elements: Callable[[ProtoFile], list[Message] | list[Enum] | list[Field]]
) -> Handler:
    """Elements of a package that no file of that package still declares."""

    def handler(report: Report, current: Image, previous: Image) -> None:
        # Like buf, a package counts only once it declares at least one element of this kind, so deleting
        # the last one is not reported (docs/compat.md lists this as buf behaviour we keep).
        current_packages: dict[str, set[str]] = {}
        for pf in current.files:
            for element in elements(pf):
                current_packages.setdefault(pf.package, set()).add(element.nested_name)
        current_files = {pf.name: pf for pf in current.files}
        for pf in previous.files:
            names = current_packages.get(pf.package)
            if names is None:
                continue  # the whole package is gone: PACKAGE_NO_DELETE's finding
            for element in elements(pf):
                if element.nested_name in names:
                    continue
                message = (
                    f"Previously present {kind} {_quote(element.nested_name)} "
                    f"was deleted from package {_quote(pf.package)}."
                )
                current_file = current_files.get(pf.name)
                if current_file is None:
                    report(None, element.location, message)
                else:
                    report(
                        _deleted_element_location(current_file, element.nested_name),
                        element.location,
                        message,
                        file=current_file,
                    )

    return handler


@whole_image
def package_no_delete(report: Report, current: Image, previous: Image) -> None:
    packages = {pf.package for pf in current.files}
    previous_by_package: dict[str, list[ProtoFile]] = {}
    for pf in previous.files:
        previous_by_package.setdefault(pf.package, []).append(pf)
    for package, files in previous_by_package.items():
        if package not in packages:
            first = min(files, key=lambda pf: pf.name)
            report(
                None, None, f"Previously present package {_quote(package)} was deleted.", against_file=first
            )


@whole_image
def package_service_no_delete(report: Report, current: Image, previous: Image) -> None:
    current_packages: dict[str, set[str]] = {}
    for pf in current.files:
        current_packages.setdefault(pf.package, set()).update(s.name for s in pf.services)
    current_files = {pf.name: pf for pf in current.files}
    for pf in previous.files:
        names = current_packages.get(pf.package)
        if names is None:
            continue
        for service in pf.services:
            if service.name not in names:
                message = (
                    f"Previously present service {_quote(service.name)} "
                    f"was deleted from package {_quote(pf.package)}."
                )
                current_file = current_files.get(pf.name)
                if current_file is None:
                    report(None, service.location, message)
                else:
                    report(None, service.location, message, file=current_file)


# Handlers built from shared shapes; the registry names them.
field_no_delete = _field_no_delete(number_reserved=False, name_reserved=False)
field_no_delete_unless_name_reserved = _field_no_delete(number_reserved=False, name_reserved=True)
field_no_delete_unless_number_reserved = _field_no_delete(number_reserved=True, name_reserved=False)
enum_value_no_delete = _enum_value_no_delete(number_reserved=False, name_reserved=False)
enum_value_no_delete_unless_name_reserved = _enum_value_no_delete(number_reserved=False, name_reserved=True)
enum_value_no_delete_unless_number_reserved = _enum_value_no_delete(number_reserved=True, name_reserved=False)
field_same_cardinality = _cardinality_rule(None)
field_wire_compatible_cardinality = _cardinality_rule(_CARDINALITY_WIRE_GROUP)
field_wire_json_compatible_cardinality = _cardinality_rule(_CARDINALITY_WIRE_JSON_GROUP)
rpc_same_client_streaming = _streaming_rule("client")
rpc_same_server_streaming = _streaming_rule("server")
rpc_same_request_type = _message_type_rule("input_type", _METHOD_INPUT, "request")
rpc_same_response_type = _message_type_rule("output_type", _METHOD_OUTPUT, "response")
package_enum_no_delete = _package_deletions("enum", lambda pf: pf.enums)
package_extension_no_delete = _package_deletions("extension", lambda pf: pf.extensions)
package_message_no_delete = _package_deletions("message", lambda pf: pf.messages)
file_option_rule = _file_option_rule
