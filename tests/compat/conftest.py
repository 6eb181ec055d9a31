"""Shared helpers for the compat tests: write small modules and git repositories in tmp_path."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.tools import ROOT, tool

PAGEMESH = ROOT / ".venv" / "bin" / "pagemesh"

WriteTree = Callable[[Path, dict[str, str]], Path]


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def pagemesh(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(PAGEMESH), "compat", *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def buf(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The pinned buf; `env` replaces the environment (None: inherit it)."""
    return subprocess.run([tool("buf"), *args], cwd=cwd, capture_output=True, text=True, check=False, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository with an identity, on branch main."""
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "compat@example.com")
    git(tmp_path, "config", "user.name", "compat tests")
    git(tmp_path, "config", "commit.gpgsign", "false")
    return tmp_path


def commit(repo: Path, files: dict[str, str], message: str, tag: str = "") -> None:
    write_tree(repo, files)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    if tag:
        git(repo, "tag", tag)
