"""Shared by the rule modules: descriptor field numbers, buf's quoting, range arithmetic."""

from __future__ import annotations

from google.protobuf import descriptor_pb2

from compat._findings import Report
from compat._model import Enum, Location, Message, ProtoFile

__all__ = [
    "ENUM_OPTIONS",
    "ENUM_OPTION_FEATURES",
    "ENUM_RANGE_MAX",
    "FDP",
    "FEATURE_ENUM_TYPE",
    "FEATURE_JSON_FORMAT",
    "FEATURE_UTF8",
    "FIELD_DEFAULT",
    "FIELD_JSON_NAME",
    "FIELD_NAME",
    "FIELD_NUMBER_OF_VALUE",
    "FIELD_OPTIONS",
    "FIELD_OPTION_CTYPE",
    "FIELD_OPTION_FEATURES",
    "FIELD_OPTION_JSTYPE",
    "FIELD_TYPE",
    "FIELD_TYPE_NAME",
    "FILE_EDITION",
    "FILE_JAVA_STRING_CHECK_UTF8",
    "FILE_OPTIONS",
    "FILE_PACKAGE",
    "FILE_SYNTAX",
    "FO",
    "FS",
    "MESSAGE_OPTIONS",
    "MESSAGE_OPTION_FEATURES",
    "MESSAGE_OPTION_NO_ACCESSOR",
    "MESSAGE_RANGE_MAX",
    "MESSAGE_SET_RANGE_MAX",
    "METHOD_IDEMPOTENCY",
    "METHOD_INPUT",
    "METHOD_OPTIONS",
    "METHOD_OUTPUT",
    "check_ranges",
    "deleted_element_location",
    "first",
    "json_format_name",
    "message_max",
    "quote",
    "quote_list",
    "range_string",
    "ranges_string",
    "reserved_names_deleted",
    "uncovered",
]

FDP = descriptor_pb2.FieldDescriptorProto
FS = descriptor_pb2.FeatureSet
FO = descriptor_pb2.FieldOptions

# Field numbers used to build source paths (descriptor.proto).
FIELD_NAME, FIELD_NUMBER_OF_VALUE, FIELD_TYPE, FIELD_TYPE_NAME = 1, 2, 5, 6
FIELD_DEFAULT, FIELD_OPTIONS, FIELD_JSON_NAME = 7, 8, 10
FIELD_OPTION_CTYPE, FIELD_OPTION_JSTYPE, FIELD_OPTION_FEATURES = 1, 6, 21
MESSAGE_OPTIONS, MESSAGE_OPTION_NO_ACCESSOR, MESSAGE_OPTION_FEATURES = 7, 2, 12
ENUM_OPTIONS, ENUM_OPTION_FEATURES = 3, 7
FEATURE_ENUM_TYPE, FEATURE_UTF8, FEATURE_JSON_FORMAT = 2, 4, 6
METHOD_INPUT, METHOD_OUTPUT, METHOD_OPTIONS, METHOD_IDEMPOTENCY = 2, 3, 4, 34
FILE_PACKAGE, FILE_OPTIONS, FILE_SYNTAX, FILE_EDITION = 2, 8, 12, 14
FILE_JAVA_STRING_CHECK_UTF8 = 27

MESSAGE_RANGE_MAX = 536_870_911
MESSAGE_SET_RANGE_MAX = 2_147_483_646
ENUM_RANGE_MAX = 2_147_483_647


def first(*locations: Location | None) -> Location | None:
    for location in locations:
        if location is not None:
            return location
    return None


def quote(text: str) -> str:
    """Go's %q for the plain strings that appear in schemas."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def quote_list(names: list[str]) -> str:
    return ", ".join(quote(n) for n in names)


def deleted_element_location(current_file: ProtoFile, nested_name: str) -> Location | None:
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


def ranges_string(ranges: list[tuple[int, int]], max_tag: int) -> str:
    parts = []
    for start, end in ranges:
        if start == end:
            parts.append(f"[{start}]")
        elif end == max_tag:
            parts.append(f"[{start},max]")
        else:
            parts.append(f"[{start},{end}]")
    return ", ".join(parts)


def range_string(start: int, end: int, max_tag: int) -> str:
    return ranges_string([(start, end)], max_tag)


def uncovered(start: int, end: int, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
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


def check_ranges(
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
        missing = uncovered(start, end, current_ranges)
        if missing:
            report(
                element.location,
                previous_element.location,
                f"Previously present {kind} range {quote(range_string(start, end, max_tag))} "
                f"on {element_kind} "
                f"{quote(element.name)} is missing values: {ranges_string(missing, max_tag)} were removed.",
                file=element.file,
            )


def message_max(message: Message) -> int:
    return MESSAGE_SET_RANGE_MAX if message.proto.options.message_set_wire_format else MESSAGE_RANGE_MAX


def json_format_name(value: int) -> str:
    return str(FS.JsonFormat.Name(value))  # type: ignore[arg-type]


def reserved_names_deleted(
    report: Report, kind: str, element: Message | Enum, previous: Message | Enum
) -> None:
    names = set(element.proto.reserved_name)
    for name in dict.fromkeys(previous.proto.reserved_name):
        if name not in names:
            report(
                element.location,
                previous.location,
                f"Previously present reserved name {quote(name)} on {kind} {quote(element.name)} "
                "was deleted.",
                file=element.file,
            )
