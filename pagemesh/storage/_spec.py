"""What the storage layer needs to know about one service's store: its migrations, seed and privileges."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SeedRows", "StoreSpec"]

SeedRows = Mapping[str, Sequence[tuple[Any, ...]]]
"""Demo rows per table, in the order the tables are filled: plain Python values (str, int, float, bool,
`date`, `datetime`), which each backend stores in its own column types."""


@dataclass(frozen=True)
class StoreSpec:
    """One service's store, the same for every backend."""

    service: str
    """The service's name, e.g. `reviews`."""
    migrations: Path
    """The folder with a `sqlite/` and a `postgresql/` folder of numbered SQL files (`0001_name.sql`)."""
    seed: Callable[[], SeedRows]
    """The demo data set's rows for this service (the same on every backend)."""
    writes: bool = False
    """Whether the service changes its data while serving (its role may then insert and update rows)."""

    def migration_dir(self, scheme: str) -> Path:
        """The migrations of one backend (`sqlite` or `postgresql`)."""
        return self.migrations / scheme
