"""The CI gate's choice of baseline: what `make compat` compares the working tree against.

On `main` the baseline is the previous commit; on any other branch it is the merge base with `main` (or
`origin/main` in CI clones), so a pull request is judged on everything it changes. A repository with a single
commit, or a baseline that has no contracts yet, has nothing to break: the gate says so and passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from compat._git import git_output, resolve_commit, tree_files
from compat._loader import IMAGE_SUFFIXES

__all__ = ["GateBaseline", "gate_baseline"]


@dataclass(frozen=True)
class GateBaseline:
    """`against` is the baseline input; it is empty, with `skip_reason` saying why, if nothing can break."""

    against: str
    description: str
    skip_reason: str = ""


def _default_base(cwd: Path) -> tuple[str, str]:
    branch = git_output(cwd, "rev-parse", "--abbrev-ref", "HEAD")
    if branch != "main":
        for main in ("main", "origin/main"):
            base = git_output(cwd, "merge-base", "HEAD", main)
            if base:
                return base, f"the merge base with {main} ({base[:12]})"
    return "HEAD~1", "HEAD~1"


def gate_baseline(requested: str, cwd: Path) -> GateBaseline:
    """Resolves COMPAT_AGAINST (an input or a git ref; empty means the default) to a baseline input."""
    if requested and ("#" in requested or (cwd / requested).is_dir() or requested.endswith(IMAGE_SUFFIXES)):
        return GateBaseline(requested, requested)
    ref, description = (requested, requested) if requested else _default_base(cwd)
    commit = resolve_commit(cwd, ref)
    if commit is None:
        if resolve_commit(cwd, "HEAD") is not None and not requested:
            reason = f"no {description} to compare against (a repository with a single commit)"
            return GateBaseline("", description, reason)
        return GateBaseline(f".git#ref={ref}", description)  # the loader reports the unknown ref
    if git_output(cwd, "cat-file", "-e", f"{commit}:buf.yaml") is None:
        return GateBaseline(
            "", description, f"{description} has no buf.yaml, so it has no contracts to break"
        )
    if not any(name.endswith(".proto") for name in tree_files(cwd, commit)):
        return GateBaseline("", description, f"{description} has no .proto files, so nothing can break")
    return GateBaseline(f".git#ref={commit}", description)
