"""What the one server interceptor records per RPC: a server span and the call metrics.

`ServerCallTelemetry(method)` is made once per method when a servicer is wrapped, so the per-call path
only looks up a ready label set: `start` before the handler (the span, made current so the handler's own
calls are its children), `finish` after it (status, duration, caller).
"""

from __future__ import annotations

from contextvars import Token
from dataclasses import dataclass
from typing import Any

import grpc
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import NonRecordingSpan, Span, SpanKind, Status, StatusCode

from pagemesh.runtime._interceptors import UNAUTHENTICATED
from pagemesh.telemetry._metrics import API_METHODS, SERVER_CALL_DURATION, SERVER_CALLS
from pagemesh.telemetry._tracing import (
    child_span,
    end_serving_unsampled,
    metrics_on,
    parse_traceparent,
    serving_unsampled,
    traceparent_of,
    tracing,
)

__all__ = ["UNAUTHENTICATED", "ContractMethod", "ServerCallTelemetry", "caller_label"]

_MAX_CALLERS = 64
"""Distinct caller labels per method and code before further callers are counted as `other`: identities
come from certificates the mesh's CA signed, so more than this means something is wrong, and a metric's
label values must stay bounded whatever happens."""

# OpenTelemetry's gRPC conventions: these codes mark a server span as failed; the others (NOT_FOUND,
# INVALID_ARGUMENT, ...) are the client's doing and leave it unset.
_SERVER_ERRORS = frozenset(
    {
        grpc.StatusCode.UNKNOWN,
        grpc.StatusCode.DEADLINE_EXCEEDED,
        grpc.StatusCode.UNIMPLEMENTED,
        grpc.StatusCode.INTERNAL,
        grpc.StatusCode.UNAVAILABLE,
        grpc.StatusCode.DATA_LOSS,
    }
)


@dataclass(frozen=True)
class ContractMethod:
    """A method of a versioned contract, read from its gRPC path."""

    service: str
    """The full service name, e.g. `pagemesh.reviews.v2.ReviewService`."""
    method: str
    """The method's name, e.g. `ListReviews`."""
    package: str
    """The contract's package, e.g. `pagemesh.reviews.v2`."""
    api_version: str
    """`v1`, `v2`, or `-` for an unversioned package."""

    @classmethod
    def from_path(cls, path: str) -> ContractMethod:
        """Parses a gRPC method path (with or without its leading slash)."""
        service, _, method = path.lstrip("/").partition("/")
        package = service.rpartition(".")[0]
        version = package.rpartition(".")[2]
        is_version = version.startswith("v") and version[1:2].isdigit()
        return cls(service, method, package, version if is_version else "-")

    @property
    def span_name(self) -> str:
        """`service/method`, as OpenTelemetry's RPC conventions name a call's span."""
        return f"{self.service}/{self.method}"

    def attributes(self) -> dict[str, Any]:
        """The span attributes naming this call: OpenTelemetry's `rpc.*` and pagemesh's contract."""
        return {
            "rpc.system": "grpc",
            "rpc.service": self.service,
            "rpc.method": self.method,
            "pagemesh.contract": self.package,
            "pagemesh.api_version": self.api_version,
        }


def caller_label(caller: str, seen: set[str]) -> str:
    """`caller` as a label value, or `other` once `seen` already holds the most callers allowed."""
    if caller in seen:
        return caller
    if len(seen) >= _MAX_CALLERS:
        return "other"
    seen.add(caller)
    return caller


class _Active:
    """One call in progress: its span (if sampled) and the context token to restore, or the token of the
    unsampled caller's `traceparent` (`serving_unsampled`)."""

    __slots__ = ("span", "token", "unsampled")

    def __init__(
        self, span: Span | None, token: Token[Context] | None, unsampled: Token[str] | None = None
    ) -> None:
        self.span = span
        self.token = token
        self.unsampled = unsampled


class ServerCallTelemetry:
    """The span and metrics of one RPC method of a server."""

    def __init__(self, method: str) -> None:
        self.contract = ContractMethod.from_path(method)
        self._span_name = self.contract.span_name
        self._metrics = metrics_on()
        self._attributes = self.contract.attributes()
        self._children: dict[tuple[grpc.StatusCode, str], tuple[Any, Any]] = {}
        self._callers: set[str] = set()
        if self._metrics:
            contract = self.contract
            API_METHODS.labels(contract.service, contract.method, contract.api_version).set(1)

    def _labelled(self, code: grpc.StatusCode, caller: str) -> tuple[Any, Any]:
        """The counter and histogram of one code and caller, kept for the next call while few."""
        contract = self.contract
        label = caller_label(caller, self._callers)
        labels = (contract.service, contract.method, contract.api_version, code.name, label)
        children = (SERVER_CALLS.labels(*labels), SERVER_CALL_DURATION.labels(*labels))
        if label != "other":
            # Callers beyond the label limit are looked up each time, so this table stays bounded too.
            self._children[code, caller] = children
        return children

    def start(self, metadata: Any, request_id: str) -> _Active | None:
        """Starts the call's server span under the caller's `traceparent` and makes it current."""
        if tracing() is None:
            return None
        traceparent = traceparent_of(metadata)
        unsampled = serving_unsampled(traceparent)
        if unsampled is not None:
            return _Active(None, None, unsampled)
        span, span_context = child_span(
            self._span_name,
            SpanKind.SERVER,
            self._attributes,
            parent=parse_traceparent(traceparent) if traceparent else None,
        )
        if span_context is None:
            return None
        if span is not None:
            span.set_attribute("pagemesh.request_id", request_id)
            current: Span = span
        else:
            # Not sampled: no span, but this call's own calls still carry the trace on, unsampled.
            current = NonRecordingSpan(span_context)
        return _Active(span, otel_context.attach(trace.set_span_in_context(current)))

    def finish(self, active: _Active | None, code: grpc.StatusCode, seconds: float, caller: str) -> None:
        """Counts the call and ends its span."""
        if self._metrics:
            children = self._children.get((code, caller))
            if children is None:
                children = self._labelled(code, caller)
            children[0].inc()
            children[1].observe(seconds)
        if active is None:
            return
        if active.token is None:
            if active.unsampled is not None:
                end_serving_unsampled(active.unsampled)
            return
        otel_context.detach(active.token)
        span = active.span
        if span is not None:
            span.set_attributes({"rpc.grpc.status_code": code.value[0], "pagemesh.caller": caller})
            if code in _SERVER_ERRORS:
                span.set_status(Status(StatusCode.ERROR, code.name))
            span.end()
