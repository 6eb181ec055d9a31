"""Where services keep their data: SQLite files or PostgreSQL databases, versioned migrations, and a
private PostgreSQL cluster for `pagemesh up --store postgres` and the tests.

A service declares its store once (`StoreSpec`: migrations folder, demo rows, whether it writes) and
implements its repository Protocol for both backends; `open_repository` picks one by the database URL
(`PAGEMESH_<SERVICE>_DB`). See docs/storage.md.
"""

from __future__ import annotations

from pagemesh.storage._cluster import PostgresCluster, ServiceDatabase, postgres_bin_dir
from pagemesh.storage._errors import SchemaError, StoreError
from pagemesh.storage._migrations import VERSION_TABLE, Migration, MigrationResult, load_migrations
from pagemesh.storage._open import open_repository
from pagemesh.storage._postgres import (
    PostgresDatabase,
    connect_postgres,
    migrate_postgres,
    postgres_version,
    read_postgres_version,
    seed_postgres,
)
from pagemesh.storage._spec import SeedRows, StoreSpec
from pagemesh.storage._sqlite import connect_sqlite, migrate_sqlite, open_sqlite, seed_sqlite, sqlite_version

__all__ = [
    "VERSION_TABLE",
    "Migration",
    "MigrationResult",
    "PostgresCluster",
    "PostgresDatabase",
    "SchemaError",
    "SeedRows",
    "ServiceDatabase",
    "StoreError",
    "StoreSpec",
    "connect_postgres",
    "connect_sqlite",
    "load_migrations",
    "migrate_postgres",
    "migrate_sqlite",
    "open_repository",
    "open_sqlite",
    "postgres_bin_dir",
    "postgres_version",
    "read_postgres_version",
    "seed_postgres",
    "seed_sqlite",
    "sqlite_version",
]
