"""Writing a fresh generation into a folder, or listing where the folder differs from it.

Shared by `pagemesh sdk` (files as bytes) and the reference pages (text). `existing` names the files the
generator made before: those that a fresh generation no longer makes are stale, and `write` deletes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["stale", "write"]


def _is_current(path: Path, content: str | bytes) -> bool:
    if not path.is_file():
        return False
    return (path.read_text() if isinstance(content, str) else path.read_bytes()) == content


def stale(fresh: Mapping[Path, str | bytes], out: Path, existing: Iterable[Path]) -> list[Path]:
    """The files under out that are missing, differ from fresh or are in existing but no longer generated."""
    changed = {path for path, content in fresh.items() if not _is_current(out / path, content)}
    return sorted(changed | (set(existing) - fresh.keys()))


def write(fresh: Mapping[Path, str | bytes], out: Path, existing: Iterable[Path]) -> list[Path]:
    """Writes fresh into out, deleting the files of existing it lacks; returns the files written, sorted."""
    for gone in set(existing) - fresh.keys():
        (out / gone).unlink()
    written = []
    for path, content in sorted(fresh.items()):
        target = out / path
        if not _is_current(target, content):
            target.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                target.write_text(content)
            else:
                target.write_bytes(content)
            written.append(path)
    return written
