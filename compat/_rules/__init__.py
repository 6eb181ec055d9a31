"""The rule bodies, one small function per buf breaking rule, each comparing one (current, previous) pair.

Messages follow buf's wording so users can search buf's documentation for any finding. The registry table in
`compat/_registry.py` gives each handler its rule ID, categories and purpose.
"""

from __future__ import annotations

from compat._rules._enums import (
    enum_same_json_format,
    enum_same_type,
    enum_value_no_delete,
    enum_value_no_delete_unless_name_reserved,
    enum_value_no_delete_unless_number_reserved,
    enum_value_same_name,
    reserved_enum_no_delete,
)
from compat._rules._fields import (
    field_same_cardinality,
    field_same_cpp_string_type,
    field_same_default,
    field_same_java_utf8_validation,
    field_same_json_name,
    field_same_jstype,
    field_same_name,
    field_same_oneof,
    field_same_type,
    field_same_utf8_validation,
    field_wire_compatible_cardinality,
    field_wire_compatible_type,
    field_wire_json_compatible_cardinality,
    field_wire_json_compatible_type,
)
from compat._rules._files import (
    enum_no_delete,
    extension_no_delete,
    file_no_delete,
    file_option_rule,
    file_same_package,
    file_same_syntax,
    message_no_delete,
    service_no_delete,
)
from compat._rules._messages import (
    extension_message_no_delete,
    field_no_delete,
    field_no_delete_unless_name_reserved,
    field_no_delete_unless_number_reserved,
    message_no_remove_standard_descriptor_accessor,
    message_same_json_format,
    message_same_required_fields,
    oneof_no_delete,
    reserved_message_no_delete,
)
from compat._rules._packages import (
    package_enum_no_delete,
    package_extension_no_delete,
    package_message_no_delete,
    package_no_delete,
    package_service_no_delete,
)
from compat._rules._services import (
    rpc_no_delete,
    rpc_same_client_streaming,
    rpc_same_idempotency_level,
    rpc_same_request_type,
    rpc_same_response_type,
    rpc_same_server_streaming,
)

__all__ = []

__all__ = [
    "enum_no_delete",
    "enum_same_json_format",
    "enum_same_type",
    "enum_value_no_delete",
    "enum_value_no_delete_unless_name_reserved",
    "enum_value_no_delete_unless_number_reserved",
    "enum_value_same_name",
    "extension_message_no_delete",
    "extension_no_delete",
    "field_no_delete",
    "field_no_delete_unless_name_reserved",
    "field_no_delete_unless_number_reserved",
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
    "file_no_delete",
    "file_option_rule",
    "file_same_package",
    "file_same_syntax",
    "message_no_delete",
    "message_no_remove_standard_descriptor_accessor",
    "message_same_json_format",
    "message_same_required_fields",
    "oneof_no_delete",
    "package_enum_no_delete",
    "package_extension_no_delete",
    "package_message_no_delete",
    "package_no_delete",
    "package_service_no_delete",
    "reserved_enum_no_delete",
    "reserved_message_no_delete",
    "rpc_no_delete",
    "rpc_same_client_streaming",
    "rpc_same_idempotency_level",
    "rpc_same_request_type",
    "rpc_same_response_type",
    "rpc_same_server_streaming",
    "service_no_delete",
]
