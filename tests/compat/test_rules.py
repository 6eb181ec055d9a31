"""One test per rule: its primary corpus pair gives exactly these findings (file, span, rule ID).

The expected spans were checked against the real buf (test_corpus.py compares every record); here they are
pinned so a regression in one rule fails one named test, without needing buf.
"""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest

from compat import RULES, BreakingConfig, Image, check_images, load_image, parse_input, run_check
from tests.compat.build_corpus import CORPUS
from tests.compat.conftest import write_tree

Row = tuple[str | None, int, int, int, int, str]

EXPECTED: dict[str, list[Row]] = {
    "EXTENSION_NO_DELETE": [("a.proto", 1, 1, 1, 1, "EXTENSION_NO_DELETE")],
    "SERVICE_NO_DELETE": [("a.proto", 1, 1, 1, 1, "SERVICE_NO_DELETE")],
    "ENUM_NO_DELETE": [("a.proto", 1, 1, 1, 1, "ENUM_NO_DELETE")],
    "FILE_NO_DELETE": [(None, 1, 1, 1, 1, "FILE_NO_DELETE")],
    "MESSAGE_NO_DELETE": [("a.proto", 1, 1, 1, 1, "MESSAGE_NO_DELETE")],
    "ENUM_SAME_TYPE": [("a.proto", 6, 3, 6, 38, "ENUM_SAME_TYPE")],
    "FIELD_SAME_CARDINALITY": [
        ("a.proto", 6, 3, 6, 25, "FIELD_SAME_CARDINALITY"),
        ("a.proto", 7, 3, 7, 15, "FIELD_SAME_CARDINALITY"),
        ("a.proto", 8, 3, 8, 24, "FIELD_SAME_CARDINALITY"),
    ],
    "FIELD_SAME_CPP_STRING_TYPE": [("a.proto", 6, 29, 6, 41, "FIELD_SAME_CPP_STRING_TYPE")],
    "FIELD_SAME_JAVA_UTF8_VALIDATION": [("a.proto", 4, 1, 4, 38, "FIELD_SAME_JAVA_UTF8_VALIDATION")],
    "FIELD_SAME_JSTYPE": [("a.proto", 6, 17, 6, 35, "FIELD_SAME_JSTYPE")],
    "FIELD_SAME_UTF8_VALIDATION": [("a.proto", 6, 20, 6, 51, "FIELD_SAME_UTF8_VALIDATION")],
    "FILE_SAME_CC_ENABLE_ARENAS": [("a.proto", 4, 1, 4, 33, "FILE_SAME_CC_ENABLE_ARENAS")],
    "FILE_SAME_CC_GENERIC_SERVICES": [("a.proto", 4, 1, 4, 35, "FILE_SAME_CC_GENERIC_SERVICES")],
    "FILE_SAME_CSHARP_NAMESPACE": [("a.proto", 4, 1, 4, 42, "FILE_SAME_CSHARP_NAMESPACE")],
    "FILE_SAME_GO_PACKAGE": [("a.proto", 4, 1, 4, 44, "FILE_SAME_GO_PACKAGE")],
    "FILE_SAME_JAVA_GENERIC_SERVICES": [("a.proto", 4, 1, 4, 37, "FILE_SAME_JAVA_GENERIC_SERVICES")],
    "FILE_SAME_JAVA_MULTIPLE_FILES": [("a.proto", 1, 1, 1, 1, "FILE_SAME_JAVA_MULTIPLE_FILES")],
    "FILE_SAME_JAVA_OUTER_CLASSNAME": [("a.proto", 4, 1, 4, 40, "FILE_SAME_JAVA_OUTER_CLASSNAME")],
    "FILE_SAME_JAVA_PACKAGE": [("a.proto", 4, 1, 4, 43, "FILE_SAME_JAVA_PACKAGE")],
    "FILE_SAME_OBJC_CLASS_PREFIX": [("a.proto", 4, 1, 4, 34, "FILE_SAME_OBJC_CLASS_PREFIX")],
    "FILE_SAME_OPTIMIZE_FOR": [("a.proto", 4, 1, 4, 33, "FILE_SAME_OPTIMIZE_FOR")],
    "FILE_SAME_PHP_CLASS_PREFIX": [("a.proto", 4, 1, 4, 31, "FILE_SAME_PHP_CLASS_PREFIX")],
    "FILE_SAME_PHP_METADATA_NAMESPACE": [("a.proto", 4, 1, 4, 48, "FILE_SAME_PHP_METADATA_NAMESPACE")],
    "FILE_SAME_PHP_NAMESPACE": [("a.proto", 4, 1, 4, 37, "FILE_SAME_PHP_NAMESPACE")],
    "FILE_SAME_PY_GENERIC_SERVICES": [("a.proto", 4, 1, 4, 35, "FILE_SAME_PY_GENERIC_SERVICES")],
    "FILE_SAME_RUBY_PACKAGE": [("a.proto", 4, 1, 4, 36, "FILE_SAME_RUBY_PACKAGE")],
    "FILE_SAME_SWIFT_PREFIX": [("a.proto", 4, 1, 4, 28, "FILE_SAME_SWIFT_PREFIX")],
    "RPC_NO_DELETE": [("a.proto", 8, 1, 10, 2, "RPC_NO_DELETE")],
    "ENUM_VALUE_NO_DELETE": [("a.proto", 5, 1, 8, 2, "ENUM_VALUE_NO_DELETE")],
    "EXTENSION_MESSAGE_NO_DELETE": [("a.proto", 5, 1, 7, 2, "EXTENSION_MESSAGE_NO_DELETE")],
    "FIELD_NO_DELETE": [("a.proto", 5, 1, 8, 2, "FIELD_NO_DELETE")],
    "FIELD_SAME_TYPE": [("a.proto", 7, 3, 7, 8, "FIELD_SAME_TYPE")],
    "FILE_SAME_SYNTAX": [("a.proto", 1, 1, 1, 19, "FILE_SAME_SYNTAX")],
    "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR": [
        ("a.proto", 6, 3, 6, 49, "MESSAGE_NO_REMOVE_STANDARD_DESCRIPTOR_ACCESSOR")
    ],
    "ONEOF_NO_DELETE": [("a.proto", 5, 1, 8, 2, "ONEOF_NO_DELETE")],
    "ENUM_SAME_JSON_FORMAT": [("a.proto", 6, 3, 6, 52, "ENUM_SAME_JSON_FORMAT")],
    "ENUM_VALUE_SAME_NAME": [("a.proto", 8, 10, 8, 11, "ENUM_VALUE_SAME_NAME")],
    "FIELD_SAME_JSON_NAME": [("a.proto", 6, 20, 6, 39, "FIELD_SAME_JSON_NAME")],
    "FIELD_SAME_NAME": [("a.proto", 6, 10, 6, 15, "FIELD_SAME_NAME")],
    "MESSAGE_SAME_JSON_FORMAT": [("a.proto", 6, 3, 6, 52, "MESSAGE_SAME_JSON_FORMAT")],
    "FIELD_SAME_DEFAULT": [
        ("a.proto", 6, 28, 6, 39, "FIELD_SAME_DEFAULT"),
        ("a.proto", 7, 29, 7, 42, "FIELD_SAME_DEFAULT"),
    ],
    "FIELD_SAME_ONEOF": [("a.proto", 7, 5, 7, 21, "FIELD_SAME_ONEOF")],
    "FILE_SAME_PACKAGE": [("a.proto", 3, 1, 3, 19, "FILE_SAME_PACKAGE")],
    "MESSAGE_SAME_REQUIRED_FIELDS": [
        ("a.proto", 5, 1, 8, 2, "MESSAGE_SAME_REQUIRED_FIELDS"),
        ("a.proto", 7, 3, 7, 27, "MESSAGE_SAME_REQUIRED_FIELDS"),
    ],
    "RESERVED_ENUM_NO_DELETE": [
        ("a.proto", 5, 1, 9, 2, "RESERVED_ENUM_NO_DELETE"),
        ("a.proto", 5, 1, 9, 2, "RESERVED_ENUM_NO_DELETE"),
    ],
    "RESERVED_MESSAGE_NO_DELETE": [("a.proto", 5, 1, 9, 2, "RESERVED_MESSAGE_NO_DELETE")],
    "RPC_SAME_CLIENT_STREAMING": [("a.proto", 9, 3, 9, 37, "RPC_SAME_CLIENT_STREAMING")],
    "RPC_SAME_IDEMPOTENCY_LEVEL": [("a.proto", 10, 5, 10, 48, "RPC_SAME_IDEMPOTENCY_LEVEL")],
    "RPC_SAME_REQUEST_TYPE": [("a.proto", 9, 11, 9, 16, "RPC_SAME_REQUEST_TYPE")],
    "RPC_SAME_RESPONSE_TYPE": [("a.proto", 9, 25, 9, 30, "RPC_SAME_RESPONSE_TYPE")],
    "RPC_SAME_SERVER_STREAMING": [("a.proto", 9, 3, 9, 37, "RPC_SAME_SERVER_STREAMING")],
    "PACKAGE_ENUM_NO_DELETE": [
        ("a.proto", 1, 1, 1, 1, "PACKAGE_ENUM_NO_DELETE"),
        ("a.proto", 8, 1, 8, 13, "PACKAGE_ENUM_NO_DELETE"),
    ],
    "PACKAGE_EXTENSION_NO_DELETE": [("a.proto", 1, 1, 1, 1, "PACKAGE_EXTENSION_NO_DELETE")],
    "PACKAGE_MESSAGE_NO_DELETE": [("a.proto", 1, 1, 1, 1, "PACKAGE_MESSAGE_NO_DELETE")],
    "PACKAGE_NO_DELETE": [(None, 1, 1, 1, 1, "PACKAGE_NO_DELETE")],
    "PACKAGE_SERVICE_NO_DELETE": [("a.proto", 1, 1, 1, 1, "PACKAGE_SERVICE_NO_DELETE")],
    "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED": [
        ("a.proto", 5, 1, 8, 2, "ENUM_VALUE_NO_DELETE_UNLESS_NAME_RESERVED")
    ],
    "FIELD_NO_DELETE_UNLESS_NAME_RESERVED": [("a.proto", 5, 1, 9, 2, "FIELD_NO_DELETE_UNLESS_NAME_RESERVED")],
    "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY": [
        ("a.proto", 10, 3, 10, 25, "FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY")
    ],
    "FIELD_WIRE_JSON_COMPATIBLE_TYPE": [
        ("a.proto", 6, 3, 6, 8, "FIELD_WIRE_JSON_COMPATIBLE_TYPE"),
        ("a.proto", 7, 3, 7, 8, "FIELD_WIRE_JSON_COMPATIBLE_TYPE"),
    ],
    "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED": [
        ("a.proto", 5, 1, 8, 2, "ENUM_VALUE_NO_DELETE_UNLESS_NUMBER_RESERVED")
    ],
    "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED": [
        ("a.proto", 5, 1, 9, 2, "FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED")
    ],
    "FIELD_WIRE_COMPATIBLE_CARDINALITY": [("a.proto", 6, 3, 6, 25, "FIELD_WIRE_COMPATIBLE_CARDINALITY")],
    "FIELD_WIRE_COMPATIBLE_TYPE": [
        ("a.proto", 6, 3, 6, 9, "FIELD_WIRE_COMPATIBLE_TYPE"),
        ("a.proto", 7, 3, 7, 9, "FIELD_WIRE_COMPATIBLE_TYPE"),
    ],
}


def test_every_rule_has_a_pinned_case() -> None:
    assert set(EXPECTED) == {rule.id for rule in RULES}


@pytest.mark.parametrize("rule_id", sorted(EXPECTED))
def test_rule(rule_id: str) -> None:
    name = rule_id.lower()
    result = run_check(f"current/{name}", f"previous/{name}", cwd=CORPUS)
    rows = [
        (
            f.path.split("/", 2)[2] if f.path else None,
            f.start_line,
            f.start_column,
            f.end_line,
            f.end_column,
            f.rule,
        )
        for f in result.findings
    ]
    assert rows == EXPECTED[rule_id]


@pytest.mark.parametrize("rule_id", ["FIELD_SAME_NAME", "FIELD_SAME_TYPE", "ENUM_VALUE_SAME_NAME"])
def test_rule_runs_alone_when_selected(rule_id: str) -> None:
    """A rule's handler reports only under its own ID, whatever else changed in the pair."""
    name = "category_file"
    current, _ = load_image(parse_input(f"current/{name}"), CORPUS)
    previous, _ = load_image(parse_input(f"previous/{name}"), CORPUS)
    result = check_images(current, previous, BreakingConfig(use=(rule_id,)))
    assert result.findings
    assert {f.rule for f in result.findings} == {rule_id}


def test_messages_are_full_sentences_with_quoted_names() -> None:
    result = run_check("current/field_same_type", "previous/field_same_type", cwd=CORPUS)
    assert [f.message for f in result.findings] == [
        'Field "2" with name "count" on message "Item" changed type from "int64" to "int32".'
    ]
    result = run_check("current/file_no_delete", "previous/file_no_delete", cwd=CORPUS)
    assert [(f.path, f.message) for f in result.findings] == [
        (None, 'Previously present file "b.proto" was deleted.')
    ]


def test_one_current_image_against_several_previous_images(tmp_path: Path) -> None:
    """As with --against-tags: each previous image gets its own findings, and the pairs cached on the current
    image hold on to no earlier previous image, so memory does not grow with tags nor an id() get reused."""
    header = 'syntax = "proto3";\n\npackage shop.v1;\n\n'
    write_tree(tmp_path / "current", {"a.proto": header + "message Item {\n  int32 size = 1;\n}\n"})
    write_tree(tmp_path / "type", {"a.proto": header + "message Item {\n  int64 size = 1;\n}\n"})
    write_tree(tmp_path / "name", {"a.proto": header + "message Item {\n  int32 count = 1;\n}\n"})
    current, _ = load_image(parse_input("current"), tmp_path)
    expected = {"type": ["FIELD_SAME_TYPE"], "name": ["FIELD_SAME_JSON_NAME", "FIELD_SAME_NAME"]}
    earlier: list[weakref.ref[Image]] = []
    for baseline in ["type", "name"] * 2:
        previous, _ = load_image(parse_input(baseline), tmp_path)
        result = check_images(current, previous, BreakingConfig())
        assert [f.rule for f in result.findings] == expected[baseline]
        earlier.append(weakref.ref(previous))
        del previous, result
    gc.collect()  # images are reference cycles (a field knows its image)
    assert [ref() is None for ref in earlier] == [True, True, True, False]
