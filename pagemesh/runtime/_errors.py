"""Errors that a service raises for its callers, each carrying the gRPC status code it becomes.

The tree::

    PagemeshError                 (any error meant for the caller; code set per subclass)
    ├── InvalidArgumentError      INVALID_ARGUMENT: the request is malformed (empty ID, bad page token)
    ├── NotFoundError             NOT_FOUND: a named resource does not exist
    └── UnavailableError          UNAVAILABLE: a dependency cannot be reached; retrying may help

Anything else that escapes a handler is a bug: the server logs its traceback and answers INTERNAL.
"""

from __future__ import annotations

import grpc

__all__ = ["InvalidArgumentError", "NotFoundError", "PagemeshError", "UnavailableError"]


class PagemeshError(Exception):
    """An error meant for the caller, with its gRPC status code."""

    code: grpc.StatusCode = grpc.StatusCode.UNKNOWN

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgumentError(PagemeshError):
    """The request is malformed; the message names the field and what is wrong with it."""

    code = grpc.StatusCode.INVALID_ARGUMENT


class NotFoundError(PagemeshError):
    """A resource the request names does not exist; the message names it."""

    code = grpc.StatusCode.NOT_FOUND


class UnavailableError(PagemeshError):
    """A dependency cannot be reached right now."""

    code = grpc.StatusCode.UNAVAILABLE
