"""Pair adapters: match previous and current elements by name or number, hand rules one pair at a time.

A rule body then only compares two elements. Deletions are found one level up: a deleted field is a finding
of the message pair, a deleted message one of the file pair.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from compat._findings import Report
from compat._model import Enum, EnumValue, Field, Image, Message, Method, ProtoFile, Service

__all__ = [
    "Handler",
    "for_each_enum_pair",
    "for_each_enum_value_pair",
    "for_each_field_pair",
    "for_each_file_pair",
    "for_each_message_pair",
    "for_each_method_pair",
    "for_each_service_pair",
    "whole_image",
]

# A rule handler sees both images whole: (report, current, previous).
Handler = Callable[[Report, Image, Image], None]


def whole_image(rule: Handler) -> Handler:
    """For rules that look across files, such as package-level deletions."""
    return rule


_T = TypeVar("_T")


def _pairs(
    current: Image, previous: Image, kind: str, compute: Callable[[], list[tuple[_T, _T]]]
) -> list[tuple[_T, _T]]:
    """(current, previous) element pairs of one kind, computed once per image pair and shared by all rules.

    The cache holds the previous image itself, not its id(): checking against another image (one per tag
    with --against-tags) replaces the cache, so it never grows and never answers for a different image.
    """
    if current.pair_cache is None or current.pair_cache[0] is not previous:
        current.pair_cache = (previous, {})
    by_kind = current.pair_cache[1]
    if kind not in by_kind:
        by_kind[kind] = compute()
    return by_kind[kind]


def _file_pairs(current: Image, previous: Image) -> list[tuple[ProtoFile, ProtoFile]]:
    def compute() -> list[tuple[ProtoFile, ProtoFile]]:
        by_path = {f.name: f for f in current.files}
        return [(by_path[f.name], f) for f in previous.files if f.name in by_path]

    return _pairs(current, previous, "file", compute)


def _message_pairs(current: Image, previous: Image) -> list[tuple[Message, Message]]:
    def compute() -> list[tuple[Message, Message]]:
        by_name = {m.full_name: m for pf in current.files for m in pf.messages}
        return [
            (by_name[m.full_name], m) for pf in previous.files for m in pf.messages if m.full_name in by_name
        ]

    return _pairs(current, previous, "message", compute)


def _extensions_by_extendee(image: Image) -> dict[str, dict[int, Field]]:
    table: dict[str, dict[int, Field]] = {}
    for pf in image.files:
        for extension in pf.extensions:
            table.setdefault(extension.extendee, {})[extension.number] = extension
    return table


def _field_pairs(current: Image, previous: Image) -> list[tuple[Field, Field]]:
    def compute() -> list[tuple[Field, Field]]:
        pairs = []
        for message, previous_message in _message_pairs(current, previous):
            fields = {f.proto.number: f for f in message.fields}
            for previous_field in previous_message.fields:
                field = fields.get(previous_field.proto.number)
                if field is not None:
                    pairs.append((field, previous_field))
        current_extensions = _extensions_by_extendee(current)
        for extendee, previous_by_number in _extensions_by_extendee(previous).items():
            by_number = current_extensions.get(extendee, {})
            for number, previous_extension in previous_by_number.items():
                extension = by_number.get(number)
                if extension is not None:
                    pairs.append((extension, previous_extension))
        return pairs

    return _pairs(current, previous, "field", compute)


def _enum_pairs(current: Image, previous: Image) -> list[tuple[Enum, Enum]]:
    def compute() -> list[tuple[Enum, Enum]]:
        by_name = {e.full_name: e for pf in current.files for e in pf.enums}
        return [
            (by_name[e.full_name], e) for pf in previous.files for e in pf.enums if e.full_name in by_name
        ]

    return _pairs(current, previous, "enum", compute)


def _service_pairs(current: Image, previous: Image) -> list[tuple[Service, Service]]:
    def compute() -> list[tuple[Service, Service]]:
        by_name = {s.full_name: s for pf in current.files for s in pf.services}
        return [
            (by_name[s.full_name], s) for pf in previous.files for s in pf.services if s.full_name in by_name
        ]

    return _pairs(current, previous, "service", compute)


def for_each_file_pair(rule: Callable[[Report, ProtoFile, ProtoFile], None]) -> Handler:
    """Files matched by path."""

    def handler(report: Report, current: Image, previous: Image) -> None:
        for file, previous_file in _file_pairs(current, previous):
            rule(report, file, previous_file)

    return handler


def for_each_message_pair(rule: Callable[[Report, Message, Message], None]) -> Handler:
    """Messages (nested ones too) matched by full name, across files."""

    def handler(report: Report, current: Image, previous: Image) -> None:
        for message, previous_message in _message_pairs(current, previous):
            rule(report, message, previous_message)

    return handler


def for_each_field_pair(rule: Callable[[Report, Field, Field], None]) -> Handler:
    """Fields by number within messages matched by full name, then extensions by extendee and number."""

    def handler(report: Report, current: Image, previous: Image) -> None:
        for field, previous_field in _field_pairs(current, previous):
            rule(report, field, previous_field)

    return handler


def for_each_enum_pair(rule: Callable[[Report, Enum, Enum], None]) -> Handler:
    """Enums (nested ones too) matched by full name."""

    def handler(report: Report, current: Image, previous: Image) -> None:
        for enum, previous_enum in _enum_pairs(current, previous):
            rule(report, enum, previous_enum)

    return handler


def for_each_enum_value_pair(
    rule: Callable[[Report, dict[str, EnumValue], dict[str, EnumValue]], None],
) -> Handler:
    """Enum values matched by number; each side is name -> value, since aliases share a number."""

    def per_enum(report: Report, enum: Enum, previous_enum: Enum) -> None:
        by_number = enum.values_by_number()
        for number, previous_values in previous_enum.values_by_number().items():
            if number in by_number:
                rule(report, by_number[number], previous_values)

    return for_each_enum_pair(per_enum)


def for_each_service_pair(rule: Callable[[Report, Service, Service], None]) -> Handler:
    """Services matched by full name."""

    def handler(report: Report, current: Image, previous: Image) -> None:
        for service, previous_service in _service_pairs(current, previous):
            rule(report, service, previous_service)

    return handler


def for_each_method_pair(rule: Callable[[Report, Method, Method], None]) -> Handler:
    """RPCs matched by name within services matched by full name."""

    def per_service(report: Report, service: Service, previous_service: Service) -> None:
        methods = {m.name: m for m in service.methods}
        for previous_method in previous_service.methods:
            method = methods.get(previous_method.name)
            if method is not None:
                rule(report, method, previous_method)

    return for_each_service_pair(per_service)
