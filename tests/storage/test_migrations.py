"""The migration runner on both backends: fresh to latest, a no-op again, and a failure changes nothing."""

from __future__ import annotations

import asyncio
import itertools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pagemesh.runtime import DatabaseUrl
from pagemesh.storage import (
    MigrationResult,
    PostgresCluster,
    PostgresDatabase,
    SchemaError,
    StoreSpec,
    connect_postgres,
    connect_sqlite,
    load_migrations,
    migrate_postgres,
    migrate_sqlite,
    open_sqlite,
    postgres_version,
    sqlite_version,
)
from pagemesh.storage._cluster import ADMIN_ROLE
from services import store_spec

_scratch = itertools.count()

GOOD = {
    "0001_things.sql": "-- things\nCREATE TABLE things (id integer PRIMARY KEY, name text NOT NULL);\n",
    "0002_thing_index.sql": "CREATE INDEX things_by_name ON things (name);\n",
}
# The first statement would work; the second names a column that does not exist.
BROKEN = "CREATE TABLE parts (id integer PRIMARY KEY);\nCREATE INDEX parts_by_size ON parts (size);\n"


def _spec(root: Path, files: dict[str, str]) -> StoreSpec:
    for backend in ("sqlite", "postgresql"):
        folder = root / backend
        folder.mkdir(parents=True, exist_ok=True)
        for name, sql in files.items():
            (folder / name).write_text(sql)
    return StoreSpec("scratch", root, lambda: {"things": [(1, "one")]})


Migrate = Callable[[StoreSpec], MigrationResult]


class Backend:
    """One scratch database and how to migrate it, inspect it and read its version."""

    def __init__(
        self, migrate: Migrate, version: Callable[[], int], has_table: Callable[[str], bool]
    ) -> None:
        self.migrate = migrate
        self.version = version
        self.has_table = has_table


def _sqlite_backend(path: Path) -> Backend:
    def migrate(spec: StoreSpec) -> MigrationResult:
        connection = connect_sqlite(path)
        try:
            return migrate_sqlite(connection, spec)
        finally:
            connection.close()

    def read(query: str, *args: str) -> object:
        with sqlite3.connect(path) as connection:
            return connection.execute(query, args).fetchone()

    def version() -> int:
        connection = connect_sqlite(path)
        try:
            return sqlite_version(connection)
        finally:
            connection.close()

    return Backend(
        migrate, version, lambda name: read("SELECT 1 FROM sqlite_master WHERE name = ?", name) is not None
    )


def _scratch_database(cluster: PostgresCluster) -> DatabaseUrl:
    """A new empty database, as the superuser."""
    name = f"scratch_{next(_scratch)}"

    async def create() -> None:
        admin = await connect_postgres(cluster.admin_url, "test")
        try:
            await admin.execute(f"CREATE DATABASE {name}")
        finally:
            await admin.close()

    asyncio.run(create())
    return cluster.url(ADMIN_ROLE, name)


def _postgres_backend(cluster: PostgresCluster) -> Backend:
    url = _scratch_database(cluster)

    async def fetch(query: str, *args: str) -> object:
        connection = await connect_postgres(url, "test")
        try:
            return await connection.fetchval(query, *args)
        finally:
            await connection.close()

    async def version() -> int:
        connection = await connect_postgres(url, "test")
        try:
            return await postgres_version(connection)
        finally:
            await connection.close()

    return Backend(
        lambda spec: asyncio.run(migrate_postgres(url, spec)),
        lambda: asyncio.run(version()),
        lambda table: asyncio.run(fetch("SELECT to_regclass($1)", table)) is not None,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield _sqlite_backend(tmp_path / "scratch.sqlite3")
    else:
        yield _postgres_backend(request.getfixturevalue("postgres"))


def test_a_fresh_database_migrates_to_the_latest_version_and_again_is_a_no_op(
    backend: Backend, tmp_path: Path
) -> None:
    spec = _spec(tmp_path / "migrations", GOOD)
    assert backend.version() == 0
    assert backend.migrate(spec) == MigrationResult(before=0, after=2)
    assert backend.has_table("things")
    assert backend.migrate(spec) == MigrationResult(before=2, after=2)
    assert backend.migrate(spec).applied == 0


def test_a_failing_migration_leaves_the_version_and_the_schema_unchanged(
    backend: Backend, tmp_path: Path
) -> None:
    spec = _spec(tmp_path / "migrations", {**GOOD, "0003_parts.sql": BROKEN})
    with pytest.raises(SchemaError, match=r"migration 0003_parts failed .*stays at version 2"):
        backend.migrate(spec)
    assert backend.version() == 2
    # Its first statement ran inside the same transaction, and was rolled back with it.
    assert not backend.has_table("parts")
    # Fixed, it applies.
    (spec.migrations / "sqlite" / "0003_parts.sql").write_text(
        "CREATE TABLE parts (id integer PRIMARY KEY);\n"
    )
    (spec.migrations / "postgresql" / "0003_parts.sql").write_text(
        "CREATE TABLE parts (id integer PRIMARY KEY);\n"
    )
    assert backend.migrate(spec) == MigrationResult(before=2, after=3)


def test_misnumbered_migrations_are_refused(tmp_path: Path) -> None:
    folder = tmp_path / "sqlite"
    folder.mkdir()
    (folder / "0001_a.sql").write_text("SELECT 1;")
    (folder / "0003_c.sql").write_text("SELECT 1;")
    with pytest.raises(SchemaError, match="without gaps"):
        load_migrations(folder)
    (folder / "0003_c.sql").rename(folder / "2_c.sql")
    with pytest.raises(SchemaError, match=r"NNNN_lower_case_name\.sql"):
        load_migrations(folder)


def test_every_service_has_the_same_migration_versions_on_both_backends() -> None:
    for name in ("product", "recommendations", "sponsored", "authors", "reviews", "history"):
        spec = store_spec(name)
        sqlite_names = [(m.version, m.name) for m in load_migrations(spec.migration_dir("sqlite"))]
        postgres_names = [(m.version, m.name) for m in load_migrations(spec.migration_dir("postgresql"))]
        assert sqlite_names == postgres_names, name
        assert sqlite_names


def test_a_sqlite_file_from_before_migrations_is_adopted_as_version_1(tmp_path: Path) -> None:
    spec = store_spec("history")
    path = tmp_path / "history.sqlite3"
    # What wave 1 made: the first migration's tables and the demo rows, without a version table.
    with sqlite3.connect(path) as legacy:
        for statement in load_migrations(spec.migration_dir("sqlite"))[0].statements:
            legacy.execute(statement)
        legacy.execute("INSERT INTO views VALUES ('u-x', 'P00001', 'A title', '2026-01-01T00:00:00+00:00')")
    connection = open_sqlite(path, spec)
    try:
        # Adopted as version 1, then brought up to date by the later migrations.
        assert sqlite_version(connection) == len(load_migrations(spec.migration_dir("sqlite")))
        # Not seeded over: it keeps the one row it had.
        assert connection.execute("SELECT count(*) FROM views").fetchone()[0] == 1
    finally:
        connection.close()


def test_a_service_refuses_a_postgres_database_behind_its_schema(postgres: PostgresCluster) -> None:
    spec = store_spec("sponsored")
    url = _scratch_database(postgres)

    async def check() -> None:
        database = PostgresDatabase(url, spec)
        try:
            with pytest.raises(
                SchemaError, match=r"schema version 0, this build needs 1: run `pagemesh db migrate"
            ):
                await database.fetch("SELECT 1")
        finally:
            await database.close()

    asyncio.run(check())
