"""The git questions the checker asks, in one place: the gate, git inputs and --against-tags share them."""

from __future__ import annotations

import subprocess
from pathlib import Path

__all__ = ["git", "git_output", "resolve_commit", "tree_files"]


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Runs `git -C repo ARGS`; the caller looks at the return code."""
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)


def git_output(repo: Path, *args: str) -> str | None:
    """Stripped standard output of a git command, or None if it failed."""
    result = git(repo, *args)
    return result.stdout.decode("utf-8", "replace").strip() if result.returncode == 0 else None


def resolve_commit(repo: Path, ref: str) -> str | None:
    """The commit id `ref` names, or None if it names no commit."""
    return git_output(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")


def tree_files(repo: Path, commit: str) -> list[str]:
    """The path of every file in `commit`'s tree, unquoted (empty if git cannot list it)."""
    listing = git(repo, "ls-tree", "-r", "-z", "--name-only", commit).stdout.decode("utf-8", "replace")
    return [name for name in listing.split("\0") if name]
