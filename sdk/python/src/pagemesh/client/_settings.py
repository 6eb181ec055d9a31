"""How a client connects: TLS settings and the retry policy, as typed data.

The retry policy applies to exactly the RPCs whose contract declares `option idempotency_level =
NO_SIDE_EFFECTS` or `IDEMPOTENT`; writes are never retried. It is handed to gRPC as its service config, so
the retries happen inside gRPC (with backoff, within the call's deadline), not in a loop of ours.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import grpc
from google.protobuf.descriptor import FileDescriptor, MethodDescriptor
from google.protobuf.descriptor_pb2 import MethodOptions

__all__ = ["DEFAULT_TIMEOUT", "RetryPolicy", "Tls", "is_retryable", "service_config"]

DEFAULT_TIMEOUT = 5.0
"""Seconds a call may take when neither the client nor the call says otherwise."""

PathLike = str | os.PathLike[str]
_RETRYABLE = (MethodOptions.NO_SIDE_EFFECTS, MethodOptions.IDEMPOTENT)


@dataclass(frozen=True)
class Tls:
    """Mutual TLS: the CA that signed the server's certificate, and this client's certificate and key.

    Files in PEM (the key PKCS#8, as `pagemesh certs` writes them). Without `certificate` and `key` the
    client checks the server but shows no identity of its own (a mesh with mutual TLS refuses that).
    `server_name` is the name the server's certificate must carry when it is not the target's host.
    """

    ca: PathLike
    certificate: PathLike | None = None
    key: PathLike | None = None
    server_name: str | None = None

    def credentials(self) -> grpc.ChannelCredentials:
        """The channel credentials, read from the files now."""
        if (self.certificate is None) != (self.key is None):
            raise ValueError("Tls needs both a certificate and its key, or neither")
        key = Path(self.key).read_bytes() if self.key is not None else None
        chain = Path(self.certificate).read_bytes() if self.certificate is not None else None
        return grpc.ssl_channel_credentials(
            root_certificates=Path(self.ca).read_bytes(), private_key=key, certificate_chain=chain
        )


@dataclass(frozen=True)
class RetryPolicy:
    """How calls that the contract declares safe to repeat are retried when the server is UNAVAILABLE."""

    max_attempts: int = 3
    """Attempts in all, the first included (gRPC allows at most 5)."""
    initial_backoff: float = 0.1
    """Seconds: the first retry waits a random time up to this."""
    max_backoff: float = 1.0
    """Seconds: no wait between attempts is longer."""
    backoff_multiplier: float = 2.0
    """Each retry's upper bound is the previous one times this."""

    def __post_init__(self) -> None:
        if not 2 <= self.max_attempts <= 5:
            raise ValueError(f"max_attempts must be from 2 to 5 (gRPC's limit), got {self.max_attempts}")
        if self.initial_backoff <= 0 or self.max_backoff <= 0 or self.backoff_multiplier <= 0:
            raise ValueError("backoffs and the multiplier must be more than 0")


def is_retryable(method: MethodDescriptor) -> bool:
    """Whether the method's contract declares it free of side effects or idempotent."""
    return method.GetOptions().idempotency_level in _RETRYABLE


def service_config(files: Iterable[FileDescriptor], retry: RetryPolicy | None) -> str:
    """gRPC's service config (JSON): `retry` on every retryable method of `files`."""
    if retry is None:
        return json.dumps({})
    names = [
        {"service": service.full_name, "method": method.name}
        for file in files
        for service in file.services_by_name.values()
        for method in service.methods
        if is_retryable(method)
    ]
    policy = {
        "maxAttempts": retry.max_attempts,
        "initialBackoff": f"{retry.initial_backoff:g}s",
        "maxBackoff": f"{retry.max_backoff:g}s",
        "backoffMultiplier": retry.backoff_multiplier,
        "retryableStatusCodes": ["UNAVAILABLE"],
    }
    return json.dumps({"methodConfig": [{"name": names, "retryPolicy": policy}] if names else []})
