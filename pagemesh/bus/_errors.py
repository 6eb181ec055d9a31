"""Errors of the event bus, each carrying the gRPC status code it becomes when it reaches a caller.

The tree::

    PagemeshError
    └── BusError                      UNAVAILABLE unless a subclass says otherwise
        ├── BusConfigError            INVALID_ARGUMENT: a `PAGEMESH_BUS` URL or option that cannot work
        ├── BusUnavailableError       UNAVAILABLE: the broker cannot be reached now; retrying may help
        ├── BusPermissionError        PERMISSION_DENIED: the bus user may not do this (Redis ACLs)
        ├── BrokerStartError          UNAVAILABLE: a private broker (`start_private_bus`) did not start
        └── SchemaError               FAILED_PRECONDITION: an event's schema and the registry disagree
            ├── UnregisteredSchemaError   `publish()` of an event whose schema fingerprint is not registered
            └── IncompatibleSchemaError   a new schema version breaks a registered one (`.findings`)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import grpc

from pagemesh.runtime import PagemeshError

if TYPE_CHECKING:
    from compat import Finding

__all__ = [
    "BrokerStartError",
    "BusConfigError",
    "BusError",
    "BusPermissionError",
    "BusUnavailableError",
    "IncompatibleSchemaError",
    "SchemaError",
    "UnregisteredSchemaError",
]


class BusError(PagemeshError):
    """Something about the event bus went wrong; the message says what and what to do."""

    code = grpc.StatusCode.UNAVAILABLE


class BusConfigError(BusError):
    """The bus URL or one of its options is malformed; the message names it."""

    code = grpc.StatusCode.INVALID_ARGUMENT


class BusUnavailableError(BusError):
    """The broker cannot be reached or did not answer in time."""

    code = grpc.StatusCode.UNAVAILABLE


class BusPermissionError(BusError):
    """The broker refused the command for this bus user (its ACL does not allow it)."""

    code = grpc.StatusCode.PERMISSION_DENIED


class BrokerStartError(BusError):
    """A private broker could not be started; the message points at its log."""

    code = grpc.StatusCode.UNAVAILABLE


class SchemaError(BusError):
    """An event's schema is not acceptable to the bus's schema registry."""

    code = grpc.StatusCode.FAILED_PRECONDITION


class UnregisteredSchemaError(SchemaError):
    """An event was published with a schema fingerprint the registry does not know: it is refused."""


class IncompatibleSchemaError(SchemaError):
    """A new version of an event's schema breaks a version registered before; `findings` say how."""

    def __init__(self, message: str, findings: Sequence[Finding]) -> None:
        super().__init__(message)
        self.findings = list(findings)
