"""A service's PostgreSQL database: one asyncpg pool per process, made on first use, faults as UNAVAILABLE.

Driver: asyncpg. On this machine it spent about half the client CPU per query of psycopg 3 (with its C
extension, prepared statements and pool) — 75-110 against 180-250 microseconds for an indexed single-row
read — and client CPU is what the two shared cores run out of first. Every query goes through the
pool's connections, each of which prepares a statement the first time it sees its text and keeps it
(asyncpg's statement cache), so a statement is parsed and planned once per connection, not per call.

Faults: a database that is down, restarting or refusing connections makes a call fail with `StoreError`
(UNAVAILABLE) naming the database and the reason, and never ends the process. The pool is made again on
the next call when making it failed, and a pooled connection found dead (the server restarted since it
was opened) is replaced and a read is tried once more at once, so service returns with the database.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import asyncpg
from asyncpg.pool import PoolConnectionProxy

from pagemesh.runtime import DatabaseUrl, log_event
from pagemesh.storage._errors import SchemaError, StoreError
from pagemesh.storage._migrations import VERSION_TABLE, MigrationResult, load_migrations
from pagemesh.storage._spec import SeedRows, StoreSpec

__all__ = [
    "PostgresDatabase",
    "connect_postgres",
    "migrate_postgres",
    "postgres_version",
    "read_postgres_version",
    "seed_postgres",
]

_logger = logging.getLogger("pagemesh.storage")
T = TypeVar("T")

CONNECT_TIMEOUT = 2.0
"""Seconds to wait for a new connection: a database that does not answer in this is reported down."""
COMMAND_TIMEOUT = 5.0
"""Seconds one statement may take before the call fails (a caller's deadline usually comes first)."""

# Errors that say the database (or the way to it) is not there right now, as opposed to a bad query.
_UNREACHABLE: tuple[type[BaseException], ...] = (
    OSError,
    TimeoutError,
    asyncpg.exceptions.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.exceptions.OperatorInterventionError,  # 57: shutting down, starting up, crashed
    asyncpg.exceptions.InsufficientResourcesError,  # 53: too many connections, out of memory
    asyncpg.exceptions.InterfaceError,  # the connection was closed under the driver
    asyncpg.exceptions.InternalClientError,  # ... in the middle of a call
)

# Errors of a pooled connection that the server closed (it restarted since): a fresh connection may work.
_STALE: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.InternalClientError,
)


def _reason(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def _went_away(service: str, url: DatabaseUrl, error: BaseException) -> StoreError:
    return StoreError(f"the {service} database {url.redacted} went away: {_reason(error)}")


async def connect_postgres(url: DatabaseUrl, service: str) -> asyncpg.Connection:
    """One connection (for migrations and seeding), or `StoreError` naming the database and the reason."""
    try:
        connection: asyncpg.Connection = await asyncpg.connect(
            url.dsn,
            timeout=CONNECT_TIMEOUT,
            server_settings={"application_name": f"pagemesh-{service}"},
        )
    except _UNREACHABLE as error:
        raise StoreError(f"the {service} database {url.redacted} is unreachable: {_reason(error)}") from None
    except asyncpg.PostgresError as error:
        raise StoreError(
            f"cannot connect to the {service} database {url.redacted}: {_reason(error)}"
        ) from None
    return connection


async def postgres_version(connection: asyncpg.Connection | PoolConnectionProxy) -> int:
    """The schema version recorded in the database (0 when nothing was ever applied)."""
    if await connection.fetchval("SELECT to_regclass($1)", VERSION_TABLE) is None:
        return 0
    version = await connection.fetchval(f"SELECT coalesce(max(version), 0) FROM {VERSION_TABLE}")
    return int(version)


async def read_postgres_version(url: DatabaseUrl, service: str) -> int:
    """The schema version of the database at `url`, or `StoreError` naming why it cannot be read."""
    connection = await connect_postgres(url, service)
    try:
        return await postgres_version(connection)
    except _UNREACHABLE as error:
        raise _went_away(service, url, error) from None
    except asyncpg.PostgresError as error:
        raise StoreError(f"cannot read the schema version of {url.redacted}: {_reason(error)}") from None
    finally:
        await _close(connection)


async def migrate_postgres(url: DatabaseUrl, spec: StoreSpec) -> MigrationResult:
    """Applies the service's pending PostgreSQL migrations, each in its own transaction.

    Connects with `url`, which must be allowed to change the schema (the service's owner role).
    """
    migrations = load_migrations(spec.migration_dir("postgresql"))
    connection = await connect_postgres(url, spec.service)
    try:
        before = await postgres_version(connection)
        try:
            await connection.execute(
                f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} "
                "(version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL)"
            )
        except _UNREACHABLE:
            raise
        except asyncpg.PostgresError as error:
            raise SchemaError(
                f"{spec.service}: cannot create {VERSION_TABLE} in {url.redacted} ({_reason(error)}); "
                "migrate with the service's owner role"
            ) from None
        for migration in migrations:
            try:
                async with connection.transaction():
                    # Concurrent runners wait here, then see the version the first one left.
                    await connection.execute(f"LOCK TABLE {VERSION_TABLE} IN EXCLUSIVE MODE")
                    if await postgres_version(connection) >= migration.version:
                        continue
                    for statement in migration.statements:
                        await connection.execute(statement)
                    await connection.execute(
                        f"INSERT INTO {VERSION_TABLE} VALUES ($1, $2, now())",
                        migration.version,
                        migration.name,
                    )
            except _UNREACHABLE:
                raise
            except asyncpg.PostgresError as error:
                raise SchemaError(
                    f"{spec.service}: migration {migration.version:04d}_{migration.name} failed "
                    f"({_reason(error)}); the database stays at version {await postgres_version(connection)}"
                ) from None
        return MigrationResult(before, await postgres_version(connection))
    except _UNREACHABLE as error:
        raise _went_away(spec.service, url, error) from None
    finally:
        await _close(connection)


async def _close(connection: asyncpg.Connection) -> None:
    """Closes a connection politely, or drops it when the database has gone away under it."""
    try:
        await connection.close(timeout=CONNECT_TIMEOUT)
    except _UNREACHABLE:
        connection.terminate()


async def seed_postgres(url: DatabaseUrl, spec: StoreSpec, rows: SeedRows | None = None) -> int:
    """Fills the service's empty tables with the demo rows in one transaction; returns the rows inserted."""
    rows = spec.seed() if rows is None else rows
    connection = await connect_postgres(url, spec.service)
    try:
        async with connection.transaction():
            first = next(iter(rows))
            if await connection.fetchval(f"SELECT EXISTS (SELECT 1 FROM {first})"):
                return 0
            inserted = 0
            for table, table_rows in rows.items():
                if table_rows:
                    # COPY: one round trip per table instead of one per row.
                    await connection.copy_records_to_table(table, records=table_rows)
                    inserted += len(table_rows)
            return inserted
    except _UNREACHABLE as error:
        raise _went_away(spec.service, url, error) from None
    except asyncpg.PostgresError as error:
        raise SchemaError(f"{spec.service}: cannot seed {url.redacted}: {_reason(error)}") from None
    finally:
        await _close(connection)


class PostgresDatabase:
    """One service's database as its repositories use it: reads, writes, and faults as `StoreError`."""

    def __init__(self, url: DatabaseUrl, spec: StoreSpec, *, max_connections: int = 4) -> None:
        self.url = url
        self.spec = spec
        self.max_connections = max_connections
        self._pool: asyncpg.Pool | None = None
        self._pool_lock = asyncio.Lock()
        self._latest = len(load_migrations(spec.migration_dir("postgresql")))
        self._schema_checked = False
        self._was_down = False

    async def _ready(self) -> asyncpg.Pool:
        pool = self._pool
        if pool is None:
            async with self._pool_lock:
                if self._pool is None:
                    self._pool = await self._make_pool()
                pool = self._pool
        if not self._schema_checked:
            await self._check_schema(pool)
        return pool

    async def _make_pool(self) -> asyncpg.Pool:
        try:
            pool: asyncpg.Pool = await asyncpg.create_pool(
                self.url.dsn,
                # No floor: with one, asyncpg reconnects in the background while the database is down and
                # logs a traceback for each try; connections are made as calls need them instead.
                min_size=0,
                max_size=self.max_connections,
                timeout=CONNECT_TIMEOUT,
                command_timeout=COMMAND_TIMEOUT,
                server_settings={"application_name": f"pagemesh-{self.spec.service}"},
                reset=self._keep_session,
            )
        except _UNREACHABLE as error:
            raise self._down(error) from None
        except asyncpg.PostgresError as error:
            raise StoreError(
                f"cannot connect to the {self.spec.service} database {self.url.redacted}: {_reason(error)}"
            ) from None
        return pool

    async def _check_schema(self, pool: asyncpg.Pool) -> None:
        async with pool.acquire() as connection:
            version = await postgres_version(connection)
        if version < self._latest:
            raise SchemaError(
                f"the {self.spec.service} database {self.url.redacted} is at schema version {version}, "
                f"this build needs {self._latest}: run `pagemesh db migrate {self.spec.service}`"
            )
        self._schema_checked = True

    @staticmethod
    async def _keep_session(connection: asyncpg.Connection) -> None:
        """What the pool runs on a connection handed back (an open transaction is rolled back first).

        asyncpg's default also sends `RESET ALL`, `UNLISTEN *`, `CLOSE ALL` and an advisory unlock: a
        second round trip for every query. Repositories change no session state (no SET, LISTEN, cursor
        or advisory lock), so there is nothing to reset.
        """

    def _down(self, error: BaseException) -> StoreError:
        if not self._was_down:
            self._was_down = True
            log_event(
                _logger,
                logging.WARNING,
                "database unavailable",
                database=self.url.redacted,
                reason=_reason(error),
            )
        return StoreError(
            f"the {self.spec.service} database is unavailable ({_reason(error)}); "
            "the service reconnects by itself, retry shortly"
        )

    async def _run(self, operation: Callable[[asyncpg.Pool], Awaitable[T]], *, retry: bool) -> T:
        for attempt in range(2):
            try:
                pool = await self._ready()
                result = await operation(pool)
            except _UNREACHABLE as error:
                # A connection opened before the database restarted fails once; a fresh one may not.
                if (
                    retry
                    and attempt == 0
                    and isinstance(error, asyncpg.InterfaceError | asyncpg.PostgresError)
                ):
                    continue
                raise self._down(error) from None
            except asyncpg.InsufficientPrivilegeError as error:
                raise SchemaError(
                    f"the {self.spec.service} role may not do this: {_reason(error)}; check its grants"
                ) from None
            if self._was_down:
                self._was_down = False
                log_event(_logger, logging.WARNING, "database available again", database=self.url.redacted)
            return result
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def fetch(self, query: str, *args: Any) -> list[asyncpg.Record]:
        """The rows of a read (tried once more on a fresh connection if a stale one failed)."""

        async def read(pool: asyncpg.Pool) -> list[asyncpg.Record]:
            rows: list[asyncpg.Record] = await pool.fetch(query, *args)
            return rows

        return await self._run(read, retry=True)

    async def fetchrow(self, query: str, *args: Any) -> asyncpg.Record | None:
        """The first row of a read, or None."""
        rows = await self.fetch(query, *args)
        return rows[0] if rows else None

    async def write(self, query: str, *args: Any) -> asyncpg.Record | None:
        """Runs a statement that changes data (never retried here) and returns its first row, if any."""

        async def change(pool: asyncpg.Pool) -> asyncpg.Record | None:
            row: asyncpg.Record | None = await pool.fetchrow(query, *args)
            return row

        return await self._run(change, retry=False)

    async def transaction(self, work: Callable[[Any], Awaitable[T]]) -> T:
        """Runs `work(connection)` inside one transaction (never retried here): all of it or none.

        For a change that spans statements, e.g. applying a batch of bus events together with the record of
        their IDs (`applied_events`), so that a redelivered event is recognised.
        """

        async def in_transaction(pool: asyncpg.Pool) -> T:
            async with pool.acquire() as connection, connection.transaction():
                return await work(connection)

        return await self._run(in_transaction, retry=False)

    async def close(self) -> None:
        """Closes the pool's connections."""
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
