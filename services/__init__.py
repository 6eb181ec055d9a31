"""The six backend services, one package each; `pagemesh serve SERVICE` runs one of them.

Each package exposes `open_service(database) -> ServiceInstance`: its v1 and v2 adapters over one domain
model and its own store (a SQLite file or a PostgreSQL database, see `pagemesh.storage`), whose schema
is the package's `migrations/` and whose `_store.STORE` says how to migrate and seed it. `demo_data` is
the data set they seed from; `domain` holds the money and time conversions they share.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from pagemesh.runtime import SERVICES, DatabaseUrl, ServiceInstance
from pagemesh.storage import StoreSpec

__all__ = ["open_service", "store_spec"]


def _check(name: str) -> None:
    if name not in SERVICES:
        raise ValueError(f"unknown service {name!r}")


def open_service(name: str, database: DatabaseUrl) -> ServiceInstance:
    """Opens the named backend service on its database."""
    _check(name)
    module = importlib.import_module(f"services.{name}")
    opener: Callable[[DatabaseUrl], ServiceInstance] = module.open_service
    return opener(database)


def store_spec(name: str) -> StoreSpec:
    """The named service's store: its migrations, demo rows and privileges (without opening it)."""
    _check(name)
    spec: StoreSpec = importlib.import_module(f"services.{name}._store").STORE
    return spec
