"""The one error a pagemesh client raises for a failed call.

Hierarchy: `Exception` > `RpcError` (a call ended with a gRPC status other than OK; `code` says which).
Bad settings (an unreadable certificate file, a half-given key pair) are `ValueError` or `OSError` when the
client is made, before any call.
"""

from __future__ import annotations

import grpc
import grpc.aio

__all__ = ["RpcError"]


class RpcError(Exception):
    """A call failed: `code` is its gRPC status code, `details` the server's message, `method` the RPC."""

    def __init__(self, method: str, code: grpc.StatusCode, details: str) -> None:
        super().__init__(f"{method}: {code.name}: {details}")
        self.method = method
        self.code = code
        self.details = details

    @classmethod
    def from_grpc(cls, method: str, error: grpc.RpcError) -> RpcError:
        """The error a grpcio call raised, as an `RpcError`."""
        # A blocking call raises an error that is also a `grpc.Call`; an asyncio call an `AioRpcError`.
        if isinstance(error, grpc.aio.AioRpcError | grpc.Call):
            return cls(method, error.code(), error.details() or "")
        return cls(method, grpc.StatusCode.UNKNOWN, str(error))
