"""Rules on enums and enum values."""

from __future__ import annotations

from compat._findings import Report
from compat._model import Enum, EnumValue
from compat._pairs import Handler, for_each_enum_pair, for_each_enum_value_pair
from compat._rules._common import (
    ENUM_OPTION_FEATURES,
    ENUM_OPTIONS,
    ENUM_RANGE_MAX,
    FEATURE_ENUM_TYPE,
    FEATURE_JSON_FORMAT,
    FIELD_NUMBER_OF_VALUE,
    FS,
    check_ranges,
    first,
    json_format_name,
    quote,
    quote_list,
    reserved_names_deleted,
)

__all__ = [
    "enum_same_json_format",
    "enum_same_type",
    "enum_value_no_delete",
    "enum_value_no_delete_unless_name_reserved",
    "enum_value_no_delete_unless_number_reserved",
    "enum_value_same_name",
    "reserved_enum_no_delete",
]


@for_each_enum_pair
def enum_same_type(report: Report, enum: Enum, previous_enum: Enum) -> None:
    if previous_enum.is_closed != enum.is_closed:
        previous, current = ("open", "closed") if enum.is_closed else ("closed", "open")
        path = (ENUM_OPTIONS, ENUM_OPTION_FEATURES, FEATURE_ENUM_TYPE)
        report(
            first(enum.file.location(enum.path + path), enum.location),
            first(previous_enum.file.location(previous_enum.path + path), previous_enum.location),
            f"Enum {quote(enum.name)} changed from {previous} to {current}.",
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
                suffix = f" without reserving the name{'s' if len(names) > 1 else ''} {quote_list(names)}"
            report(
                enum.location,
                previous_enum.location,
                f'Previously present enum value "{number}" on enum {quote(enum.name)} was deleted{suffix}.',
                deleted=previous_enum.file.location(next(iter(previous_values.values())).path),
            )

    return for_each_enum_pair(rule)


@for_each_enum_pair
def enum_same_json_format(report: Report, enum: Enum, previous_enum: Enum) -> None:
    previous, current = previous_enum.feature("json_format"), enum.feature("json_format")
    if previous == FS.ALLOW and current != FS.ALLOW:
        path = (ENUM_OPTIONS, ENUM_OPTION_FEATURES, FEATURE_JSON_FORMAT)
        report(
            first(enum.file.location(enum.path + path), enum.location),
            first(previous_enum.file.location(previous_enum.path + path), previous_enum.location),
            f"Enum {quote(enum.name)} JSON format support changed from {json_format_name(previous)} "
            f"to {json_format_name(current)}.",
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
            value.enum.file.location((*value.path, FIELD_NUMBER_OF_VALUE)),
            previous.enum.file.location((*previous.path, FIELD_NUMBER_OF_VALUE)) if previous else None,
            f'Enum value "{value.number}" on enum {quote(value.enum.name)} changed name{suffix} from '
            f"{quote_list(previous_names)} to {quote_list(names)}.",
        )


@for_each_enum_pair
def reserved_enum_no_delete(report: Report, enum: Enum, previous_enum: Enum) -> None:
    ranges = (
        [(r.start, r.end) for r in enum.proto.reserved_range],
        [(r.start, r.end) for r in previous_enum.proto.reserved_range],
    )
    check_ranges(report, "reserved", (enum, previous_enum), ranges, ENUM_RANGE_MAX)
    reserved_names_deleted(report, "enum", enum, previous_enum)


enum_value_no_delete = _enum_value_no_delete(number_reserved=False, name_reserved=False)
enum_value_no_delete_unless_name_reserved = _enum_value_no_delete(number_reserved=False, name_reserved=True)
enum_value_no_delete_unless_number_reserved = _enum_value_no_delete(number_reserved=True, name_reserved=False)
