"""`pagemesh db migrate|seed|status [SERVICE...]`: each service's database, on SQLite or PostgreSQL.

Databases come from `PAGEMESH_<SERVICE>_DB` (default: `<data dir>/<service>.sqlite3`), or with
`--store postgres` from the private cluster that `pagemesh up --store postgres` runs. For PostgreSQL,
`migrate` and `seed` must connect as the role that owns the service's tables (the service's own role
may not change the schema): point `PAGEMESH_<SERVICE>_DB` at the owner for these commands (`--store
postgres` does).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from pagemesh.cli import ArgumentParser
from pagemesh.runtime import SERVICES, DatabaseUrl, PagemeshError, Settings
from pagemesh.storage import (
    PostgresCluster,
    StoreSpec,
    connect_sqlite,
    load_migrations,
    migrate_postgres,
    migrate_sqlite,
    read_postgres_version,
    seed_postgres,
    seed_sqlite,
    sqlite_version,
)
from services import store_spec

__all__ = ["build_parser", "main"]

ACTIONS = ("migrate", "seed", "status")


def build_parser() -> ArgumentParser:
    """The options of `pagemesh db`."""
    parser = ArgumentParser(
        prog="pagemesh db",
        description="Apply schema migrations, load the demo data or show schema versions, per service "
        "database (SQLite or PostgreSQL, from PAGEMESH_<SERVICE>_DB).",
    )
    parser.add_argument(
        "action",
        choices=ACTIONS,
        help="migrate: apply pending migrations; seed: fill empty tables with the demo data; "
        "status: each database's schema version against this build's",
    )
    parser.add_argument("services", nargs="*", metavar="SERVICE", help="the services (default: all six)")
    parser.add_argument(
        "--store",
        choices=("postgres",),
        help="postgres: the private PostgreSQL cluster that `pagemesh up --store postgres` runs under the "
        "data dir (as each service's owner role), instead of PAGEMESH_<SERVICE>_DB",
    )
    parser.add_argument(
        "--data-dir", type=Path, help="where the SQLite files and the private cluster are (default: ./var)"
    )
    return parser


def _migrate(database: DatabaseUrl, spec: StoreSpec) -> str:
    if database.path is not None:
        connection = connect_sqlite(database.path)
        try:
            result = migrate_sqlite(connection, spec)
        finally:
            connection.close()
    else:
        result = asyncio.run(migrate_postgres(database, spec))
    if result.applied == 0:
        return f"up to date at version {result.after}"
    return f"migrated from version {result.before} to {result.after} ({result.applied} applied)"


def _seed(database: DatabaseUrl, spec: StoreSpec) -> str:
    if database.path is not None:
        connection = connect_sqlite(database.path)
        try:
            inserted = seed_sqlite(connection, spec.seed())
        finally:
            connection.close()
    else:
        inserted = asyncio.run(seed_postgres(database, spec))
    return f"seeded {inserted} rows" if inserted else "has data already; left as it is"


def _status(database: DatabaseUrl, spec: StoreSpec) -> str:
    latest = len(load_migrations(spec.migration_dir(database.scheme)))
    if database.path is not None:
        if not database.path.exists():
            return f"missing (made at version {latest} when the service or `pagemesh db migrate` opens it)"
        connection = connect_sqlite(database.path)
        try:
            version = sqlite_version(connection)
        finally:
            connection.close()
    else:
        version = asyncio.run(read_postgres_version(database, spec.service))
    state = "up to date" if version >= latest else "needs `pagemesh db migrate`"
    return f"version {version} of {latest}: {state}"


_RUN: dict[str, Callable[[DatabaseUrl, StoreSpec], str]] = {
    "migrate": _migrate,
    "seed": _seed,
    "status": _status,
}


def main(argv: Sequence[str]) -> int:
    """Runs `pagemesh db` and returns its exit code."""
    parser = build_parser()
    options = parser.parse_args(list(argv))
    unknown = [name for name in options.services if name not in SERVICES]
    if unknown:
        parser.error(f"unknown service {unknown[0]!r}; use one of {', '.join(SERVICES)}")
    try:
        settings = Settings.from_environment()
    except PagemeshError as error:
        print(f"pagemesh db: {error.message}", file=sys.stderr)
        return 1
    if options.data_dir is not None:
        settings = replace(settings, data_dir=options.data_dir)
    cluster = None
    if options.store == "postgres":
        cluster = PostgresCluster(settings.data_dir / "postgres")
        if not cluster.attach():
            print(
                f"pagemesh db: no PostgreSQL cluster runs under {cluster.root}; "
                "start `pagemesh up --store postgres` first, or set PAGEMESH_<SERVICE>_DB",
                file=sys.stderr,
            )
            return 1
    for name in options.services or SERVICES:
        database = cluster.service_database(name).owner_url if cluster else settings.database(name)
        try:
            outcome = _RUN[options.action](database, store_spec(name))
        except PagemeshError as error:
            print(f"pagemesh db: {error.message}", file=sys.stderr)
            return 1
        print(f"{name:<16} {database.redacted:<48} {outcome}", flush=True)
    return 0
