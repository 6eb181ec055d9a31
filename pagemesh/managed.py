"""Managed dependencies of `pagemesh up`: servers it starts before the parts and stops after them.

A dependency is started first, hands the parts environment variables (where to find it), is listed in
`pagemesh up`'s table, and is stopped once every part has stopped. `pagemesh up --store postgres` adds
`PrivatePostgres`; a private broker or Prometheus plug in the same way: implement `ManagedDependency`
and append it in `pagemesh.up.dependencies`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

from pagemesh.storage import PostgresCluster, ServiceDatabase
from services import store_spec

__all__ = ["ManagedDependency", "PrivatePostgres"]


class ManagedDependency(Protocol):
    """A server `pagemesh up` runs for the parts (see the module docstring)."""

    @property
    def name(self) -> str:
        """Its name in the table, e.g. `postgres`."""
        ...

    def start(self) -> None:
        """Starts it and waits until it is ready; raises `PagemeshError` (one clear line) if it cannot."""
        ...

    def environment(self) -> Mapping[str, str]:
        """The variables every part gets (after `start`)."""
        ...

    def describe(self) -> str:
        """Where it is, for the table (after `start`)."""
        ...

    def stop(self) -> None:
        """Stops it (called once every part has stopped; also after a failed start)."""
        ...


class PrivatePostgres:
    """A PostgreSQL cluster under `<data dir>/postgres` with a database and roles per service.

    On start: `initdb` (the first time), `pg_ctl start` on a free port (UNIX socket only), each service's
    roles and database, its migrations (as the owner role) and the demo data if the database is empty.
    Each service then connects as its own role (`PAGEMESH_<SERVICE>_DB`).
    """

    name = "postgres"

    def __init__(self, data_dir: Path, services: Sequence[str]) -> None:
        self.cluster = PostgresCluster(data_dir / "postgres")
        self.services = tuple(services)
        self._databases: list[ServiceDatabase] = []

    def start(self) -> None:
        self.cluster.start()
        prepared = self.cluster.prepare([store_spec(name) for name in self.services])
        self._databases = list(prepared.values())

    def environment(self) -> Mapping[str, str]:
        return {f"PAGEMESH_{db.service.upper()}_DB": db.url.dsn for db in self._databases}

    def describe(self) -> str:
        return (
            f"socket {self.cluster.socket_dir} port {self.cluster.port}, "
            f"{len(self._databases)} databases (log: {self.cluster.log_path})"
        )

    def stop(self) -> None:
        self.cluster.stop()
