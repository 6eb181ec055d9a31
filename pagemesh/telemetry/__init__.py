"""Seeing the mesh: OpenTelemetry traces through every hop and the bus, and Prometheus metrics.

- `configure_telemetry(part, settings)`: the process's tracer (OTLP, or JSON lines under the data dir);
- `ServerCallTelemetry`: each RPC's server span and call metrics, used by the one server interceptor;
- `child_span`, `linked_span`, `format_traceparent`, `TRACEPARENT`: spans for client calls, pages and
  bus consumers, and the W3C context that crosses gRPC metadata and event envelopes;
- the metric definitions (`pagemesh.telemetry._metrics` lists them all);
- the bus's API: `event_published`, `consuming_event` (the consumer's span, linked to the producer),
  `event_dead_lettered`, `set_consumer_lag`, and `current_traceparent` for the envelope;
- `read_spans`: the JSON-lines spans, for `pagemesh trace`;
- `start_prometheus` / `ManagedPrometheus`: a private Prometheus over the mesh's admin ports, with the
  shipped rules (`RULES_PATH`); `DASHBOARD_PATH` is the Grafana dashboard.

Its modules import `pagemesh.runtime`'s submodules, never the package, because the runtime's interceptor
imports this package while the runtime itself is still being imported.
"""

from __future__ import annotations

from pagemesh.telemetry._bus import (
    ConsumedEvent,
    Consumption,
    consuming_event,
    consuming_events,
    event_dead_lettered,
    event_published,
    set_consumer_lag,
)
from pagemesh.telemetry._calls import UNAUTHENTICATED, ContractMethod, ServerCallTelemetry, caller_label
from pagemesh.telemetry._files import JsonLinesSpanExporter, SpanRecord, read_spans
from pagemesh.telemetry._prometheus import (
    DASHBOARD_PATH,
    RULES_PATH,
    ManagedPrometheus,
    PrometheusError,
    RunningPrometheus,
    start_prometheus,
)
from pagemesh.telemetry._tracing import (
    TRACEPARENT,
    Tracing,
    activated,
    child_span,
    configure_telemetry,
    current_traceparent,
    extract_traceparent,
    format_traceparent,
    linked_span,
    metrics_on,
    parse_traceparent,
    tracing,
)

__all__ = [
    "DASHBOARD_PATH",
    "RULES_PATH",
    "TRACEPARENT",
    "UNAUTHENTICATED",
    "ConsumedEvent",
    "Consumption",
    "ContractMethod",
    "JsonLinesSpanExporter",
    "ManagedPrometheus",
    "PrometheusError",
    "RunningPrometheus",
    "ServerCallTelemetry",
    "SpanRecord",
    "Tracing",
    "activated",
    "caller_label",
    "child_span",
    "configure_telemetry",
    "consuming_event",
    "consuming_events",
    "current_traceparent",
    "event_dead_lettered",
    "event_published",
    "extract_traceparent",
    "format_traceparent",
    "linked_span",
    "metrics_on",
    "parse_traceparent",
    "read_spans",
    "set_consumer_lag",
    "start_prometheus",
    "tracing",
]
