# ruff: noqa: E501  # schema fixtures read best with one case per line
"""The corpus: previous/current schema pairs, each aimed at one buf breaking rule or category.

`build_corpus.py` writes every case to `corpus/previous/<case>/` and `corpus/current/<case>/` with a tiny
buf.yaml; `test_corpus.py` runs the real `buf breaking` and pagemesh's checker on each pair and compares them.
`breaks` says whether the case's target rule should fire (the safe variants show what a rule allows).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CASES", "Case"]


@dataclass(frozen=True)
class Case:
    name: str
    target: str  # the rule ID or category the case exercises
    previous: dict[str, str]
    current: dict[str, str]
    breaks: bool = True
    use: tuple[str, ...] = ()  # defaults to (target,)
    extra_config: str = ""  # more lines for the `breaking:` section
    version: str = "v2"  # of the buf.yaml; v1 and v1beta1 know fewer rules

    @property
    def config(self) -> str:
        use = ", ".join(self.use or (self.target,))
        return f"version: {self.version}\nbreaking:\n  use: [{use}]\n{self.extra_config}"


def p3(body: str, package: str = "corpus.v1", header: str = "") -> str:
    return f'syntax = "proto3";\n\npackage {package};\n{header}\n{body.strip()}\n'


def p2(body: str, package: str = "corpus.v1", header: str = "") -> str:
    return f'syntax = "proto2";\n\npackage {package};\n{header}\n{body.strip()}\n'


def ed(body: str, package: str = "corpus.v1", header: str = "", edition: str = "2023") -> str:
    return f'edition = "{edition}";\n\npackage {package};\n{header}\n{body.strip()}\n'


CASES: list[Case] = []


def case(
    name: str, target: str, previous: str | dict[str, str], current: str | dict[str, str], **kw: object
) -> None:
    prev = previous if isinstance(previous, dict) else {"a.proto": previous}
    cur = current if isinstance(current, dict) else {"a.proto": current}
    CASES.append(Case(name, target, prev, cur, **kw))  # type: ignore[arg-type]


# --- deletions -------------------------------------------------------------------------------------------

BASE_EXT = "message Base {\n  extensions 100 to 199;\n}\n"
case(
    "extension_no_delete",
    "EXTENSION_NO_DELETE",
    p2(BASE_EXT + "extend Base {\n  optional int32 ext_a = 100;\n  optional int32 ext_b = 101;\n}"),
    p2(BASE_EXT + "extend Base {\n  optional int32 ext_a = 100;\n}"),
)
case(
    "extension_no_delete.nested",
    "EXTENSION_NO_DELETE",
    p2(BASE_EXT + "message Holder {\n  extend Base {\n    optional string note = 110;\n  }\n}"),
    p2(BASE_EXT + "message Holder {\n}"),
)
case(
    "extension_no_delete.safe_added",
    "EXTENSION_NO_DELETE",
    p2(BASE_EXT + "extend Base {\n  optional int32 ext_a = 100;\n}"),
    p2(BASE_EXT + "extend Base {\n  optional int32 ext_a = 100;\n  optional int32 ext_b = 101;\n}"),
    breaks=False,
)
SVC_MSG = "message Req {}\nmessage Res {}\n"
case(
    "service_no_delete",
    "SERVICE_NO_DELETE",
    p3(
        SVC_MSG
        + "service Alpha {\n  rpc Get(Req) returns (Res);\n}\nservice Beta {\n  rpc Get(Req) returns (Res);\n}"
    ),
    p3(SVC_MSG + "service Alpha {\n  rpc Get(Req) returns (Res);\n}"),
)
case(
    "service_no_delete.safe_added",
    "SERVICE_NO_DELETE",
    p3(SVC_MSG + "service Alpha {\n  rpc Get(Req) returns (Res);\n}"),
    p3(
        SVC_MSG
        + "service Alpha {\n  rpc Get(Req) returns (Res);\n}\nservice Beta {\n  rpc Get(Req) returns (Res);\n}"
    ),
    breaks=False,
)
case(
    "enum_no_delete",
    "ENUM_NO_DELETE",
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}\nenum Size {\n  SIZE_UNSPECIFIED = 0;\n}"),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}"),
)
case(
    "enum_no_delete.nested",
    "ENUM_NO_DELETE",
    p3("message Shirt {\n  enum Fit {\n    FIT_UNSPECIFIED = 0;\n  }\n  string name = 1;\n}"),
    p3("message Shirt {\n  string name = 1;\n}"),
)
case(
    "enum_no_delete.moved_file",
    "ENUM_NO_DELETE",
    {"a.proto": p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}\nmessage A {}"), "b.proto": p3("message B {}")},
    {"a.proto": p3("message A {}"), "b.proto": p3("message B {}\nenum Color {\n  COLOR_UNSPECIFIED = 0;\n}")},
)
case(
    "file_no_delete",
    "FILE_NO_DELETE",
    {"a.proto": p3("message A {}"), "b.proto": p3("message B {}")},
    {"a.proto": p3("message A {}")},
)
case(
    "file_no_delete.dir",
    "FILE_NO_DELETE",
    {"a.proto": p3("message A {}"), "sub/b.proto": p3("message B {}", package="corpus.sub.v1")},
    {"a.proto": p3("message A {}")},
)
case(
    "file_no_delete.safe_added",
    "FILE_NO_DELETE",
    {"a.proto": p3("message A {}")},
    {"a.proto": p3("message A {}"), "b.proto": p3("message B {}")},
    breaks=False,
)
case(
    "message_no_delete",
    "MESSAGE_NO_DELETE",
    p3("message Keep {}\nmessage Drop {}"),
    p3("message Keep {}"),
)
case(
    "message_no_delete.nested",
    "MESSAGE_NO_DELETE",
    p3("message Outer {\n  message Inner {\n    message Deep {}\n  }\n  int32 id = 1;\n}"),
    p3("message Outer {\n  message Inner {}\n  int32 id = 1;\n}"),
)
case(
    "message_no_delete.parent_gone",
    "MESSAGE_NO_DELETE",
    p3("message Outer {\n  message Inner {}\n}\nmessage Other {}"),
    p3("message Other {}"),
)
case(
    "service_no_delete.file_kept_empty",
    "SERVICE_NO_DELETE",
    p3(SVC_MSG + "service Alpha {\n  rpc Get(Req) returns (Res);\n}"),
    p3(SVC_MSG),
)

# --- enums -----------------------------------------------------------------------------------------------

case(
    "enum_same_type",
    "ENUM_SAME_TYPE",
    ed("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n}"),
    ed("enum Color {\n  option features.enum_type = CLOSED;\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n}"),
)
case(
    "enum_same_type.closed_to_open",
    "ENUM_SAME_TYPE",
    p2("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n}"),
    ed("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n}"),
)
case(
    "enum_same_type.file_feature",
    "ENUM_SAME_TYPE",
    ed("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}"),
    ed("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}", header="option features.enum_type = CLOSED;\n"),
)
case(
    "enum_same_type.safe_proto2_to_legacy",
    "ENUM_SAME_TYPE",
    p2("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}"),
    ed("enum Color {\n  option features.enum_type = CLOSED;\n  COLOR_UNSPECIFIED = 0;\n}"),
    breaks=False,
)
ENUM3 = "enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  GREEN = 2;\n}"
case(
    "enum_value_no_delete",
    "ENUM_VALUE_NO_DELETE",
    p3(ENUM3),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n}"),
)
case(
    "enum_value_no_delete.nested",
    "ENUM_VALUE_NO_DELETE",
    p3("message M {\n  enum Kind {\n    KIND_UNSPECIFIED = 0;\n    KIND_A = 1;\n  }\n}"),
    p3("message M {\n  enum Kind {\n    KIND_UNSPECIFIED = 0;\n  }\n}"),
)
case(
    "enum_value_no_delete.safe_renumbered_alias",
    "ENUM_VALUE_NO_DELETE",
    p3(ENUM3),
    p3(
        "enum Color {\n  option allow_alias = true;\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  GREEN = 2;\n  VERDE = 2;\n}"
    ),
    breaks=False,
)
case(
    "enum_value_no_delete_unless_name_reserved",
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
    p3(ENUM3),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n}"),
)
case(
    "enum_value_no_delete_unless_name_reserved.safe",
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
    p3(ENUM3),
    p3('enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  reserved "GREEN";\n}'),
    breaks=False,
)
case(
    "enum_value_no_delete_unless_name_reserved.number_only",
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED",
    p3(ENUM3),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  reserved 2;\n}"),
)
case(
    "enum_value_no_delete_unless_number_reserved",
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
    p3(ENUM3),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n}"),
)
case(
    "enum_value_no_delete_unless_number_reserved.safe",
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
    p3(ENUM3),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  reserved 2 to 5;\n}"),
    breaks=False,
)
case(
    "enum_value_no_delete_unless_number_reserved.name_only",
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED",
    p3(ENUM3),
    p3('enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  reserved "GREEN";\n}'),
)
case(
    "enum_same_json_format",
    "ENUM_SAME_JSON_FORMAT",
    ed("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}"),
    ed("enum Color {\n  option features.json_format = LEGACY_BEST_EFFORT;\n  COLOR_UNSPECIFIED = 0;\n}"),
)
case(
    "enum_same_json_format.proto3_to_proto2",
    "ENUM_SAME_JSON_FORMAT",
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}"),
    p2("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}"),
)
case(
    "enum_same_json_format.safe_to_allow",
    "ENUM_SAME_JSON_FORMAT",
    p2("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}"),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n}"),
    breaks=False,
)
case(
    "enum_value_same_name",
    "ENUM_VALUE_SAME_NAME",
    p3(ENUM3),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  LIME = 2;\n}"),
)
case(
    "enum_value_same_name.aliases",
    "ENUM_VALUE_SAME_NAME",
    p3("enum Color {\n  option allow_alias = true;\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  ROJO = 1;\n}"),
    p3("enum Color {\n  option allow_alias = true;\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  ROUGE = 1;\n}"),
)
case(
    "enum_value_same_name.alias_removed",
    "ENUM_VALUE_SAME_NAME",
    p3("enum Color {\n  option allow_alias = true;\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  ROJO = 1;\n}"),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n}"),
)
case(
    "enum_value_same_name.safe_alias_added",
    "ENUM_VALUE_SAME_NAME",
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n}"),
    p3("enum Color {\n  option allow_alias = true;\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n  ROJO = 1;\n}"),
    breaks=False,
)
case(
    "reserved_enum_no_delete",
    "RESERVED_ENUM_NO_DELETE",
    p3('enum Color {\n  COLOR_UNSPECIFIED = 0;\n  reserved 5 to 10, 20;\n  reserved "OLD";\n}'),
    p3('enum Color {\n  COLOR_UNSPECIFIED = 0;\n  reserved 5 to 7;\n  reserved "OLD";\n}'),
)
case(
    "reserved_enum_no_delete.name",
    "RESERVED_ENUM_NO_DELETE",
    p3('enum Color {\n  COLOR_UNSPECIFIED = 0;\n  reserved "OLD", "GONE";\n}'),
    p3('enum Color {\n  COLOR_UNSPECIFIED = 0;\n  reserved "OLD";\n}'),
)
case(
    "reserved_enum_no_delete.max",
    "RESERVED_ENUM_NO_DELETE",
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  reserved 100 to max;\n}"),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  reserved 100 to 200;\n}"),
)
case(
    "reserved_enum_no_delete.safe_merged",
    "RESERVED_ENUM_NO_DELETE",
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  reserved 5 to 10, 11 to 12;\n}"),
    p3("enum Color {\n  COLOR_UNSPECIFIED = 0;\n  reserved 5 to 12;\n}"),
    breaks=False,
)

# --- messages and fields -----------------------------------------------------------------------------------

MSG = "message Item {\n  string name = 1;\n  int64 count = 2;\n  Item child = 3;\n}"
case(
    "field_no_delete",
    "FIELD_NO_DELETE",
    p3(MSG),
    p3("message Item {\n  string name = 1;\n  Item child = 3;\n}"),
)
case(
    "field_no_delete.nested_message",
    "FIELD_NO_DELETE",
    p3("message Outer {\n  message Inner {\n    int32 a = 1;\n    int32 b = 2;\n  }\n}"),
    p3("message Outer {\n  message Inner {\n    int32 a = 1;\n  }\n}"),
)
case(
    "field_no_delete.proto2",
    "FIELD_NO_DELETE",
    p2("message Item {\n  optional string name = 1;\n  repeated int32 ids = 2;\n}"),
    p2("message Item {\n  optional string name = 1;\n}"),
)
case(
    "field_no_delete.safe_renumber_keeps",
    "FIELD_NO_DELETE",
    p3(MSG),
    p3("message Item {\n  string title = 1;\n  int64 count = 2;\n  Item child = 3;\n}"),
    breaks=False,
)
case(
    "field_no_delete_unless_name_reserved",
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
    p3(MSG),
    p3("message Item {\n  string name = 1;\n  Item child = 3;\n  reserved 2;\n}"),
)
case(
    "field_no_delete_unless_name_reserved.safe",
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED",
    p3(MSG),
    p3('message Item {\n  string name = 1;\n  Item child = 3;\n  reserved "count";\n}'),
    breaks=False,
)
case(
    "field_no_delete_unless_number_reserved",
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
    p3(MSG),
    p3('message Item {\n  string name = 1;\n  Item child = 3;\n  reserved "count";\n}'),
)
case(
    "field_no_delete_unless_number_reserved.safe",
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
    p3(MSG),
    p3("message Item {\n  string name = 1;\n  Item child = 3;\n  reserved 2, 4 to 9;\n}"),
    breaks=False,
)
case(
    "field_no_delete_unless_number_reserved.ed",
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED",
    ed("message Item {\n  string name = 1;\n  int32 size = 2;\n}"),
    ed("message Item {\n  string name = 1;\n  reserved 3;\n}"),
)
case(
    "extension_message_no_delete",
    "EXTENSION_MESSAGE_NO_DELETE",
    p2("message Base {\n  extensions 100 to 199;\n}"),
    p2("message Base {\n  extensions 100 to 149;\n}"),
)
case(
    "extension_message_no_delete.max",
    "EXTENSION_MESSAGE_NO_DELETE",
    p2("message Base {\n  extensions 100 to max;\n}"),
    p2("message Base {\n  extensions 100 to 1000;\n}"),
)
case(
    "extension_message_no_delete.split",
    "EXTENSION_MESSAGE_NO_DELETE",
    p2("message Base {\n  extensions 100 to 199;\n}"),
    p2("message Base {\n  extensions 100 to 120, 150 to 199;\n}"),
)
case(
    "extension_message_no_delete.safe_grown",
    "EXTENSION_MESSAGE_NO_DELETE",
    p2("message Base {\n  extensions 100 to 199;\n}"),
    p2("message Base {\n  extensions 100 to 299;\n}"),
    breaks=False,
)
case(
    "reserved_message_no_delete",
    "RESERVED_MESSAGE_NO_DELETE",
    p3('message Item {\n  reserved 2, 5 to 9;\n  reserved "old";\n  string name = 1;\n}'),
    p3('message Item {\n  reserved 2;\n  reserved "old";\n  string name = 1;\n}'),
)
case(
    "reserved_message_no_delete.name",
    "RESERVED_MESSAGE_NO_DELETE",
    p3('message Item {\n  reserved "old", "older";\n  string name = 1;\n}'),
    p3('message Item {\n  reserved "old";\n  string name = 1;\n}'),
)
case(
    "reserved_message_no_delete.max",
    "RESERVED_MESSAGE_NO_DELETE",
    p3("message Item {\n  reserved 10 to max;\n  string name = 1;\n}"),
    p3("message Item {\n  reserved 10 to 20, 30;\n  string name = 1;\n}"),
)
case(
    "reserved_message_no_delete.safe_merged",
    "RESERVED_MESSAGE_NO_DELETE",
    p3("message Item {\n  reserved 2, 3, 4;\n  string name = 1;\n}"),
    p3("message Item {\n  reserved 2 to 4;\n  string name = 1;\n}"),
    breaks=False,
)
case(
    "oneof_no_delete",
    "ONEOF_NO_DELETE",
    p3("message Pay {\n  oneof method {\n    string card = 1;\n    string iban = 2;\n  }\n}"),
    p3("message Pay {\n  string card = 1;\n  string iban = 2;\n}"),
)
case(
    "oneof_no_delete.safe_synthetic",
    "ONEOF_NO_DELETE",
    p3("message Pay {\n  optional string card = 1;\n}"),
    p3("message Pay {\n  string card = 1;\n}"),
    breaks=False,
)
case(
    "oneof_no_delete.ed",
    "ONEOF_NO_DELETE",
    ed("message Pay {\n  oneof method {\n    string card = 1;\n  }\n}"),
    ed("message Pay {\n  string card = 1;\n}"),
)
case(
    "message_no_remove_standard_descriptor_accessor",
    "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
    p2("message Item {\n  optional string name = 1;\n}"),
    p2("message Item {\n  option no_standard_descriptor_accessor = true;\n  optional string name = 1;\n}"),
)
case(
    "message_no_remove_standard_descriptor_accessor.safe",
    "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR",
    p2("message Item {\n  option no_standard_descriptor_accessor = true;\n  optional string name = 1;\n}"),
    p2("message Item {\n  optional string name = 1;\n}"),
    breaks=False,
)
case(
    "message_same_json_format",
    "MESSAGE_SAME_JSON_FORMAT",
    ed("message Item {\n  string name = 1;\n}"),
    ed("message Item {\n  option features.json_format = LEGACY_BEST_EFFORT;\n  string name = 1;\n}"),
)
case(
    "message_same_json_format.proto3_to_proto2",
    "MESSAGE_SAME_JSON_FORMAT",
    p3("message Item {\n  string name = 1;\n}"),
    p2("message Item {\n  optional string name = 1;\n}"),
)
case(
    "message_same_json_format.safe",
    "MESSAGE_SAME_JSON_FORMAT",
    p2("message Item {\n  optional string name = 1;\n}"),
    ed("message Item {\n  string name = 1;\n}"),
    breaks=False,
)
case(
    "message_same_required_fields",
    "MESSAGE_SAME_REQUIRED_FIELDS",
    p2("message Item {\n  required string name = 1;\n  optional int32 size = 2;\n}"),
    p2("message Item {\n  optional string name = 1;\n  required int32 size = 2;\n}"),
)
case(
    "message_same_required_fields.deleted",
    "MESSAGE_SAME_REQUIRED_FIELDS",
    p2("message Item {\n  required string name = 1;\n}"),
    p2("message Item {\n}"),
)
case(
    "message_same_required_fields.safe",
    "MESSAGE_SAME_REQUIRED_FIELDS",
    p2("message Item {\n  required string name = 1;\n}"),
    p2("message Item {\n  required string name = 1;\n  optional int32 size = 2;\n}"),
    breaks=False,
)
case(
    "message_same_required_fields.editions_legacy_required",
    "MESSAGE_SAME_REQUIRED_FIELDS",
    ed("message Item {\n  string name = 1;\n}"),
    ed("message Item {\n  string name = 1 [features.field_presence = LEGACY_REQUIRED];\n}"),
    breaks=False,  # buf looks at the label only, which stays LABEL_OPTIONAL in editions
)
case(
    "field_same_type",
    "FIELD_SAME_TYPE",
    p3(MSG),
    p3("message Item {\n  string name = 1;\n  int32 count = 2;\n  Item child = 3;\n}"),
)
case(
    "field_same_type.message",
    "FIELD_SAME_TYPE",
    p3("message A {}\nmessage B {}\nmessage Item {\n  A part = 1;\n}"),
    p3("message A {}\nmessage B {}\nmessage Item {\n  B part = 1;\n}"),
)
case(
    "field_same_type.enum",
    "FIELD_SAME_TYPE",
    p3(
        "enum E {\n  E_UNSPECIFIED = 0;\n}\nenum F {\n  F_UNSPECIFIED = 0;\n}\nmessage Item {\n  E kind = 1;\n}"
    ),
    p3(
        "enum E {\n  E_UNSPECIFIED = 0;\n}\nenum F {\n  F_UNSPECIFIED = 0;\n}\nmessage Item {\n  F kind = 1;\n}"
    ),
)
case(
    "field_same_type.scalar_to_message",
    "FIELD_SAME_TYPE",
    p3("message A {}\nmessage Item {\n  string part = 1;\n}"),
    p3("message A {}\nmessage Item {\n  A part = 1;\n}"),
)
case(
    "field_same_type.group",
    "FIELD_SAME_TYPE",
    p2("message Item {\n  optional group Part = 1 {\n    optional int32 x = 2;\n  }\n}"),
    p2("message Item {\n  message Part {\n    optional int32 x = 2;\n  }\n  optional Part part = 1;\n}"),
)
case(
    "field_same_type.delimited",
    "FIELD_SAME_TYPE",
    ed("message Part {\n  int32 x = 1;\n}\nmessage Item {\n  Part part = 1;\n}"),
    ed(
        "message Part {\n  int32 x = 1;\n}\nmessage Item {\n  Part part = 1 [features.message_encoding = DELIMITED];\n}"
    ),
)
case(
    "field_same_type.extension",
    "FIELD_SAME_TYPE",
    p2(BASE_EXT + "extend Base {\n  optional int32 ext_a = 100;\n}"),
    p2(BASE_EXT + "extend Base {\n  optional string ext_a = 100;\n}"),
)
case(
    "field_same_type.safe_qualified",
    "FIELD_SAME_TYPE",
    p3("message A {}\nmessage Item {\n  A part = 1;\n}"),
    p3("message A {}\nmessage Item {\n  corpus.v1.A part = 1;\n}"),
    breaks=False,
)
case(
    "field_wire_compatible_type",
    "FIELD_WIRE_COMPATIBLE_TYPE",
    p3("message Item {\n  int32 a = 1;\n  bytes b = 2;\n}"),
    p3("message Item {\n  sint32 a = 1;\n  string b = 2;\n}"),
)
case(
    "field_wire_compatible_type.safe",
    "FIELD_WIRE_COMPATIBLE_TYPE",
    p3("message Item {\n  int32 a = 1;\n  string b = 2;\n  fixed32 c = 3;\n}"),
    p3("message Item {\n  int64 a = 1;\n  bytes b = 2;\n  sfixed32 c = 3;\n}"),
    breaks=False,
)
case(
    "field_wire_compatible_type.message",
    "FIELD_WIRE_COMPATIBLE_TYPE",
    p3("message A {}\nmessage B {}\nmessage Item {\n  A part = 1;\n}"),
    p3("message A {}\nmessage B {}\nmessage Item {\n  B part = 1;\n}"),
)
ENUMS_AB = (
    "enum Old {\n  OLD_UNSPECIFIED = 0;\n  OLD_A = 1;\n}\n"
    "message M {\n  enum Old {\n    OLD_UNSPECIFIED = 0;\n    OLD_A = 1;\n    OLD_B = 2;\n  }\n}\n"
)
case(
    "field_wire_compatible_type.safe_enum_superset",
    "FIELD_WIRE_COMPATIBLE_TYPE",
    p3(ENUMS_AB + "message Item {\n  Old kind = 1;\n}"),
    p3(ENUMS_AB + "message Item {\n  M.Old kind = 1;\n}"),
    breaks=False,
)
case(
    "field_wire_compatible_type.enum_renamed",
    "FIELD_WIRE_COMPATIBLE_TYPE",
    p3(
        "enum E {\n  E_UNSPECIFIED = 0;\n}\nenum F {\n  F_UNSPECIFIED = 0;\n}\nmessage Item {\n  E kind = 1;\n}"
    ),
    p3(
        "enum E {\n  E_UNSPECIFIED = 0;\n}\nenum F {\n  F_UNSPECIFIED = 0;\n}\nmessage Item {\n  F kind = 1;\n}"
    ),
)
case(
    "field_wire_compatible_type.safe_enum_moved",
    "FIELD_WIRE_COMPATIBLE_TYPE",
    p3(
        "enum E {\n  E_UNSPECIFIED = 0;\n}\nmessage H {\n  enum E {\n    E_UNSPECIFIED = 0;\n  }\n}\nmessage Item {\n  E kind = 1;\n}"
    ),
    p3(
        "enum E {\n  E_UNSPECIFIED = 0;\n}\nmessage H {\n  enum E {\n    E_UNSPECIFIED = 0;\n  }\n}\nmessage Item {\n  H.E kind = 1;\n}"
    ),
    breaks=False,
)
case(
    "field_wire_compatible_type.enum_to_int",
    "FIELD_WIRE_COMPATIBLE_TYPE",
    p3("enum E {\n  E_UNSPECIFIED = 0;\n}\nmessage Item {\n  E kind = 1;\n}"),
    p3("enum E {\n  E_UNSPECIFIED = 0;\n}\nmessage Item {\n  int32 kind = 1;\n}"),
)
case(
    "field_wire_json_compatible_type",
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
    p3("message Item {\n  int32 a = 1;\n  string b = 2;\n}"),
    p3("message Item {\n  int64 a = 1;\n  bytes b = 2;\n}"),
)
case(
    "field_wire_json_compatible_type.safe",
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
    p3("message Item {\n  int32 a = 1;\n  int64 b = 2;\n  fixed64 c = 3;\n}"),
    p3("message Item {\n  uint32 a = 1;\n  uint64 b = 2;\n  sfixed64 c = 3;\n}"),
    breaks=False,
)
case(
    "field_wire_json_compatible_type.enum_missing_value",
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
    p3(ENUMS_AB + "message Item {\n  M.Old kind = 1;\n}"),
    p3(ENUMS_AB + "message Item {\n  Old kind = 1;\n}"),
)
case(
    "field_wire_json_compatible_type.message",
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE",
    p3("message A {}\nmessage B {}\nmessage Item {\n  A part = 1;\n}"),
    p3("message A {}\nmessage B {}\nmessage Item {\n  B part = 1;\n}"),
)
case(
    "field_same_cardinality",
    "FIELD_SAME_CARDINALITY",
    p3("message Item {\n  string a = 1;\n  repeated int32 b = 2;\n  int32 c = 3;\n}"),
    p3("message Item {\n  optional string a = 1;\n  int32 b = 2;\n  repeated int32 c = 3;\n}"),
)
case(
    "field_same_cardinality.proto2_required",
    "FIELD_SAME_CARDINALITY",
    p2("message Item {\n  optional string a = 1;\n}"),
    p2("message Item {\n  required string a = 1;\n}"),
)
case(
    "field_same_cardinality.map",
    "FIELD_SAME_CARDINALITY",
    p3("message Item {\n  map<string, int32> tags = 1;\n}"),
    p3(
        "message Item {\n  message TagsEntry {\n    string key = 1;\n    int32 value = 2;\n  }\n  repeated TagsEntry tags = 1;\n}"
    ),
)
case(
    "field_same_cardinality.editions_presence",
    "FIELD_SAME_CARDINALITY",
    ed("message Item {\n  int32 a = 1;\n}"),
    ed("message Item {\n  int32 a = 1 [features.field_presence = IMPLICIT];\n}"),
)
case(
    "field_same_cardinality.safe_p3_to_ed",
    "FIELD_SAME_CARDINALITY",
    p3("message Item {\n  int32 a = 1;\n  optional int32 b = 2;\n}"),
    ed("message Item {\n  int32 a = 1 [features.field_presence = IMPLICIT];\n  int32 b = 2;\n}"),
    breaks=False,
)
case(
    "field_wire_compatible_cardinality",
    "FIELD_WIRE_COMPATIBLE_CARDINALITY",
    p3("message Item {\n  string a = 1;\n}"),
    p3("message Item {\n  repeated string a = 1;\n}"),
)
case(
    "field_wire_compatible_cardinality.safe",
    "FIELD_WIRE_COMPATIBLE_CARDINALITY",
    p3("message Item {\n  string a = 1;\n  map<string, int32> m = 2;\n}"),
    p3(
        "message Item {\n  optional string a = 1;\n  message MEntry {\n    string key = 1;\n    int32 value = 2;\n  }\n"
        "  repeated MEntry m = 2;\n}"
    ),
    breaks=False,
)
case(
    "field_wire_compatible_cardinality.required",
    "FIELD_WIRE_COMPATIBLE_CARDINALITY",
    p2("message Item {\n  optional string a = 1;\n}"),
    p2("message Item {\n  required string a = 1;\n}"),
)
case(
    "field_wire_json_compatible_cardinality",
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
    p3("message Item {\n  map<string, int32> m = 2;\n}"),
    p3(
        "message Item {\n  message MEntry {\n    string key = 1;\n    int32 value = 2;\n  }\n  repeated MEntry m = 2;\n}"
    ),
)
case(
    "field_wire_json_compatible_cardinality.safe",
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
    p3("message Item {\n  string a = 1;\n}"),
    p3("message Item {\n  optional string a = 1;\n}"),
    breaks=False,
)
case(
    "field_wire_json_compatible_cardinality.repeated",
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
    p3("message Item {\n  int32 a = 1;\n}"),
    p3("message Item {\n  repeated int32 a = 1;\n}"),
)
case(
    "field_same_name",
    "FIELD_SAME_NAME",
    p3("message Item {\n  string name = 1;\n}"),
    p3("message Item {\n  string title = 1;\n}"),
)
case(
    "field_same_name.extension",
    "FIELD_SAME_NAME",
    p2(BASE_EXT + "extend Base {\n  optional int32 ext_a = 100;\n}"),
    p2(BASE_EXT + "extend Base {\n  optional int32 ext_z = 100;\n}"),
)
case(
    "field_same_name.safe",
    "FIELD_SAME_NAME",
    p3("message Item {\n  string name = 1;\n}"),
    p3('message Item {\n  string name = 1 [json_name = "title"];\n}'),
    breaks=False,
)
case(
    "field_same_json_name",
    "FIELD_SAME_JSON_NAME",
    p3("message Item {\n  string name = 1;\n}"),
    p3('message Item {\n  string name = 1 [json_name = "title"];\n}'),
)
case(
    "field_same_json_name.rename",
    "FIELD_SAME_JSON_NAME",
    p3("message Item {\n  string item_name = 1;\n}"),
    p3("message Item {\n  string item_title = 1;\n}"),
)
case(
    "field_same_json_name.safe_same_camel",
    "FIELD_SAME_JSON_NAME",
    p3("message Item {\n  string item_name = 1;\n}"),
    p3('message Item {\n  string item_name = 1 [json_name = "itemName"];\n}'),
    breaks=False,
)
case(
    "field_same_oneof",
    "FIELD_SAME_ONEOF",
    p3("message Pay {\n  string card = 1;\n  oneof method {\n    string iban = 2;\n  }\n}"),
    p3("message Pay {\n  oneof method {\n    string card = 1;\n    string iban = 2;\n  }\n}"),
)
case(
    "field_same_oneof.moved",
    "FIELD_SAME_ONEOF",
    p3("message Pay {\n  oneof a {\n    string card = 1;\n  }\n  oneof b {\n    string iban = 2;\n  }\n}"),
    p3("message Pay {\n  oneof a {\n    string iban = 2;\n  }\n  oneof b {\n    string card = 1;\n  }\n}"),
)
case(
    "field_same_oneof.out",
    "FIELD_SAME_ONEOF",
    p3("message Pay {\n  oneof method {\n    string card = 1;\n    string iban = 2;\n  }\n}"),
    p3("message Pay {\n  string card = 1;\n  oneof method {\n    string iban = 2;\n  }\n}"),
)
case(
    "field_same_oneof.safe_synthetic",
    "FIELD_SAME_ONEOF",
    p3("message Pay {\n  string card = 1;\n}"),
    p3("message Pay {\n  optional string card = 1;\n}"),
    breaks=False,
)
case(
    "field_same_default",
    "FIELD_SAME_DEFAULT",
    p2(
        'message Item {\n  optional int32 size = 1 [default = 5];\n  optional string name = 2 [default = "x"];\n}'
    ),
    p2(
        'message Item {\n  optional int32 size = 1 [default = 6];\n  optional string name = 2 [default = "y"];\n}'
    ),
)
case(
    "field_same_default.added",
    "FIELD_SAME_DEFAULT",
    p2("message Item {\n  optional int32 size = 1;\n  optional bool on = 2;\n}"),
    p2(
        "message Item {\n  optional int32 size = 1 [default = 3];\n  optional bool on = 2 [default = true];\n}"
    ),
)
case(
    "field_same_default.enum",
    "FIELD_SAME_DEFAULT",
    p2("enum E {\n  E_A = 1;\n  E_B = 2;\n}\nmessage Item {\n  optional E kind = 1;\n}"),
    p2("enum E {\n  E_A = 1;\n  E_B = 2;\n}\nmessage Item {\n  optional E kind = 1 [default = E_B];\n}"),
)
case(
    "field_same_default.float",
    "FIELD_SAME_DEFAULT",
    p2(
        "message Item {\n  optional double ratio = 1 [default = 1.5];\n  optional float f = 2 [default = 0.25];\n}"
    ),
    p2(
        "message Item {\n  optional double ratio = 1 [default = 2.5];\n  optional float f = 2 [default = 0.5];\n}"
    ),
)
case(
    "field_same_default.safe_spelling",
    "FIELD_SAME_DEFAULT",
    p2(
        "message Item {\n  optional int32 size = 1 [default = 16];\n  optional double d = 2 [default = 1];\n}"
    ),
    p2(
        "message Item {\n  optional int32 size = 1 [default = 0x10];\n  optional double d = 2 [default = 1.0];\n}"
    ),
    breaks=False,
)
case(
    "field_same_default.safe_int_widen",
    "FIELD_SAME_DEFAULT",
    p2("message Item {\n  optional int32 size = 1 [default = 7];\n}"),
    p2("message Item {\n  optional int64 size = 1 [default = 7];\n}"),
    breaks=False,
)
case(
    "field_same_default.editions",
    "FIELD_SAME_DEFAULT",
    ed("message Item {\n  int32 size = 1 [default = 1];\n}"),
    ed("message Item {\n  int32 size = 1 [default = 2];\n}"),
)
case(
    "field_same_jstype",
    "FIELD_SAME_JSTYPE",
    p3("message Item {\n  int64 id = 1;\n}"),
    p3("message Item {\n  int64 id = 1 [jstype = JS_STRING];\n}"),
)
case(
    "field_same_jstype.changed",
    "FIELD_SAME_JSTYPE",
    p3("message Item {\n  fixed64 id = 1 [jstype = JS_NUMBER];\n}"),
    p3("message Item {\n  fixed64 id = 1 [jstype = JS_STRING];\n}"),
)
case(
    "field_same_jstype.safe_explicit_normal",
    "FIELD_SAME_JSTYPE",
    p3("message Item {\n  int64 id = 1;\n}"),
    p3("message Item {\n  int64 id = 1 [jstype = JS_NORMAL];\n}"),
    breaks=False,
)
case(
    "field_same_cpp_string_type",
    "FIELD_SAME_CPP_STRING_TYPE",
    p2("message Item {\n  optional string name = 1;\n}"),
    p2("message Item {\n  optional string name = 1 [ctype = CORD];\n}"),
)
case(
    "field_same_cpp_string_type.safe_piece_to_string",
    "FIELD_SAME_CPP_STRING_TYPE",
    p2("message Item {\n  optional bytes data = 1 [ctype = STRING_PIECE];\n}"),
    p2("message Item {\n  optional bytes data = 1;\n}"),
    breaks=False,
)
CPP_IMPORT = 'import "google/protobuf/cpp_features.proto";\n'
case(
    "field_same_cpp_string_type.feature",
    "FIELD_SAME_CPP_STRING_TYPE",
    ed("message Item {\n  string name = 1;\n}", header=CPP_IMPORT),
    ed("message Item {\n  string name = 1 [features.(pb.cpp).string_type = CORD];\n}", header=CPP_IMPORT),
)
case(
    "field_same_cpp_string_type.string_to_piece",
    "FIELD_SAME_CPP_STRING_TYPE",
    p2("message Item {\n  optional string name = 1;\n}"),
    p2("message Item {\n  optional string name = 1 [ctype = STRING_PIECE];\n}"),
)
case(
    "field_same_java_utf8_validation",
    "FIELD_SAME_JAVA_UTF8_VALIDATION",
    p2("message Item {\n  optional string name = 1;\n}"),
    p2("message Item {\n  optional string name = 1;\n}", header="option java_string_check_utf8 = true;\n"),
)
JAVA_IMPORT = 'import "google/protobuf/java_features.proto";\noption features.utf8_validation = NONE;\n'
case(
    "field_same_java_utf8_validation.feature",
    "FIELD_SAME_JAVA_UTF8_VALIDATION",
    ed("message Item {\n  string name = 1;\n}", header=JAVA_IMPORT),
    ed(
        "message Item {\n  string name = 1 [features.(pb.java).utf8_validation = VERIFY];\n}",
        header=JAVA_IMPORT,
    ),
)
case(
    "field_same_java_utf8_validation.safe_proto3",
    "FIELD_SAME_JAVA_UTF8_VALIDATION",
    p3("message Item {\n  string name = 1;\n}"),
    p3("message Item {\n  string name = 1;\n}", header="option java_string_check_utf8 = true;\n"),
    breaks=False,
)
case(
    "field_same_utf8_validation",
    "FIELD_SAME_UTF8_VALIDATION",
    ed("message Item {\n  string name = 1;\n}"),
    ed("message Item {\n  string name = 1 [features.utf8_validation = NONE];\n}"),
)
case(
    "field_same_utf8_validation.proto3_to_proto2",
    "FIELD_SAME_UTF8_VALIDATION",
    p3("message Item {\n  string name = 1;\n}"),
    p2("message Item {\n  optional string name = 1;\n}"),
)
case(
    "field_same_utf8_validation.safe_bytes",
    "FIELD_SAME_UTF8_VALIDATION",
    ed("message Item {\n  bytes name = 1;\n}"),
    ed("message Item {\n  bytes name = 1;\n}", header="option features.utf8_validation = NONE;\n"),
    breaks=False,
)

# --- files ---------------------------------------------------------------------------------------------------

FILE_OPTIONS = {
    "cc_enable_arenas": ("", "option cc_enable_arenas = false;"),
    "cc_generic_services": ("", "option cc_generic_services = true;"),
    "csharp_namespace": (
        'option csharp_namespace = "Corpus.V1";',
        'option csharp_namespace = "Corpus.Other";',
    ),
    "go_package": (
        'option go_package = "example.com/corpus/v1";',
        'option go_package = "example.com/other/v1";',
    ),
    "java_generic_services": ("", "option java_generic_services = true;"),
    "java_multiple_files": ("option java_multiple_files = true;", ""),
    "java_outer_classname": (
        'option java_outer_classname = "AProto";',
        'option java_outer_classname = "BProto";',
    ),
    "java_package": (
        'option java_package = "com.example.corpus";',
        'option java_package = "com.example.other";',
    ),
    "objc_class_prefix": ('option objc_class_prefix = "CVX";', 'option objc_class_prefix = "CVY";'),
    "optimize_for": ("", "option optimize_for = CODE_SIZE;"),
    "php_class_prefix": ('option php_class_prefix = "C";', 'option php_class_prefix = "D";'),
    "php_metadata_namespace": ("", 'option php_metadata_namespace = "Corpus\\\\Meta";'),
    "php_namespace": ('option php_namespace = "Corpus\\\\V1";', 'option php_namespace = "Corpus\\\\V2";'),
    "py_generic_services": ("", "option py_generic_services = true;"),
    "ruby_package": ('option ruby_package = "Corpus::V1";', 'option ruby_package = "Corpus::V2";'),
    "swift_prefix": ('option swift_prefix = "CV";', 'option swift_prefix = "CW";'),
}
for option, (before, after) in FILE_OPTIONS.items():
    rule_id = "FILE_SAME_" + option.upper()
    case(f"file_same_{option}", rule_id, p2("message A {}", header=before), p2("message A {}", header=after))
    case(
        f"file_same_{option}.safe",
        rule_id,
        p2("message A {}", header=before),
        p2("message B {}\nmessage A {}", header=before),
        breaks=False,
    )
case(
    "file_same_go_package.removed",
    "FILE_SAME_GO_PACKAGE",
    p3("message A {}", header='option go_package = "example.com/corpus/v1";'),
    p3("message A {}"),
)
case(
    "file_same_optimize_for.lite",
    "FILE_SAME_OPTIMIZE_FOR",
    p3("message A {}", header="option optimize_for = SPEED;"),
    p3("message A {}", header="option optimize_for = LITE_RUNTIME;"),
)
case(
    "file_same_cc_enable_arenas.safe_explicit_default",
    "FILE_SAME_CC_ENABLE_ARENAS",
    p3("message A {}"),
    p3("message A {}", header="option cc_enable_arenas = true;"),
    breaks=False,
)
case(
    "file_same_syntax",
    "FILE_SAME_SYNTAX",
    p2("message A {\n  optional int32 x = 1;\n}"),
    p3("message A {\n  optional int32 x = 1;\n}"),
)
case(
    "file_same_syntax.editions",
    "FILE_SAME_SYNTAX",
    p3("message A {\n  int32 x = 1;\n}"),
    ed("message A {\n  int32 x = 1;\n}"),
)
case(
    "file_same_syntax.from_editions",
    "FILE_SAME_SYNTAX",
    ed("message A {\n  int32 x = 1;\n}"),
    p2("message A {\n  optional int32 x = 1;\n}"),
)
case(
    "file_same_syntax.safe",
    "FILE_SAME_SYNTAX",
    p3("message A {}"),
    p3("message A {}\nmessage B {}"),
    breaks=False,
)
case("file_same_package", "FILE_SAME_PACKAGE", p3("message A {}"), p3("message A {}", package="corpus.v2"))
case(
    "file_same_package.safe_other_file",
    "FILE_SAME_PACKAGE",
    {"a.proto": p3("message A {}")},
    {"a.proto": p3("message A {}"), "b.proto": p3("message B {}", package="corpus.v2")},
    breaks=False,
)

# --- services ------------------------------------------------------------------------------------------------

RPCS = SVC_MSG + "message Other {}\n"
case(
    "rpc_no_delete",
    "RPC_NO_DELETE",
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n  rpc List(Req) returns (Res);\n}"),
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
)
case(
    "rpc_no_delete.safe_added",
    "RPC_NO_DELETE",
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n  rpc List(Req) returns (Res);\n}"),
    breaks=False,
)
case(
    "rpc_same_client_streaming",
    "RPC_SAME_CLIENT_STREAMING",
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
    p3(RPCS + "service S {\n  rpc Get(stream Req) returns (Res);\n}"),
)
case(
    "rpc_same_client_streaming.to_unary",
    "RPC_SAME_CLIENT_STREAMING",
    p3(RPCS + "service S {\n  rpc Get(stream Req) returns (Res);\n}"),
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
)
case(
    "rpc_same_server_streaming",
    "RPC_SAME_SERVER_STREAMING",
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
    p3(RPCS + "service S {\n  rpc Get(Req) returns (stream Res);\n}"),
)
case(
    "rpc_same_server_streaming.safe_client_only",
    "RPC_SAME_SERVER_STREAMING",
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
    p3(RPCS + "service S {\n  rpc Get(stream Req) returns (Res);\n}"),
    breaks=False,
)
case(
    "rpc_same_request_type",
    "RPC_SAME_REQUEST_TYPE",
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
    p3(RPCS + "service S {\n  rpc Get(Other) returns (Res);\n}"),
)
case(
    "rpc_same_request_type.wkt",
    "RPC_SAME_REQUEST_TYPE",
    p3(
        RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}", header='import "google/protobuf/empty.proto";'
    ),
    p3(
        RPCS + "service S {\n  rpc Get(google.protobuf.Empty) returns (Res);\n}",
        header='import "google/protobuf/empty.proto";',
    ),
)
case(
    "rpc_same_response_type",
    "RPC_SAME_RESPONSE_TYPE",
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Other);\n}"),
)
case(
    "rpc_same_response_type.safe_request_only",
    "RPC_SAME_RESPONSE_TYPE",
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
    p3(RPCS + "service S {\n  rpc Get(Other) returns (Res);\n}"),
    breaks=False,
)
case(
    "rpc_same_idempotency_level",
    "RPC_SAME_IDEMPOTENCY_LEVEL",
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
    p3(
        RPCS
        + "service S {\n  rpc Get(Req) returns (Res) {\n    option idempotency_level = NO_SIDE_EFFECTS;\n  }\n}"
    ),
)
case(
    "rpc_same_idempotency_level.removed",
    "RPC_SAME_IDEMPOTENCY_LEVEL",
    p3(
        RPCS
        + "service S {\n  rpc Get(Req) returns (Res) {\n    option idempotency_level = IDEMPOTENT;\n  }\n}"
    ),
    p3(RPCS + "service S {\n  rpc Get(Req) returns (Res);\n}"),
)

# --- packages ------------------------------------------------------------------------------------------------

case(
    "package_message_no_delete",
    "PACKAGE_MESSAGE_NO_DELETE",
    {"a.proto": p3("message A {}\nmessage Gone {}"), "b.proto": p3("message B {}")},
    {"a.proto": p3("message A {}"), "b.proto": p3("message B {}")},
)
case(
    "package_message_no_delete.safe_moved",
    "PACKAGE_MESSAGE_NO_DELETE",
    {"a.proto": p3("message A {}\nmessage Moved {}"), "b.proto": p3("message B {}")},
    {"a.proto": p3("message A {}"), "b.proto": p3("message B {}\nmessage Moved {}")},
    breaks=False,
)
case(
    "package_message_no_delete.file_gone",
    "PACKAGE_MESSAGE_NO_DELETE",
    {"a.proto": p3("message A {}"), "b.proto": p3("message B {}")},
    {"a.proto": p3("message A {}")},
)
case(
    "package_enum_no_delete",
    "PACKAGE_ENUM_NO_DELETE",
    p3(
        "enum E {\n  E_UNSPECIFIED = 0;\n}\nenum F {\n  F_UNSPECIFIED = 0;\n}\nmessage A {\n  enum N {\n    N_UNSPECIFIED = 0;\n  }\n}"
    ),
    p3("enum F {\n  F_UNSPECIFIED = 0;\n}\nmessage A {}"),
)
case(
    "package_enum_no_delete.last_enum",
    "PACKAGE_ENUM_NO_DELETE",
    p3("enum E {\n  E_UNSPECIFIED = 0;\n}\nmessage A {}"),
    p3("message A {}"),
    breaks=False,  # buf only compares packages that still declare an enum
)
case(
    "package_enum_no_delete.safe_moved",
    "PACKAGE_ENUM_NO_DELETE",
    {"a.proto": p3("enum E {\n  E_UNSPECIFIED = 0;\n}"), "b.proto": p3("message B {}")},
    {"a.proto": p3("message A {}"), "b.proto": p3("message B {}\nenum E {\n  E_UNSPECIFIED = 0;\n}")},
    breaks=False,
)
case(
    "package_extension_no_delete",
    "PACKAGE_EXTENSION_NO_DELETE",
    p2(BASE_EXT + "extend Base {\n  optional int32 ext_a = 100;\n  optional int32 ext_b = 101;\n}"),
    p2(BASE_EXT + "extend Base {\n  optional int32 ext_b = 101;\n}"),
)
case(
    "package_extension_no_delete.last_extension",
    "PACKAGE_EXTENSION_NO_DELETE",
    p2(BASE_EXT + "extend Base {\n  optional int32 ext_a = 100;\n}"),
    p2(BASE_EXT),
    breaks=False,  # buf only compares packages that still declare an extension
)
case(
    "package_extension_no_delete.safe_moved",
    "PACKAGE_EXTENSION_NO_DELETE",
    {
        "a.proto": p2(BASE_EXT + "extend Base {\n  optional int32 ext_a = 100;\n}"),
        "b.proto": p2("", header='import "a.proto";'),
    },
    {
        "a.proto": p2(BASE_EXT),
        "b.proto": p2("extend Base {\n  optional int32 ext_a = 100;\n}", header='import "a.proto";'),
    },
    breaks=False,
)
case(
    "package_service_no_delete",
    "PACKAGE_SERVICE_NO_DELETE",
    p3(SVC_MSG + "service S {\n  rpc Get(Req) returns (Res);\n}"),
    p3(SVC_MSG),
)
case(
    "package_service_no_delete.safe_moved",
    "PACKAGE_SERVICE_NO_DELETE",
    {
        "a.proto": p3(SVC_MSG + "service S {\n  rpc Get(Req) returns (Res);\n}"),
        "b.proto": p3("", header='import "a.proto";'),
    },
    {
        "a.proto": p3(SVC_MSG),
        "b.proto": p3("service S {\n  rpc Get(Req) returns (Res);\n}", header='import "a.proto";'),
    },
    breaks=False,
)
case(
    "package_no_delete",
    "PACKAGE_NO_DELETE",
    {"a.proto": p3("message A {}"), "b.proto": p3("message B {}", package="corpus.extra.v1")},
    {"a.proto": p3("message A {}")},
)
case(
    "package_no_delete.renamed",
    "PACKAGE_NO_DELETE",
    {"a.proto": p3("message A {}")},
    {"a.proto": p3("message A {}", package="corpus.v2")},
)
case(
    "package_no_delete.safe_files_moved",
    "PACKAGE_NO_DELETE",
    {"a.proto": p3("message A {}"), "b.proto": p3("message B {}")},
    {"c.proto": p3("message A {}\nmessage B {}")},
    breaks=False,
)

# --- categories and configuration ----------------------------------------------------------------------------

MIXED_PREVIOUS = {
    "a.proto": p3(
        "message Item {\n  string name = 1;\n  int32 count = 2;\n  repeated string tags = 3;\n  int64 id = 4;\n}\n"
        "message Gone {}\nenum Color {\n  COLOR_UNSPECIFIED = 0;\n  RED = 1;\n}\n"
        "service S {\n  rpc Get(Item) returns (Item);\n}",
        header='option go_package = "example.com/corpus/v1";',
    ),
    "b.proto": p3("message Helper {\n  string x = 1;\n}"),
}
MIXED_CURRENT = {
    "a.proto": p3(
        "message Item {\n  string title = 1;\n  uint32 count = 2;\n  string tags = 3;\n  reserved 4;\n}\n"
        "enum Color {\n  COLOR_UNSPECIFIED = 0;\n  ROT = 1;\n}\n"
        "service S {\n  rpc Get(Item) returns (stream Item);\n}",
        header='option go_package = "example.com/corpus/v1beta";',
    ),
    "c.proto": p3("message Helper {\n  string x = 1;\n}"),
}
for category in ("FILE", "PACKAGE", "WIRE_JSON", "WIRE", "CSR"):
    case(f"category_{category.lower()}", category, MIXED_PREVIOUS, MIXED_CURRENT)
case("category_file_and_package", "FILE", MIXED_PREVIOUS, MIXED_CURRENT, use=("FILE", "PACKAGE"))
case(
    "category_wire_json_and_rule",
    "WIRE_JSON",
    MIXED_PREVIOUS,
    MIXED_CURRENT,
    use=("WIRE_JSON", "FIELD_SAME_NAME"),
)
case(
    "config_except",
    "FILE",
    MIXED_PREVIOUS,
    MIXED_CURRENT,
    extra_config="  except:\n    - FIELD_SAME_NAME\n    - FILE_SAME_GO_PACKAGE\n",
)
case(
    "config_except_category",
    "PACKAGE",
    MIXED_PREVIOUS,
    MIXED_CURRENT,
    use=("PACKAGE",),
    extra_config="  except: [WIRE]\n",
)
case("config_ignore_file", "FILE", MIXED_PREVIOUS, MIXED_CURRENT, extra_config="  ignore:\n    - a.proto\n")
case(
    "config_ignore_only",
    "FILE",
    MIXED_PREVIOUS,
    MIXED_CURRENT,
    extra_config="  ignore_only:\n    FIELD_SAME_TYPE:\n      - a.proto\n    WIRE:\n      - a.proto\n",
)
UNSTABLE_PREV = {
    "alpha/a.proto": p3("message A {\n  string x = 1;\n}", package="corpus.v1alpha1"),
    "stable/b.proto": p3("message B {\n  string x = 1;\n}", package="corpus.v1"),
}
UNSTABLE_CUR = {
    "alpha/a.proto": p3("message A {\n  int32 x = 1;\n}", package="corpus.v1alpha1"),
    "stable/b.proto": p3("message B {\n  int32 x = 1;\n}", package="corpus.v1"),
}
case(
    "config_ignore_unstable_packages",
    "FILE",
    UNSTABLE_PREV,
    UNSTABLE_CUR,
    extra_config="  ignore_unstable_packages: true\n",
)
case("config_unstable_not_ignored", "FILE", UNSTABLE_PREV, UNSTABLE_CUR)
case("config_ignore_dir", "FILE", UNSTABLE_PREV, UNSTABLE_CUR, extra_config="  ignore: [stable]\n")
case(
    "config_unstable_beta",
    "FILE",
    {"a.proto": p3("message A {\n  string x = 1;\n}", package="corpus.v2beta1")},
    {"a.proto": p3("message A {\n  int32 x = 1;\n}", package="corpus.v2beta1")},
    breaks=False,
    extra_config="  ignore_unstable_packages: true\n",
)

# --- proto2 and editions all-rounders ---------------------------------------------------------------------------

P2_PREVIOUS = p2(
    "message Order {\n  required string id = 1;\n  optional int32 qty = 2 [default = 1];\n"
    "  repeated string notes = 3;\n  optional group Extra = 4 {\n    optional string k = 5;\n  }\n"
    "  extensions 100 to 199;\n}\nextend Order {\n  optional string origin = 100;\n}\n"
    "enum Status {\n  STATUS_NEW = 1;\n  STATUS_DONE = 2;\n}"
)
P2_CURRENT = p2(
    "message Order {\n  optional string id = 1;\n  optional int32 qty = 2 [default = 2];\n"
    "  repeated string notes = 3 [packed = false];\n  message Extra {\n    optional string k = 5;\n  }\n"
    "  optional Extra extra = 4;\n  extensions 100 to 150;\n}\n"
    "enum Status {\n  STATUS_NEW = 1;\n}"
)
ED_PREVIOUS = ed(
    "message Order {\n  string id = 1;\n  int32 qty = 2 [features.field_presence = IMPLICIT];\n"
    "  Line line = 3;\n  string note = 4;\n}\nmessage Line {\n  int32 n = 1;\n}\n"
    "enum Status {\n  STATUS_UNSPECIFIED = 0;\n  STATUS_DONE = 1;\n}"
)
ED_CURRENT = ed(
    "message Order {\n  string id = 1 [features.field_presence = LEGACY_REQUIRED];\n  int32 qty = 2;\n"
    "  Line line = 3 [features.message_encoding = DELIMITED];\n  string note = 4 [features.utf8_validation = NONE];\n}\n"
    "message Line {\n  int32 n = 1;\n}\n"
    "enum Status {\n  option features.enum_type = CLOSED;\n  STATUS_UNSPECIFIED = 0;\n  STATUS_DONE = 1;\n}"
)
for category in ("FILE", "PACKAGE", "WIRE_JSON", "WIRE"):
    case(f"proto2_all_{category.lower()}", category, P2_PREVIOUS, P2_CURRENT)
    case(f"editions_all_{category.lower()}", category, ED_PREVIOUS, ED_CURRENT)
case(
    "proto2_to_editions_file",
    "FILE",
    P2_PREVIOUS,
    ed(
        "message Order {\n  string id = 1 [features.field_presence = LEGACY_REQUIRED];\n"
        "  int32 qty = 2 [default = 1];\n  repeated string notes = 3 [features.repeated_field_encoding = EXPANDED];\n"
        "  message Extra {\n    string k = 5;\n  }\n  Extra extra = 4 [features.message_encoding = DELIMITED];\n"
        "  extensions 100 to 199;\n}\nextend Order {\n  string origin = 100;\n}\n"
        "enum Status {\n  option features.enum_type = CLOSED;\n  STATUS_NEW = 1;\n  STATUS_DONE = 2;\n}",
        header="option features.utf8_validation = NONE;\noption features.json_format = LEGACY_BEST_EFFORT;\n",
    ),
    breaks=True,
)
case(
    "proto3_to_editions_safe",
    "WIRE",
    p3("message Order {\n  string id = 1;\n  optional int32 qty = 2;\n  repeated int32 codes = 3;\n}"),
    ed(
        "message Order {\n  string id = 1 [features.field_presence = IMPLICIT];\n  int32 qty = 2;\n  repeated int32 codes = 3;\n}"
    ),
    breaks=False,
)
case("no_change_file", "FILE", MIXED_PREVIOUS, MIXED_PREVIOUS, breaks=False)
case("no_change_proto2", "FILE", P2_PREVIOUS, P2_PREVIOUS, breaks=False)
case("no_change_editions", "FILE", ED_PREVIOUS, ED_PREVIOUS, breaks=False)

# --- edition 2024 and inherited features ------------------------------------------------------------------------

STRINGS = "message A {\n  string s = 1;\n  bytes b = 2;\n}\nenum E {\n  E_UNSPECIFIED = 0;\n}"
case(
    "field_same_cpp_string_type.edition_2024_default",
    "FIELD_SAME_CPP_STRING_TYPE",
    ed(STRINGS),
    ed(STRINGS, edition="2024"),
)
case(
    "file_same_syntax.safe_edition_2023_to_2024",
    "FILE_SAME_SYNTAX",
    ed(STRINGS),
    ed(STRINGS, edition="2024"),
    breaks=False,
)
case(
    "field_same_cpp_string_type.edition_2024_feature",
    "FIELD_SAME_CPP_STRING_TYPE",
    ed(STRINGS, edition="2024", header=CPP_IMPORT),
    ed(
        STRINGS.replace("string s = 1;", "string s = 1 [features.(pb.cpp).string_type = CORD];"),
        edition="2024",
        header=CPP_IMPORT,
    ),
)
case(
    "field_same_cardinality.file_feature",
    "FIELD_SAME_CARDINALITY",
    ed("message M {\n  int32 a = 1;\n  repeated int32 r = 2;\n  M m = 3;\n}"),
    ed(
        "message M {\n  int32 a = 1;\n  repeated int32 r = 2;\n  M m = 3;\n}",
        header="option features.field_presence = IMPLICIT;\n",
    ),
)
case(
    "message_same_json_format.nested_inherits",
    "MESSAGE_SAME_JSON_FORMAT",
    ed("message M {\n  message N {\n    int32 x = 1;\n  }\n}"),
    ed(
        "message M {\n  option features.json_format = LEGACY_BEST_EFFORT;\n  message N {\n    int32 x = 1;\n  }\n}"
    ),
)
case(
    "field_same_type.delimited_file_feature",
    "FIELD_SAME_TYPE",
    ed(
        "message P {\n  int32 x = 1;\n}\nmessage M {\n  P p = 1;\n  repeated P ps = 2;\n  map<string, P> mp = 3;\n}"
    ),
    ed(
        "message P {\n  int32 x = 1;\n}\nmessage M {\n  P p = 1;\n  repeated P ps = 2;\n  map<string, P> mp = 3;\n}",
        header="option features.message_encoding = DELIMITED;\n",
    ),
)
case(
    "field_same_default.proto2_enum_first_value",
    "FIELD_SAME_DEFAULT",
    p2("enum E {\n  E_A = 5;\n  E_B = 6;\n}\nmessage Item {\n  optional E kind = 1;\n}"),
    p2("enum E {\n  E_B = 6;\n  E_A = 5;\n}\nmessage Item {\n  optional E kind = 1;\n}"),
)
case(
    "field_same_default.bytes",
    "FIELD_SAME_DEFAULT",
    p2('message Item {\n  optional bytes b = 1 [default = "\\001\\002"];\n}'),
    p2('message Item {\n  optional bytes b = 1 [default = "\\001\\003"];\n}'),
)
case(
    "field_same_default.safe_float_to_double",
    "FIELD_SAME_DEFAULT",
    p2("message Item {\n  optional float f = 1 [default = 0.1];\n}"),
    p2("message Item {\n  optional double f = 1 [default = 0.1];\n}"),
    breaks=False,
)
case(
    "field_same_default.inf_nan",
    "FIELD_SAME_DEFAULT",
    p2(
        "message Item {\n  optional double a = 1 [default = inf];\n  optional double b = 2 [default = nan];\n}"
    ),
    p2(
        "message Item {\n  optional double a = 1 [default = -inf];\n  optional double b = 2 [default = nan];\n}"
    ),
)

# --- found by differential fuzzing against buf ---------------------------------------------------------------

case(
    "field_same_utf8_validation.map_key",
    "FIELD_SAME_UTF8_VALIDATION",
    p2("message M {\n  map<string, string> tags = 1;\n}"),
    ed("message M {\n  map<string, string> tags = 1;\n}"),
)
case(
    "field_same_java_utf8_validation.map_value",
    "FIELD_SAME_JAVA_UTF8_VALIDATION",
    p2("message M {\n  map<int32, string> names = 1;\n}"),
    ed("message M {\n  map<int32, string> names = 1;\n}"),
)


# --- older buf.yaml versions -------------------------------------------------------------------------------------

for version in ("v1", "v1beta1"):
    for category in ("FILE", "PACKAGE", "WIRE_JSON", "WIRE"):
        case(f"config_{version}_{category.lower()}", category, MIXED_PREVIOUS, MIXED_CURRENT, version=version)
    case(f"config_{version}_proto2_file", "FILE", P2_PREVIOUS, P2_CURRENT, version=version)
case(
    "config_v1_no_field_same_default",
    "FILE",
    p2("message Item {\n  optional int32 size = 1 [default = 5];\n}"),
    p2("message Item {\n  optional int32 size = 1 [default = 6];\n}"),
    breaks=False,
    version="v1",  # FIELD_SAME_DEFAULT is a v2 rule
)
