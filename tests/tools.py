"""Paths of the pinned CLI tools that `make setup` installs into .tools/."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / ".tools" / "bin"


def tool(name: str) -> str:
    """The path of a tool in .tools/bin; fails loudly if `make setup` has not installed it."""
    path = TOOLS / name
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run `make setup`")
    return str(path)
