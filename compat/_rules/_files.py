"""Rules on files: deletions found on the file pair, file options, syntax and package."""

from __future__ import annotations

from collections.abc import Callable

from google.protobuf import descriptor_pb2

from compat._findings import Report
from compat._model import Enum, Field, Image, Message, ProtoFile
from compat._pairs import Handler, for_each_file_pair, whole_image
from compat._rules._common import (
    FILE_EDITION,
    FILE_OPTIONS,
    FILE_PACKAGE,
    FILE_SYNTAX,
    deleted_element_location,
    first,
    quote,
)

__all__ = [
    "enum_no_delete",
    "extension_no_delete",
    "file_no_delete",
    "file_option_rule",
    "file_same_package",
    "file_same_syntax",
    "message_no_delete",
    "service_no_delete",
]


def _file_deletions(
    kind: str, elements: Callable[[ProtoFile], list[Message] | list[Enum] | list[Field]]
) -> Handler:
    """Elements a file no longer declares, matched by nested name (a move to another file counts too)."""

    def rule(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
        names = {e.nested_name for e in elements(file)}
        for previous_element in elements(previous_file):
            if previous_element.nested_name not in names:
                report(
                    deleted_element_location(file, previous_element.nested_name),
                    previous_element.location,
                    f"Previously present {kind} {quote(previous_element.nested_name)} was deleted from file.",
                    file=file,
                    deleted=previous_element.location,
                )

    return for_each_file_pair(rule)


enum_no_delete = _file_deletions("enum", lambda pf: pf.enums)
extension_no_delete = _file_deletions("extension", lambda pf: pf.extensions)
message_no_delete = _file_deletions("message", lambda pf: pf.messages)


@for_each_file_pair
def service_no_delete(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
    names = {s.name for s in file.services}
    for previous_service in previous_file.services:
        if previous_service.name not in names:
            report(
                None,
                previous_service.location,
                f"Previously present service {quote(previous_service.name)} was deleted from file.",
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
                f"Previously present file {quote(previous_file.name)} was deleted.",
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
            f"File {name} changed from {quote(previous_value)} to {quote(value)}.",
            file=file,
        )


def file_option_rule(option: str) -> Handler:
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
            report, (file, previous_file), values, (FILE_OPTIONS, field.number), f'option "{option}"'
        )

    return for_each_file_pair(rule)


def _syntax_name(pf: ProtoFile) -> str:
    return pf.proto.syntax or "proto2"


@for_each_file_pair
def file_same_syntax(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
    previous_value, value = _syntax_name(previous_file), _syntax_name(file)
    if previous_value != value:
        report(
            first(file.location((FILE_SYNTAX,)), file.location((FILE_EDITION,))),
            first(previous_file.location((FILE_SYNTAX,)), previous_file.location((FILE_EDITION,))),
            f"File syntax changed from {quote(previous_value)} to {quote(value)}.",
            file=file,
        )


@for_each_file_pair
def file_same_package(report: Report, file: ProtoFile, previous_file: ProtoFile) -> None:
    _file_same_value(
        report, (file, previous_file), (file.package, previous_file.package), (FILE_PACKAGE,), "package"
    )
