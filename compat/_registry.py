"""The rule registry: every buf v2 breaking rule as data (ID, categories, purpose, handler), in one table.

Adding a rule is one handler in `_rules/` and one row here. Categories and the default set follow
`buf config ls-breaking-rules --version v2` (buf 1.75): `FILE` is the default, `CSR` is buf's category for
Confluent Schema Registry compatibility.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from compat import _rules as r
from compat._pairs import Handler

__all__ = [
    "ALL_CATEGORIES",
    "DEFAULT_CATEGORIES",
    "RULES",
    "RULES_BY_ID",
    "Rule",
    "categories_for_version",
    "rules_for_version",
]


@dataclass(frozen=True)
class Rule:
    id: str
    categories: tuple[str, ...]
    purpose: str
    handler: Handler


F, P, WJ, W, C = "FILE", "PACKAGE", "WIRE_JSON", "WIRE", "CSR"
_FP = (F, P)
_CFP = (C, F, P)
_ALL = (C, F, P, WJ, W)


def _option(option: str) -> tuple[str, tuple[str, ...], str, Handler]:
    rule_id = "FILE_SAME_" + option.upper()
    return (
        rule_id,
        _FP,
        f"Checks that files have the same value for the {option} option.",
        r.file_option_rule(option),
    )


_TABLE: list[tuple[str, tuple[str, ...], str, Handler]] = [
    (
        "EXTENSION_NO_DELETE",
        (F,),
        "Checks that extensions are not deleted from a given file.",
        r.extension_no_delete,
    ),
    (
        "SERVICE_NO_DELETE",
        (F,),
        "Checks that services are not deleted from a given file.",
        r.service_no_delete,
    ),
    ("ENUM_NO_DELETE", (C, F), "Checks that enums are not deleted from a given file.", r.enum_no_delete),
    ("FILE_NO_DELETE", (C, F), "Checks that files are not deleted.", r.file_no_delete),
    (
        "MESSAGE_NO_DELETE",
        (C, F),
        "Checks that messages are not deleted from a given file.",
        r.message_no_delete,
    ),
    ("ENUM_SAME_TYPE", _FP, "Checks that enums have the same type (open vs closed).", r.enum_same_type),
    (
        "FIELD_SAME_CARDINALITY",
        _FP,
        "Checks that fields have the same cardinalities in a given message.",
        r.field_same_cardinality,
    ),
    (
        "FIELD_SAME_CPP_STRING_TYPE",
        _FP,
        "Checks that fields have the same C++ string type, based on ctype field option or "
        "(pb.cpp).string_type feature.",
        r.field_same_cpp_string_type,
    ),
    (
        "FIELD_SAME_JAVA_UTF8_VALIDATION",
        _FP,
        "Checks that fields have the same Java string UTF8 validation, based on java_string_check_utf8 file "
        "option or (pb.java).utf8_validation feature.",
        r.field_same_java_utf8_validation,
    ),
    (
        "FIELD_SAME_JSTYPE",
        _FP,
        "Checks that fields have the same value for the jstype option.",
        r.field_same_jstype,
    ),
    (
        "FIELD_SAME_UTF8_VALIDATION",
        _FP,
        "Checks that string fields have the same UTF8 validation mode.",
        r.field_same_utf8_validation,
    ),
    _option("cc_enable_arenas"),
    _option("cc_generic_services"),
    _option("csharp_namespace"),
    _option("go_package"),
    _option("java_generic_services"),
    _option("java_multiple_files"),
    _option("java_outer_classname"),
    _option("java_package"),
    _option("objc_class_prefix"),
    _option("optimize_for"),
    _option("php_class_prefix"),
    _option("php_metadata_namespace"),
    _option("php_namespace"),
    _option("py_generic_services"),
    _option("ruby_package"),
    _option("swift_prefix"),
    ("RPC_NO_DELETE", _FP, "Checks that rpcs are not deleted from a given service.", r.rpc_no_delete),
    (
        "ENUM_VALUE_NO_DELETE",
        _CFP,
        "Checks that enum values are not deleted from a given enum.",
        r.enum_value_no_delete,
    ),
    (
        "EXTENSION_MESSAGE_NO_DELETE",
        _CFP,
        "Checks that extension ranges are not deleted from a given message.",
        r.extension_message_no_delete,
    ),
    ("FIELD_NO_DELETE", _CFP, "Checks that fields are not deleted from a given message.", r.field_no_delete),
    (
        "FIELD_SAME_TYPE",
        _CFP,
        "Checks that fields have the same types in a given message.",
        r.field_same_type,
    ),
    ("FILE_SAME_SYNTAX", _CFP, "Checks that files have the same syntax.", r.file_same_syntax),
    (
        "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
        _CFP,
        "Checks that messages do not change the no_standard_descriptor_accessor option "
        "from false or unset to true.",
        r.message_no_remove_standard_descriptor_accessor,
    ),
    ("ONEOF_NO_DELETE", _CFP, "Checks that oneofs are not deleted from a given message.", r.oneof_no_delete),
    (
        "ENUM_SAME_JSON_FORMAT",
        (*_CFP, WJ),
        "Checks that enums have the same JSON format support.",
        r.enum_same_json_format,
    ),
    (
        "ENUM_VALUE_SAME_NAME",
        (*_CFP, WJ),
        "Checks that enum values have the same name.",
        r.enum_value_same_name,
    ),
    (
        "FIELD_SAME_JSON_NAME",
        (*_CFP, WJ),
        "Checks that fields have the same value for the json_name option.",
        r.field_same_json_name,
    ),
    (
        "FIELD_SAME_NAME",
        (*_CFP, WJ),
        "Checks that fields have the same names in a given message.",
        r.field_same_name,
    ),
    (
        "MESSAGE_SAME_JSON_FORMAT",
        (*_CFP, WJ),
        "Checks that messages have the same JSON format support.",
        r.message_same_json_format,
    ),
    (
        "FIELD_SAME_DEFAULT",
        _ALL,
        "Checks that fields have the same default value, if a default is specified.",
        r.field_same_default,
    ),
    (
        "FIELD_SAME_ONEOF",
        _ALL,
        "Checks that fields have the same oneofs in a given message.",
        r.field_same_oneof,
    ),
    ("FILE_SAME_PACKAGE", _ALL, "Checks that files have the same package.", r.file_same_package),
    (
        "MESSAGE_SAME_REQUIRED_FIELDS",
        _ALL,
        "Checks that messages have no added or deleted required fields.",
        r.message_same_required_fields,
    ),
    (
        "RESERVED_ENUM_NO_DELETE",
        _ALL,
        "Checks that reserved ranges and names are not deleted from a given enum.",
        r.reserved_enum_no_delete,
    ),
    (
        "RESERVED_MESSAGE_NO_DELETE",
        _ALL,
        "Checks that reserved ranges and names are not deleted from a given message.",
        r.reserved_message_no_delete,
    ),
    (
        "RPC_SAME_CLIENT_STREAMING",
        _ALL,
        "Checks that rpcs have the same client streaming value.",
        r.rpc_same_client_streaming,
    ),
    (
        "RPC_SAME_IDEMPOTENCY_LEVEL",
        _ALL,
        "Checks that rpcs have the same value for the idempotency_level option.",
        r.rpc_same_idempotency_level,
    ),
    (
        "RPC_SAME_REQUEST_TYPE",
        _ALL,
        "Checks that rpcs are have the same request type.",
        r.rpc_same_request_type,
    ),
    (
        "RPC_SAME_RESPONSE_TYPE",
        _ALL,
        "Checks that rpcs are have the same response type.",
        r.rpc_same_response_type,
    ),
    (
        "RPC_SAME_SERVER_STREAMING",
        _ALL,
        "Checks that rpcs have the same server streaming value.",
        r.rpc_same_server_streaming,
    ),
    (
        "PACKAGE_ENUM_NO_DELETE",
        (P,),
        "Checks that enums are not deleted from a given package.",
        r.package_enum_no_delete,
    ),
    (
        "PACKAGE_EXTENSION_NO_DELETE",
        (P,),
        "Checks that extensions are not deleted from a given package.",
        r.package_extension_no_delete,
    ),
    (
        "PACKAGE_MESSAGE_NO_DELETE",
        (P,),
        "Checks that messages are not deleted from a given package.",
        r.package_message_no_delete,
    ),
    ("PACKAGE_NO_DELETE", (P,), "Checks that packages are not deleted.", r.package_no_delete),
    (
        "PACKAGE_SERVICE_NO_DELETE",
        (P,),
        "Checks that services are not deleted from a given package.",
        r.package_service_no_delete,
    ),
    (
        "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
        (C, WJ),
        "Checks that enum values are not deleted from a given enum unless the name is reserved.",
        r.enum_value_no_delete_unless_name_reserved,
    ),
    (
        "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
        (C, WJ),
        "Checks that fields are not deleted from a given message unless the name is reserved.",
        r.field_no_delete_unless_name_reserved,
    ),
    (
        "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
        (C, WJ),
        "Checks that fields have wire and JSON compatible cardinalities in a given message.",
        r.field_wire_json_compatible_cardinality,
    ),
    (
        "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
        (C, WJ),
        "Checks that fields have wire and JSON compatible types in a given message.",
        r.field_wire_json_compatible_type,
    ),
    (
        "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
        (C, WJ, W),
        "Checks that enum values are not deleted from a given enum unless the number is reserved.",
        r.enum_value_no_delete_unless_number_reserved,
    ),
    (
        "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
        (C, WJ, W),
        "Checks that fields are not deleted from a given message unless the number is reserved.",
        r.field_no_delete_unless_number_reserved,
    ),
    (
        "FIELD_WIRE_COMPATIBLE_CARDINALITY",
        (W,),
        "Checks that fields have wire-compatible cardinalities in a given message.",
        r.field_wire_compatible_cardinality,
    ),
    (
        "FIELD_WIRE_COMPATIBLE_TYPE",
        (W,),
        "Checks that fields have wire-compatible types in a given message.",
        r.field_wire_compatible_type,
    ),
]

RULES: tuple[Rule, ...] = tuple(Rule(*row) for row in _TABLE)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
ALL_CATEGORIES: tuple[str, ...] = (F, P, WJ, W, C)
DEFAULT_CATEGORIES: tuple[str, ...] = (F,)

# How the older buf.yaml versions differ from v2 (`buf config ls-breaking-rules --version v1` / `v1beta1`):
# a few rules do not exist there, CSR does not exist, and v1beta1 files three rules under other categories.
_ABSENT = {
    "v1": {"EXTENSION_NO_DELETE", "FIELD_SAME_DEFAULT", "PACKAGE_EXTENSION_NO_DELETE"},
    "v1beta1": {
        "EXTENSION_NO_DELETE",
        "FIELD_SAME_DEFAULT",
        "PACKAGE_EXTENSION_NO_DELETE",
        "FIELD_WIRE_COMPATIBLE_TYPE",
        "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
    },
}
_V1BETA1_CATEGORIES = {
    "FILE_SAME_PACKAGE": (F,),
    "FIELD_SAME_CARDINALITY": (F, P, WJ, W),
    "FIELD_SAME_TYPE": (F, P, WJ, W),
}


@functools.cache  # asked per finding (ignores) and per configured name: built once per version
def rules_for_version(version: str) -> Mapping[str, tuple[str, ...]]:
    """Rule ID -> categories, for the rules a buf.yaml of this version ("v2", "v1", "v1beta1") knows."""
    absent = _ABSENT.get(version, set())
    table = {}
    for rule in RULES:
        if rule.id in absent:
            continue
        categories = rule.categories
        if version != "v2":
            categories = _V1BETA1_CATEGORIES.get(rule.id, categories) if version == "v1beta1" else categories
            categories = tuple(c for c in categories if c != C)
        table[rule.id] = categories
    return MappingProxyType(table)  # shared by every caller, so read-only


def categories_for_version(version: str) -> tuple[str, ...]:
    return ALL_CATEGORIES if version == "v2" else (F, P, WJ, W)
