"""The aggregator's traces and metrics: the page span, a client span per backend call, and counters.

A page's trace: the server span of `GetProductPage` (made by the one interceptor) holds the page span
(product id, degraded sections, backends called in v1, an event per degraded section with its status),
which holds one client span per backend call, with the contract's package and API version. A hedge is a
second client span beside the first, marked `pagemesh.hedge`. Each call carries its span's `traceparent`
to the backend, whose server span is the client span's child. Unsampled pages make none of these spans
and only pass the trace on, unsampled.

Metrics per page go to the counters of `pagemesh.telemetry._metrics`; the per-backend counters (calls,
hedges, fallbacks, API version) are read from the clients' own statistics when `/metrics` is scraped, so
they cost nothing per call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from contextvars import Token
from typing import Any

import grpc
from google.protobuf.message import Message
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace import NonRecordingSpan, Span, SpanKind, Status, StatusCode
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from aggregator._backends import Backend
from aggregator._downstream import BackendError, ForwardingCall, Metadata, Pending
from pagemesh.telemetry import (
    TRACEPARENT,
    ContractMethod,
    activated,
    child_span,
    format_traceparent,
    metrics_on,
    parse_traceparent,
)
from pagemesh.telemetry._metrics import PAGE_DEGRADED_SECTIONS, PAGE_DURATION, PAGES, PAGES_DEGRADED, labelled

__all__ = ["BackendStatsCollector", "BackendTelemetry", "PageTelemetry", "PageTrace", "incoming_trace"]

_CODES = {code.value[0]: code for code in grpc.StatusCode}


def incoming_trace(traceparent: str) -> AbstractContextManager[None]:
    """Makes an HTTP request's `traceparent` header (e.g. from a proxy that started the trace) the
    parent of the page inside the block; without one, the page starts its own trace."""
    return activated(parse_traceparent(traceparent) if traceparent else None)


class _TracedCall(ForwardingCall):
    """A backend call in flight (a `Pending`) whose client span ends with it: answered, failed, cancelled."""

    __slots__ = ("_span",)

    def __init__(self, call: Pending[Message], span: Span) -> None:
        super().__init__(call)
        self._span: Span | None = span

    def _end(self, code: grpc.StatusCode, message: str) -> None:
        span = self._span
        if span is None:
            return
        self._span = None
        span.set_attribute("rpc.grpc.status_code", code.value[0])
        if code is not grpc.StatusCode.OK:
            span.set_status(Status(StatusCode.ERROR, f"{code.name}: {message}" if message else code.name))
        span.end()

    def cancel(self) -> bool:
        cancelled = super().cancel()
        # A call that had already answered was the slower one of a hedged pair: its answer went unused.
        self._end(
            grpc.StatusCode.CANCELLED,
            "the page no longer needed it" if cancelled else "answered after the other call",
        )
        return cancelled

    def __await__(self) -> Generator[Any, None, Message]:
        try:
            response: Message = yield from super().__await__()
        except BackendError as error:
            self._end(error.code, error.message)
            raise
        except asyncio.CancelledError:
            self._end(grpc.StatusCode.CANCELLED, "the page no longer needed it")
            raise
        self._end(grpc.StatusCode.OK, "")
        return response


class BackendTelemetry:
    """Client spans and trace propagation for the calls to one backend."""

    def __init__(self, backend: Backend, address: str = "") -> None:
        self.backend = backend.name
        self._record = backend
        self._address = address
        self._spans: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}

    def _span_of(self, version: str, method: str) -> tuple[str, dict[str, Any]]:
        found = self._spans.get((version, method))
        if found is None:
            service = self._record.contract(version).service.full_name
            contract = ContractMethod.from_path(f"{service}/{method}")
            attributes = {**contract.attributes(), "pagemesh.backend": self.backend}
            if self._address:
                attributes["server.address"] = self._address
            found = self._spans[version, method] = (contract.span_name, attributes)
        return found

    def start(
        self,
        version: str,
        method: str,
        metadata: Metadata,
        send: Callable[[Metadata], Pending[Message]],
        *,
        hedge: bool = False,
    ) -> Pending[Message]:
        """Sends the call through `send(metadata)`, with a client span and `traceparent` when tracing."""
        name, attributes = self._span_of(version, method)
        span, span_context = child_span(name, SpanKind.CLIENT, attributes)
        if span_context is None:
            return send(metadata)
        call = send((*metadata, (TRACEPARENT, format_traceparent(span_context))))
        if span is None:
            return call
        if hedge:
            span.set_attribute("pagemesh.hedge", True)
        return _TracedCall(call, span)


class PageTrace:
    """One page's span (None when the page is not sampled) and the context to restore after it."""

    __slots__ = ("span", "token")

    def __init__(self, span: Span | None, token: Token[Context] | None) -> None:
        self.span = span
        self.token = token


class PageTelemetry:
    """The page span and the page metrics."""

    def __init__(self) -> None:
        self._metrics = metrics_on()

    def begin(self, product_id: str, signed_in: bool, request_id: str) -> PageTrace:
        """Starts the page span under the current span (the gRPC call's, or none for HTTP) and makes it
        current, so the backend calls are its children."""
        span, span_context = child_span(
            "page",
            SpanKind.INTERNAL,
            {
                "pagemesh.product_id": product_id,
                "pagemesh.signed_in": signed_in,
                "pagemesh.request_id": request_id,
            },
        )
        if span is not None:
            return PageTrace(span, otel_context.attach(trace.set_span_in_context(span)))
        if span_context is None or span_context == trace.get_current_span().get_span_context():
            return PageTrace(None, None)  # not tracing, or the unsampled call's context is current already
        # An unsampled page that starts its trace here (HTTP): its calls must carry that decision on, or
        # each would make one of its own.
        return PageTrace(None, otel_context.attach(trace.set_span_in_context(NonRecordingSpan(span_context))))

    def end(
        self,
        page: PageTrace,
        *,
        code: str,
        seconds: float,
        degraded: Sequence[tuple[str, int, str]],
        versions: Mapping[str, str],
    ) -> None:
        """Counts the page, records its degraded sections (name, status code, message) and ends its span."""
        if self._metrics:
            labelled(PAGES, code).inc()
            labelled(PAGE_DURATION, code).observe(seconds)
            if degraded:
                PAGES_DEGRADED.inc()
                for section, status, _ in degraded:
                    labelled(PAGE_DEGRADED_SECTIONS, section, _code_name(status)).inc()
        if page.token is not None:
            otel_context.detach(page.token)
        span = page.span
        if span is None:
            return
        span.set_attribute("pagemesh.degraded_sections", [name for name, _, _ in degraded])
        span.set_attribute("pagemesh.v1_backends", sorted(b for b, v in versions.items() if v == "v1"))
        for section, status, message in degraded:
            span.add_event(
                "section degraded",
                {
                    "pagemesh.section": section,
                    "rpc.grpc.status_code": status,
                    "pagemesh.status": _code_name(status),
                    "pagemesh.message": message,
                },
            )
        if code != "OK":
            span.set_status(Status(StatusCode.ERROR, code))
        span.end()


def _code_name(status: int) -> str:
    code = _CODES.get(status)
    return code.name if code is not None else str(status)


class BackendStatsCollector(Collector):
    """The aggregator's per-backend counters, read from `stats()` (see `PageAssembler.stats`) at scrape."""

    def __init__(self, stats: Callable[[], Mapping[str, Mapping[str, Any]]]) -> None:
        self._stats = stats

    def collect(self) -> Iterable[Metric]:
        stats = self._stats()
        families = {
            "calls": CounterMetricFamily(
                "pagemesh_backend_calls",
                "Calls to each backend (a hedged call counts once).",
                labels=["backend"],
            ),
            "hedges": CounterMetricFamily(
                "pagemesh_hedges_sent", "Extra calls sent as hedges, per backend.", labels=["backend"]
            ),
            "hedge_wins": CounterMetricFamily(
                "pagemesh_hedges_won", "Hedges that answered before the original call.", labels=["backend"]
            ),
            "hedges_withheld": CounterMetricFamily(
                "pagemesh_hedges_withheld",
                "Hedges due but not sent because recent hedges rarely won.",
                labels=["backend"],
            ),
            "fallbacks": CounterMetricFamily(
                "pagemesh_version_fallbacks",
                "Times a backend answered UNIMPLEMENTED for v2 and was called in v1 instead.",
                labels=["backend"],
            ),
        }
        version = GaugeMetricFamily(
            "pagemesh_backend_api_version",
            "1 for the API version the aggregator calls each backend in now.",
            labels=["backend", "api_version"],
        )
        for backend, figures in sorted(stats.items()):
            for key, family in families.items():
                family.add_metric([backend], float(figures[key]))
            version.add_metric([backend, str(figures["version"])], 1.0)
        return [*families.values(), version]
