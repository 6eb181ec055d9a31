"""The command line: inputs, output formats against buf's, exit codes and one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from compat import RULES
from tests.compat.build_corpus import CORPUS
from tests.compat.conftest import buf, commit, pagemesh, write_tree

PAIR = ("current/category_file", "--against", "previous/category_file")
HEADER = 'syntax = "proto3";\n\npackage shop.v1;\n\n'
MODULE = {"buf.yaml": "version: v2\n", "shop.proto": HEADER + "message Item {\n  string name = 1;\n}\n"}


@pytest.mark.parametrize("output_format", ["text", "json", "msvs", "junit", "github-actions"])
def test_output_formats_equal_bufs(output_format: str) -> None:
    ours = pagemesh(CORPUS, *PAIR, "--format", output_format)
    theirs = buf(CORPUS, "breaking", *PAIR, "--error-format", output_format)
    assert (ours.returncode, theirs.returncode) == (100, 100)
    assert ours.stdout == theirs.stdout


def test_gitlab_code_quality_equals_bufs_except_fingerprints() -> None:
    ours = json.loads(pagemesh(CORPUS, *PAIR, "--format", "gitlab-code-quality").stdout)
    theirs = json.loads(buf(CORPUS, "breaking", *PAIR, "--error-format", "gitlab-code-quality").stdout)
    for issue in (*ours, *theirs):
        assert len(issue.pop("fingerprint")) == 128
    assert ours == theirs


def test_sarif_lists_every_finding_with_its_rule() -> None:
    log = json.loads(pagemesh(CORPUS, *PAIR, "--format", "sarif").stdout)
    run = log["runs"][0]
    text = pagemesh(CORPUS, *PAIR).stdout.splitlines()
    assert log["version"] == "2.1.0"
    assert len(run["results"]) == len(text)
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]


@pytest.mark.parametrize("output_format", ["text", "json", "junit", "gitlab-code-quality"])
def test_compatible_change_exits_zero_and_prints_nothing(output_format: str) -> None:
    pair = ("current/no_change_file", "--against", "previous/no_change_file", "--format", output_format)
    result = pagemesh(CORPUS, *pair)
    assert (result.returncode, result.stdout) == (0, "")
    sarif = json.loads(pagemesh(CORPUS, *pair[:3], "--format", "sarif").stdout)
    assert sarif["runs"][0]["results"] == []


def test_list_rules_prints_all_64_with_categories() -> None:
    result = pagemesh(CORPUS, "--list-rules")
    lines = result.stdout.splitlines()
    assert result.returncode == 0
    assert len(lines) == 65
    assert {line.split()[0] for line in lines[1:]} == {rule.id for rule in RULES}
    assert re.search(
        r"^FIELD_SAME_DEFAULT\s+CSR, FILE, PACKAGE, WIRE_JSON, WIRE\s+Checks that", result.stdout, re.M
    )


def test_rules_and_categories_equal_bufs() -> None:
    listing = buf(CORPUS, "config", "ls-breaking-rules", "--version", "v2").stdout.splitlines()[1:]
    theirs = {}
    for line in listing:
        rule_id, rest = line.split(maxsplit=1)
        categories = re.split(r"\s{2,}", rest.strip())[0]
        theirs[rule_id] = tuple(categories.split(", "))
    assert {rule.id: rule.categories for rule in RULES} == theirs


def _one_line_error(result: subprocess.CompletedProcess[str], pattern: str) -> None:
    assert result.returncode == 1
    stderr = result.stderr
    assert stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    assert re.search(pattern, stderr), stderr


def test_proto_that_does_not_compile_shows_the_compilers_location(tmp_path: Path) -> None:
    write_tree(
        tmp_path / "bad",
        {"buf.yaml": "version: v2\n", "a.proto": HEADER + "message A {\n  strin x = 1;\n}\n"},
    )
    write_tree(tmp_path / "good", MODULE)
    _one_line_error(pagemesh(tmp_path, "bad", "--against", "good"), r"^pagemesh compat: bad/a\.proto:6:3: ")


def test_missing_import_is_one_line(tmp_path: Path) -> None:
    files = {"buf.yaml": "version: v2\n", "a.proto": HEADER + 'import "nope.proto";\n'}
    write_tree(tmp_path / "bad", files)
    _one_line_error(pagemesh(tmp_path, "bad", "--against", "bad"), r"nope\.proto")


@pytest.mark.parametrize(
    ("args", "pattern"),
    [
        (("missing", "--against", "good"), r'Input "missing" does not exist'),
        (("good", "--against", ".git#ref=no-such-ref"), r'Unknown git ref "no-such-ref"|Git repository'),
        (("good",), r"exactly one of --against or --against-tags"),
        (("good", "--against", "good", "--format", "xml"), r"invalid choice: 'xml'"),
        (
            ("good", "--against", "good", "--config", "{version: v2, breaking: {use: [NOPE]}}"),
            r'"NOPE" is not a known rule or category ID',
        ),
        (("good", "--against", "image.binpb"), r'"image.binpb" is not a binary FileDescriptorSet'),
        (("good", "--against", "good", "--bogus"), r"unrecognized arguments"),
    ],
)
def test_bad_input_or_usage_is_one_line_and_exit_1(
    tmp_path: Path, args: tuple[str, ...], pattern: str
) -> None:
    write_tree(tmp_path / "good", MODULE)
    (tmp_path / "image.binpb").write_bytes(b"\xff\xff\xff not protobuf")
    _one_line_error(pagemesh(tmp_path, *args), pattern)


def test_a_git_input_without_protos_is_named_as_given(repo: Path) -> None:
    commit(repo, {"README.md": "no contracts here\n"}, "docs only")
    write_tree(repo / "good", MODULE)
    result = pagemesh(repo, "good", "--against", ".git#branch=main")
    _one_line_error(result, r'Input "\.git#branch=main" contains no \.proto files')
    assert "pagemesh-compat-git" not in result.stderr


def test_images_from_buf_and_protoc_are_inputs(tmp_path: Path) -> None:
    pair = CORPUS / "current" / "category_file", CORPUS / "previous" / "category_file"
    assert buf(tmp_path, "build", str(pair[1]), "-o", "previous.binpb").returncode == 0
    ours = pagemesh(
        CORPUS, "current/category_file", "--against", str(tmp_path / "previous.binpb"), "--format", "json"
    )
    theirs = buf(CORPUS, "breaking", "current/category_file", "--against", str(tmp_path / "previous.binpb"))
    assert ours.returncode == 100
    assert theirs.returncode == 100
    assert ours.stdout == buf(CORPUS, "breaking", *PAIR, "--error-format", "json").stdout


def test_config_option_takes_a_path_or_inline_json(tmp_path: Path) -> None:
    (tmp_path / "only-type.yaml").write_text(
        "version: v2\nbreaking:\n  use: [FIELD_SAME_TYPE]\n", encoding="utf-8"
    )
    by_path = pagemesh(CORPUS, *PAIR, "--config", str(tmp_path / "only-type.yaml"))
    inline = pagemesh(
        CORPUS, *PAIR, "--config", '{"version": "v2", "breaking": {"use": ["FIELD_SAME_TYPE"]}}'
    )
    assert by_path.stdout == inline.stdout
    assert by_path.stdout.count("\n") == 1
    assert "FIELD_SAME_TYPE" not in by_path.stdout  # text format prints messages, not IDs
    assert 'changed type from "int32" to "uint32"' in by_path.stdout


@pytest.mark.parametrize(
    "rule_id", ["FIELD_SAME_LABEL", "FIELD_SAME_CTYPE", "FILE_SAME_JAVA_STRING_CHECK_UTF8"]
)
def test_deprecated_rule_ids_expand_as_bufs_do(rule_id: str) -> None:
    config = f"version: v1\nbreaking:\n  use: [{rule_id}]\n"
    ours = pagemesh(CORPUS, *PAIR, "--config", config, "--format", "json")
    theirs = buf(CORPUS, "breaking", *PAIR, "--config", config, "--error-format", "json")
    assert ours.returncode == theirs.returncode
    assert ours.stdout == theirs.stdout
    assert "deprecated" in ours.stderr
