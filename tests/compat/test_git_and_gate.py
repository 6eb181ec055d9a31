"""Git inputs, multi-baseline runs and the `make compat` gate, in throwaway repositories."""

from __future__ import annotations

import subprocess
from pathlib import Path

from compat._gate import GateBaseline, gate_baseline
from tests.compat.conftest import commit, git, pagemesh
from tests.tools import ROOT

BUF_YAML = "version: v2\nmodules:\n  - path: proto\nbreaking:\n  use: [FILE]\n"
PROTO = "proto/shop/v1/shop.proto"


def shop(fields: str) -> str:
    return f'syntax = "proto3";\n\npackage shop.v1;\n\nmessage Item {{\n{fields}}}\n'


V1 = shop("  string name = 1;\n  int32 size = 2;\n")
V1_SIZE_DELETED = shop("  string name = 1;\n  reserved 2;\n")
SIZE_AS_STRING = shop("  string name = 1;\n  string size = 2;\n")


def test_git_refs_branches_tags_and_subdir(repo: Path) -> None:
    commit(repo, {"buf.yaml": BUF_YAML, PROTO: V1}, "v1", tag="v1.0.0")
    commit(repo, {PROTO: SIZE_AS_STRING}, "break")
    for against in (".git#ref=HEAD~1", ".git#tag=v1.0.0", ".git#branch=main"):
        result = pagemesh(repo, "--against", against)
        expected = 0 if "branch" in against else 100  # the branch tip is the current tree
        assert result.returncode == expected, (against, result.stderr)
    by_subdir = pagemesh(repo, "proto", "--against", ".git#ref=HEAD~1,subdir=proto")
    assert by_subdir.returncode == 100
    assert by_subdir.stdout.startswith("proto/shop/v1/shop.proto:7:3:")


def test_against_tags_catches_a_change_spread_over_releases(repo: Path) -> None:
    commit(repo, {"buf.yaml": BUF_YAML, PROTO: V1}, "v1", tag="v1.0.0")
    commit(repo, {PROTO: V1_SIZE_DELETED}, "delete size, reserve 2", tag="v1.1.0")
    write_current = repo / PROTO
    write_current.write_text(SIZE_AS_STRING, encoding="utf-8")
    latest_only = pagemesh(repo, "--against", ".git#tag=v1.1.0")
    assert "changed type" not in latest_only.stdout  # the re-added field looks new against v1.1.0
    every_release = pagemesh(repo, "--against-tags", "v*")
    assert every_release.returncode == 100
    assert 'changed type from "int32" to "string". (against tag "v1.0.0")' in every_release.stdout
    assert '(against tag "v1.1.0")' in every_release.stdout
    none = pagemesh(repo, "--against-tags", "release-*")
    assert none.returncode == 0
    assert "no git tag matches" in none.stderr


def test_gate_passes_on_a_single_commit(repo: Path) -> None:
    commit(repo, {"buf.yaml": BUF_YAML, PROTO: V1}, "only commit")
    (repo / PROTO).write_text(SIZE_AS_STRING, encoding="utf-8")
    result = pagemesh(repo, "--gate")
    assert result.returncode == 0
    assert "single commit" in result.stderr


def test_gate_passes_when_the_base_has_no_contracts(repo: Path) -> None:
    commit(repo, {"README": "hello\n"}, "before contracts")
    commit(repo, {"buf.yaml": BUF_YAML, PROTO: V1}, "contracts")
    result = pagemesh(repo, "--gate")
    assert result.returncode == 0
    assert "no buf.yaml" in result.stderr


def test_gate_on_main_compares_with_the_previous_commit(repo: Path) -> None:
    commit(repo, {"buf.yaml": BUF_YAML, PROTO: V1}, "v1")
    commit(repo, {PROTO: SIZE_AS_STRING}, "break")
    result = pagemesh(repo, "--gate", "--format", "github-actions")
    assert result.returncode == 100
    assert result.stdout.startswith("::error file=proto/shop/v1/shop.proto,line=7,col=3,")
    assert "against HEAD~1" in result.stderr


def test_gate_on_a_branch_uses_the_merge_base_with_main(repo: Path) -> None:
    commit(repo, {"buf.yaml": BUF_YAML, PROTO: V1}, "v1")
    git(repo, "checkout", "-q", "-b", "feature")
    commit(repo, {PROTO: SIZE_AS_STRING}, "break on the branch")
    commit(repo, {"notes.txt": "more\n"}, "an unrelated commit after it")  # HEAD~1 alone would miss the break
    result = pagemesh(repo, "--gate")
    assert result.returncode == 100
    assert "merge base with main" in result.stderr
    override = pagemesh(repo, "--gate", "--against", "HEAD~1")
    assert override.returncode == 0


def test_make_compat_passes_on_this_repository() -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "compat"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_gate_takes_every_image_suffix_the_loader_takes(repo: Path) -> None:
    commit(repo, {"buf.yaml": BUF_YAML, PROTO: V1}, "v1")
    for image in ("old.binpb", "old.bin", "old.pb"):
        assert gate_baseline(image, repo) == GateBaseline(image, image)
    assert gate_baseline("HEAD", repo).against == f".git#ref={git(repo, 'rev-parse', 'HEAD')}"
