"""Versioned schema migrations: numbered SQL files per service and backend, each in one transaction.

A service's migrations live in `services/<name>/migrations/<backend>/NNNN_what_it_does.sql`, numbered from
0001 without gaps. A database records what it has applied in the table `schema_migrations` (version,
name, time); applying a migration and recording it happen in one transaction, so a migration that fails
leaves the version where it was and the schema untouched. Running the runner again is a no-op. Files are
never edited once released: a change is a new file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pagemesh.storage._errors import SchemaError

__all__ = ["VERSION_TABLE", "Migration", "MigrationResult", "load_migrations", "split_statements"]

VERSION_TABLE = "schema_migrations"
_FILE_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    """One numbered schema change."""

    version: int
    name: str
    sql: str

    @property
    def statements(self) -> list[str]:
        """Its SQL statements, one by one."""
        return split_statements(self.sql)


def split_statements(sql: str) -> list[str]:
    """SQL split on `;` at line ends, `--` comment lines dropped (migrations keep to that form).

    One statement at a time keeps every migration inside the runner's transaction on SQLite too, whose
    `executescript` would commit first.
    """
    lines = [line for line in sql.splitlines() if not line.strip().startswith("--")]
    statements = re.split(r";\s*$", "\n".join(lines), flags=re.MULTILINE)
    return [statement.strip() for statement in statements if statement.strip()]


def load_migrations(directory: Path) -> tuple[Migration, ...]:
    """The migrations in `directory`, in order; a misnamed file, a gap or a duplicate is an error."""
    if not directory.is_dir():
        raise SchemaError(f"no migrations folder at {directory}")
    migrations = []
    for path in sorted(directory.iterdir()):
        if path.suffix != ".sql":
            continue
        match = _FILE_NAME.match(path.name)
        if match is None:
            raise SchemaError(f"migration file {path} is not named NNNN_lower_case_name.sql")
        migrations.append(Migration(int(match[1]), match[2], path.read_text()))
    for expected, migration in enumerate(migrations, start=1):
        if migration.version != expected:
            raise SchemaError(
                f"migrations in {directory} must be numbered 0001, 0002, ... without gaps or duplicates; "
                f"found {migration.version:04d} where {expected:04d} belongs"
            )
    return tuple(migrations)


@dataclass(frozen=True)
class MigrationResult:
    """What one run of the runner did to one database."""

    before: int
    """The schema version the database was at."""
    after: int
    """The version it is at now."""

    @property
    def applied(self) -> int:
        """How many migrations this run applied."""
        return self.after - self.before
