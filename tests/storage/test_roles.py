"""Least privilege: each service's role may touch its own tables only, and never change the schema."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

import asyncpg
import pytest

from pagemesh.storage import PostgresCluster, ServiceDatabase, connect_postgres


def _run_as(database: ServiceDatabase, *, owner: bool = False) -> Callable[[str], Any]:
    url = database.owner_url if owner else database.url

    def run(sql: str) -> Any:
        async def go() -> Any:
            connection = await connect_postgres(url, database.service)
            try:
                return await connection.fetch(sql)
            finally:
                await connection.close()

        return asyncio.run(go())

    return run


def _connect(
    url_of: ServiceDatabase, database_name: str, cluster: PostgresCluster
) -> Coroutine[Any, Any, Any]:
    role = url_of.url.dsn.split("//", 1)[1].split(":", 1)[0]
    return asyncpg.connect(cluster.url(role, database_name).dsn)


def test_the_reviews_role_cannot_read_the_product_tables(
    postgres: PostgresCluster, postgres_databases: dict[str, ServiceDatabase]
) -> None:
    reviews = postgres_databases["reviews"]
    with pytest.raises(
        asyncpg.InsufficientPrivilegeError, match='permission denied for database "pagemesh_product"'
    ):
        asyncio.run(_connect(reviews, "pagemesh_product", postgres))
    # Its own database has no product tables to reach either.
    with pytest.raises(asyncpg.UndefinedTableError):
        _run_as(reviews)("SELECT * FROM products")


def test_a_role_reads_its_own_tables_but_cannot_change_them_or_the_schema(
    postgres_databases: dict[str, ServiceDatabase],
) -> None:
    reviews = _run_as(postgres_databases["reviews"])
    assert reviews("SELECT count(*) FROM reviews")[0][0] > 0
    for statement in (
        "DELETE FROM reviews",
        "INSERT INTO reviewed_products VALUES ('P99999')",
        "CREATE TABLE stolen (id int)",
        "DROP TABLE reviews",
        "ALTER TABLE reviews ADD COLUMN extra int",
    ):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            reviews(statement)


def test_the_history_role_may_record_views_but_not_change_the_schema(
    postgres_databases: dict[str, ServiceDatabase],
) -> None:
    history = _run_as(postgres_databases["history"])
    history("INSERT INTO views VALUES ('u-roles', 'P00001', 'x', now()) ON CONFLICT DO NOTHING")
    assert history("SELECT count(*) FROM views WHERE user_id = 'u-roles'")[0][0] == 1
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        history("CREATE TABLE stolen (id int)")


def test_the_owner_role_changes_the_schema_of_its_own_database_only(
    postgres: PostgresCluster, postgres_databases: dict[str, ServiceDatabase]
) -> None:
    owner = _run_as(postgres_databases["authors"], owner=True)
    owner("CREATE TABLE scratch_owned (id int)")
    owner("DROP TABLE scratch_owned")
    owner_role = "pagemesh_authors_owner"
    with pytest.raises(asyncpg.InsufficientPrivilegeError, match="permission denied for database"):
        asyncio.run(asyncpg.connect(postgres.url(owner_role, "pagemesh_reviews").dsn))
