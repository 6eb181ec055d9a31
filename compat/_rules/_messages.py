"""Rules on messages: deleted fields, oneofs and ranges, message options and required fields."""

from __future__ import annotations

from compat._findings import Report
from compat._model import Message
from compat._pairs import Handler, for_each_message_pair
from compat._rules._common import (
    FDP,
    FEATURE_JSON_FORMAT,
    FS,
    MESSAGE_OPTION_FEATURES,
    MESSAGE_OPTION_NO_ACCESSOR,
    MESSAGE_OPTIONS,
    check_ranges,
    first,
    json_format_name,
    message_max,
    quote,
    reserved_names_deleted,
)

__all__ = [
    "extension_message_no_delete",
    "field_no_delete",
    "field_no_delete_unless_name_reserved",
    "field_no_delete_unless_number_reserved",
    "message_no_remove_standard_descriptor_accessor",
    "message_same_json_format",
    "message_same_required_fields",
    "oneof_no_delete",
    "reserved_message_no_delete",
]


@for_each_message_pair
def extension_message_no_delete(report: Report, message: Message, previous_message: Message) -> None:
    ranges = (
        [(r.start, r.end - 1) for r in message.proto.extension_range],
        [(r.start, r.end - 1) for r in previous_message.proto.extension_range],
    )
    check_ranges(report, "extension", (message, previous_message), ranges, message_max(message))


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
                suffix = f" without reserving the name {quote(previous_field.name)}"
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
        path = (MESSAGE_OPTIONS, MESSAGE_OPTION_NO_ACCESSOR)
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
                f"Previously present oneof {quote(previous_oneof.name)} on message {quote(message.name)} "
                "was deleted.",
                file=message.file,
                deleted=previous_message.file.location((*previous_message.path, 8, previous_oneof.index)),
            )


@for_each_message_pair
def message_same_json_format(report: Report, message: Message, previous_message: Message) -> None:
    previous, current = previous_message.feature("json_format"), message.feature("json_format")
    if previous == FS.ALLOW and current != FS.ALLOW:
        path = (MESSAGE_OPTIONS, MESSAGE_OPTION_FEATURES, FEATURE_JSON_FORMAT)
        report(
            first(message.file.location(message.path + path), message.location),
            first(previous_message.file.location(previous_message.path + path), previous_message.location),
            f"Message {quote(message.name)} JSON format support changed from {json_format_name(previous)} "
            f"to {json_format_name(current)}.",
        )


_REQUIRED_TAIL = (
    "Required fields must always be sent, so if one side does not know about the required field, "
    "this will result in a breakage."
)


@for_each_message_pair
def message_same_required_fields(report: Report, message: Message, previous_message: Message) -> None:
    previous_required = {f.number: f for f in previous_message.fields if f.proto.label == FDP.LABEL_REQUIRED}
    required = {f.number: f for f in message.fields if f.proto.label == FDP.LABEL_REQUIRED}
    for number in previous_required:
        if number not in required:
            report(
                message.location,
                previous_message.location,
                f'Message {quote(previous_message.name)} had required field "{number}" deleted. '
                f"{_REQUIRED_TAIL}",
                file=message.file,
            )
    for number, field in required.items():
        if number not in previous_required:
            report(
                field.location,
                None,
                f'Message {quote(message.name)} had required field "{number}" added. {_REQUIRED_TAIL}',
                file=message.file,
            )


@for_each_message_pair
def reserved_message_no_delete(report: Report, message: Message, previous_message: Message) -> None:
    ranges = (
        [(r.start, r.end - 1) for r in message.proto.reserved_range],
        [(r.start, r.end - 1) for r in previous_message.proto.reserved_range],
    )
    check_ranges(report, "reserved", (message, previous_message), ranges, message_max(message))
    reserved_names_deleted(report, "message", message, previous_message)


field_no_delete = _field_no_delete(number_reserved=False, name_reserved=False)
field_no_delete_unless_name_reserved = _field_no_delete(number_reserved=False, name_reserved=True)
field_no_delete_unless_number_reserved = _field_no_delete(number_reserved=True, name_reserved=False)
