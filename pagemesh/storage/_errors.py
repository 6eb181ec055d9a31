"""What can go wrong with a service's database, each error carrying the gRPC status code it becomes.

The tree (under `pagemesh.runtime.PagemeshError`)::

    StoreError               UNAVAILABLE: the database cannot be reached or used right now; retrying
    │                        (here, on another replica, or after it returns) may help
    └── SchemaError          FAILED_PRECONDITION: the database's schema is not the one this build
                             needs (run `pagemesh db migrate SERVICE`), or a migration failed
"""

from __future__ import annotations

import grpc

from pagemesh.runtime import PagemeshError

__all__ = ["SchemaError", "StoreError"]


class StoreError(PagemeshError):
    """A service's database cannot be opened, reached or used; the message names which and why."""

    code = grpc.StatusCode.UNAVAILABLE


class SchemaError(StoreError):
    """The database's schema version is behind this build's, or a migration could not be applied."""

    code = grpc.StatusCode.FAILED_PRECONDITION
