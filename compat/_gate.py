"""The CI gate's choice of baseline: what `make compat` compares the working tree against.

On `main` the baseline is the previous commit; on any other branch it is the merge base with `main` (or
`origin/main` in CI clones), so a pull request is judged on everything it changes. A repository with a single
commit, or a baseline that has no contracts yet, has nothing to break: the gate says so and passes.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GateBaseline", "gate_baseline"]


@dataclass(frozen=True)
class GateBaseline:
    """`against` is the baseline input; it is empty, with `skip_reason` saying why, if nothing can break."""

    against: str
    description: str
    skip_reason: str = ""


def _git(cwd: Path, *args: str) -> str | None:
    result = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def _default_base(cwd: Path) -> tuple[str, str]:
    branch = _git(cwd, "rev-parse", "--abbrev-ref", "HEAD")
    if branch != "main":
        for main in ("main", "origin/main"):
            base = _git(cwd, "merge-base", "HEAD", main)
            if base:
                return base, f"the merge base with {main} ({base[:12]})"
    return "HEAD~1", "HEAD~1"


def gate_baseline(requested: str, cwd: Path) -> GateBaseline:
    """Resolves COMPAT_AGAINST (an input or a git ref; empty means the default) to a baseline input."""
    if requested and ("#" in requested or (cwd / requested).is_dir() or requested.endswith(".binpb")):
        return GateBaseline(requested, requested)
    ref, description = (requested, requested) if requested else _default_base(cwd)
    commit = _git(cwd, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if commit is None:
        if _git(cwd, "rev-parse", "--verify", "--quiet", "HEAD") is not None and not requested:
            reason = f"no {description} to compare against (a repository with a single commit)"
            return GateBaseline("", description, reason)
        return GateBaseline(f".git#ref={ref}", description)  # the loader reports the unknown ref
    if _git(cwd, "cat-file", "-e", f"{commit}:buf.yaml") is None:
        return GateBaseline(
            "", description, f"{description} has no buf.yaml, so it has no contracts to break"
        )
    listing = _git(cwd, "ls-tree", "-r", "--name-only", commit) or ""
    if not any(name.endswith(".proto") for name in listing.splitlines()):
        return GateBaseline("", description, f"{description} has no .proto files, so nothing can break")
    return GateBaseline(f".git#ref={commit}", description)
