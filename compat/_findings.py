"""Findings: the neutral record every rule produces and every printer consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from compat._model import Location, ProtoFile

__all__ = ["Finding", "Report", "Reporter", "SortKey"]

SortKey = tuple[str, int, int, int, int, str, str]


@dataclass(frozen=True, order=True)
class Finding:
    """One breaking change. `path` is None when the change has no current file (a deleted file or package);
    lines and columns are 1-based, and a finding about a whole file points at 1:1 as buf does."""

    path: str | None
    start_line: int
    start_column: int
    end_line: int
    end_column: int
    rule: str
    message: str
    against_path: str | None = field(default=None, compare=False)
    # For ignores: module-relative paths and packages of the current and previous files.
    config_paths: tuple[str, ...] = field(default=(), compare=False)
    packages: tuple[str, ...] = field(default=(), compare=False)
    # For ignore comments: (file, source path) of the current and previous elements.
    anchors: tuple[tuple[ProtoFile, tuple[int, ...]], ...] = field(default=(), compare=False, repr=False)
    baseline: str = field(default="", compare=False)

    def sort_key(self) -> SortKey:
        return (
            self.path or "",
            self.start_line,
            self.start_column,
            self.end_line,
            self.end_column,
            self.rule,
            self.message,
        )


class Report(Protocol):
    """The one way a rule reports: where the change is now, where it was, and a full sentence about it."""

    def __call__(
        self,
        location: Location | None,
        previous: Location | None,
        message: str,
        *,
        file: ProtoFile | None = None,
        against_file: ProtoFile | None = None,
        deleted: Location | None = None,
    ) -> None: ...


class Reporter:
    """Collects findings for one rule at a time; the rule ID is stamped here, never by the rule."""

    def __init__(self) -> None:
        self.findings: list[Finding] = []
        self.rule = ""

    def __call__(
        self,
        location: Location | None,
        previous: Location | None,
        message: str,
        *,
        file: ProtoFile | None = None,
        against_file: ProtoFile | None = None,
        deleted: Location | None = None,
    ) -> None:
        """Records one finding. `deleted` is the removed element itself, whose ignore comments count too."""
        current_file = location.file if location else file
        previous_file = previous.file if previous else against_file
        if location is not None:
            span = (location.start_line, location.start_column, location.end_line, location.end_column)
        else:
            span = (1, 1, 1, 1)
        files = [f for f in (current_file, previous_file) if f is not None]
        anchors = tuple((loc.file, loc.path) for loc in (location, previous, deleted) if loc is not None)
        self.findings.append(
            Finding(
                current_file.display_path if current_file else None,
                *span,
                self.rule,
                message,
                against_path=previous_file.display_path if previous_file else None,
                config_paths=tuple(f.config_path for f in files),
                packages=tuple(f.package for f in files),
                anchors=anchors,
            )
        )
