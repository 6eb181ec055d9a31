"""Pair adapters: match previous and current elements by name or number, hand rules one pair at a time.

A rule body then only compares two elements. Deletions are found one level up: a deleted field is a finding
of the message pair, a deleted message one of the file pair.
"""

from __future__ import annotations

from collections.abc import Callable

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


def files_by_path(image: Image) -> dict[str, ProtoFile]:
    return {f.name: f for f in image.files}


def messages_by_full_name(image: Image) -> dict[str, Message]:
    return {m.full_name: m for pf in image.files for m in pf.messages}


def for_each_file_pair(rule: Callable[[Report, ProtoFile, ProtoFile], None]) -> Handler:
    def handler(report: Report, current: Image, previous: Image) -> None:
        current_files = files_by_path(current)
        for previous_file in previous.files:
            current_file = current_files.get(previous_file.name)
            if current_file is not None:
                rule(report, current_file, previous_file)

    return handler


def for_each_message_pair(rule: Callable[[Report, Message, Message], None]) -> Handler:
    def handler(report: Report, current: Image, previous: Image) -> None:
        current_messages = messages_by_full_name(current)
        for pf in previous.files:
            for previous_message in pf.messages:
                message = current_messages.get(previous_message.full_name)
                if message is not None:
                    rule(report, message, previous_message)

    return handler


def _extensions_by_extendee(image: Image) -> dict[str, dict[int, Field]]:
    table: dict[str, dict[int, Field]] = {}
    for pf in image.files:
        for extension in pf.extensions:
            table.setdefault(extension.extendee, {})[extension.number] = extension
    return table


def for_each_field_pair(rule: Callable[[Report, Field, Field], None]) -> Handler:
    """Fields by number within messages matched by full name, then extensions by extendee and number."""

    def handler(report: Report, current: Image, previous: Image) -> None:
        current_messages = messages_by_full_name(current)
        for pf in previous.files:
            for previous_message in pf.messages:
                message = current_messages.get(previous_message.full_name)
                if message is None:
                    continue
                fields = {f.number: f for f in message.fields}
                for previous_field in previous_message.fields:
                    field = fields.get(previous_field.number)
                    if field is not None:
                        rule(report, field, previous_field)
        current_extensions = _extensions_by_extendee(current)
        for extendee, previous_by_number in _extensions_by_extendee(previous).items():
            by_number = current_extensions.get(extendee, {})
            for number, previous_extension in previous_by_number.items():
                extension = by_number.get(number)
                if extension is not None:
                    rule(report, extension, previous_extension)

    return handler


def for_each_enum_pair(rule: Callable[[Report, Enum, Enum], None]) -> Handler:
    def handler(report: Report, current: Image, previous: Image) -> None:
        current_enums = {e.full_name: e for pf in current.files for e in pf.enums}
        for pf in previous.files:
            for previous_enum in pf.enums:
                enum = current_enums.get(previous_enum.full_name)
                if enum is not None:
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
    def handler(report: Report, current: Image, previous: Image) -> None:
        current_services = {s.full_name: s for pf in current.files for s in pf.services}
        for pf in previous.files:
            for previous_service in pf.services:
                service = current_services.get(previous_service.full_name)
                if service is not None:
                    rule(report, service, previous_service)

    return handler


def for_each_method_pair(rule: Callable[[Report, Method, Method], None]) -> Handler:
    def per_service(report: Report, service: Service, previous_service: Service) -> None:
        methods = {m.name: m for m in service.methods}
        for previous_method in previous_service.methods:
            method = methods.get(previous_method.name)
            if method is not None:
                rule(report, method, previous_method)

    return for_each_service_pair(per_service)
