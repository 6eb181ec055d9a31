"""What pagemesh adds to buf: ignore comments with reasons, versioning hints, unstable packages."""

from __future__ import annotations

from pathlib import Path

from compat import run_check
from tests.compat.conftest import pagemesh, write_tree

CONFIG = "version: v2\nbreaking:\n  use: [FILE]\n"


def pair(tmp_path: Path, package: str, previous: str, current: str, config: str = CONFIG) -> Path:
    header = f'syntax = "proto3";\n\npackage {package};\n\n'
    write_tree(tmp_path / "previous", {"buf.yaml": config, "a.proto": header + previous})
    write_tree(tmp_path / "current", {"buf.yaml": config, "a.proto": header + current})
    return tmp_path


ITEM = "message Item {\n  string name = 1;\n  int32 size = 2;\n}\n"
ITEM_SIZE_STRING = (
    "message Item {\n  string name = 1;\n"
    "  // pagemesh:compat:ignore FIELD_SAME_TYPE REASON\n  string size = 2;\n}\n"
)


def item_size_string(reason: str) -> str:
    return ITEM_SIZE_STRING.replace(" REASON", reason)


def test_ignore_comment_with_a_reason_suppresses_and_is_reported(tmp_path: Path) -> None:
    current = item_size_string(" sizes were always sent as text")
    pair(tmp_path, "shop.v1", ITEM, current)
    result = run_check("current", "previous", cwd=tmp_path)
    assert result.findings == []
    assert [(i.finding.rule, i.reason) for i in result.ignored] == [
        ("FIELD_SAME_TYPE", "sizes were always sent as text")
    ]
    cli = pagemesh(tmp_path, "current", "--against", "previous")
    assert cli.returncode == 0
    assert "FIELD_SAME_TYPE: sizes were always sent as text" in cli.stderr


def test_ignore_comment_without_a_reason_is_not_honoured(tmp_path: Path) -> None:
    pair(tmp_path, "shop.v1", ITEM, item_size_string(""))
    result = run_check("current", "previous", cwd=tmp_path)
    assert [f.rule for f in result.findings] == ["FIELD_SAME_TYPE"]
    assert len(result.comment_problems) == 1
    assert "has no reason" in result.comment_problems[0]


def test_ignore_comment_names_one_rule_only(tmp_path: Path) -> None:
    current = item_size_string(" text is fine").replace("string size = 2", "string width = 2")
    pair(tmp_path, "shop.v1", ITEM, current)
    result = run_check("current", "previous", cwd=tmp_path)
    assert sorted(f.rule for f in result.findings) == ["FIELD_SAME_JSON_NAME", "FIELD_SAME_NAME"]


def test_ignore_comment_on_a_deleted_element_in_the_previous_version(tmp_path: Path) -> None:
    previous = (
        "message Item {\n  string name = 1;\n"
        "  // pagemesh:compat:ignore FIELD_NO_DELETE never shipped\n  int32 size = 2;\n}\n"
    )
    pair(tmp_path, "shop.v1", previous, "message Item {\n  string name = 1;\n}\n")
    result = run_check("current", "previous", cwd=tmp_path)
    assert result.findings == []
    assert [i.reason for i in result.ignored] == ["never shipped"]


def test_stable_package_gets_the_new_version_hint(tmp_path: Path) -> None:
    pair(tmp_path, "shop.v1", ITEM, "message Item {\n  string name = 1;\n}\n")
    result = pagemesh(tmp_path, "current", "--against", "previous")
    assert result.returncode == 100
    assert 'add a new package "shop.v2" beside it' in result.stderr


def test_the_hint_names_a_version_that_is_not_taken_yet(tmp_path: Path) -> None:
    pair(tmp_path, "shop.v1", ITEM, "message Item {\n  string name = 1;\n}\n")
    v2 = 'syntax = "proto3";\n\npackage shop.v2;\n\n' + ITEM
    write_tree(tmp_path / "previous", {"v2.proto": v2})
    write_tree(tmp_path / "current", {"v2.proto": v2})
    result = pagemesh(tmp_path, "current", "--against", "previous")
    assert result.returncode == 100
    assert 'add a new package "shop.v3" beside it and keep "shop.v1" served unchanged' in result.stderr


def test_unstable_package_may_break_when_configured(tmp_path: Path) -> None:
    broken = "message Item {\n  string name = 1;\n}\n"
    pair(tmp_path / "strict", "shop.v1beta1", ITEM, broken)
    strict = pagemesh(tmp_path / "strict", "current", "--against", "previous")
    assert strict.returncode == 100
    assert "ignore_unstable_packages" in strict.stderr
    relaxed = CONFIG + "  ignore_unstable_packages: true\n"
    pair(tmp_path / "relaxed", "shop.v1beta1", ITEM, broken, config=relaxed)
    assert pagemesh(tmp_path / "relaxed", "current", "--against", "previous").returncode == 0
