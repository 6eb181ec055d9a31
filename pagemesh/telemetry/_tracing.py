"""OpenTelemetry tracing for one pagemesh process: set-up, W3C `traceparent`, and spans that cost little.

`configure_telemetry(part, settings)` makes the process's tracer: the OpenTelemetry SDK with the standard
sampler names (`OTEL_TRACES_SAMPLER*`; pagemesh's default is parent-based with a small ratio), and either
the OTLP exporter (gRPC) when `OTEL_EXPORTER_OTLP_ENDPOINT` is set, or JSON-lines files under
`<data dir>/traces/`, which `pagemesh trace` reads. Without that call, nothing is traced.

The context crosses processes as W3C Trace Context: a `traceparent` entry in gRPC metadata, and the
`traceparent` field of a bus event's envelope. Unsampled work makes no span at all: it only passes its
parent's `traceparent` on (with the sampled flag off), so a backend does not start a trace of its own.
A server serving an unsampled caller (most calls, at the default ratio) does not even read the value into
an OpenTelemetry context: it keeps the string as it came (`serving_unsampled`), and only what passes it on
(a call of its own, an event) parses it. Parsing, a span context, a context and attaching it cost about
64,000 instructions a call (callgrind, one product server: 16% of all a call takes), more than all the
rest of telemetry together.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import (
    INVALID_SPAN,
    Link,
    NonRecordingSpan,
    Span,
    SpanContext,
    SpanKind,
    TraceFlags,
    Tracer,
)

from pagemesh.runtime._config import Settings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.sdk.trace.sampling import Sampler

__all__ = [
    "TRACEPARENT",
    "Tracing",
    "activated",
    "child_span",
    "configure_telemetry",
    "current_traceparent",
    "end_serving_unsampled",
    "extract_traceparent",
    "format_traceparent",
    "linked_span",
    "metrics_on",
    "parse_traceparent",
    "serving_unsampled",
    "traceparent_of",
    "tracing",
]

TRACEPARENT = "traceparent"
"""The W3C Trace Context key, in gRPC metadata (lower-case, as gRPC requires) and in event envelopes."""

_UNSAMPLED_V00 = re.compile(r"00-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f][02468ace]")
"""A well-formed version-00 `traceparent` whose sampled flag is off (ids not all zeros, lower-case hex)."""

_unsampled_caller: ContextVar[str] = ContextVar("pagemesh_unsampled_caller", default="")
"""The `traceparent` of the unsampled call being served, as it came (see `serving_unsampled`)."""


@dataclass(frozen=True)
class Tracing:
    """The process's tracing, once configured."""

    part: str
    tracer: Tracer
    parent_based: bool
    """Whether the sampler follows the parent's decision (then an unsampled parent needs no span)."""
    shutdown: Callable[[], None]
    """Flushes and closes the exporter."""


_tracing: Tracing | None = None
_settings: Settings | None = None


def tracing() -> Tracing | None:
    """The configured tracing, or None when this process does not trace."""
    return _tracing


def metrics_on() -> bool:
    """Whether this process counts calls, pages and events (`PAGEMESH_METRICS`; on until configured)."""
    return _settings is None or _settings.metrics


def _sampler(settings: Settings) -> Sampler:
    from opentelemetry.sdk.trace import sampling  # noqa: PLC0415 - the SDK loads only where it traces

    ratio = settings.traces_sampler_ratio
    return {
        "always_on": sampling.ALWAYS_ON,
        "always_off": sampling.ALWAYS_OFF,
        "traceidratio": sampling.TraceIdRatioBased(ratio),
        "parentbased_always_on": sampling.ParentBased(sampling.ALWAYS_ON),
        "parentbased_always_off": sampling.ParentBased(sampling.ALWAYS_OFF),
        "parentbased_traceidratio": sampling.ParentBased(sampling.TraceIdRatioBased(ratio)),
    }[settings.traces_sampler]


def _exporter(part: str, settings: Settings) -> tuple[SpanExporter, float]:
    """The span exporter and how often (ms) batches are sent to it."""
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (  # noqa: PLC0415
            OTLPSpanExporter,
        )

        # The exporter reads the rest of OTEL_EXPORTER_OTLP_* (headers, certificate, insecure) itself.
        return OTLPSpanExporter(endpoint=settings.otlp_endpoint), 1000.0
    from pagemesh.telemetry._files import JsonLinesSpanExporter  # noqa: PLC0415

    # Short batches, so `pagemesh trace latest` finds a page a moment after it was served.
    return JsonLinesSpanExporter(settings.traces_dir, part), 200.0


def configure_telemetry(part: str, settings: Settings) -> None:
    """Sets up this process's tracing and metrics as `settings` say; call once, before serving."""
    global _tracing, _settings  # noqa: PLW0603 - a process has one tracer provider, like one logger
    _settings = settings
    if _tracing is not None:
        _tracing.shutdown()
        _tracing = None
    if not settings.tracing:
        return
    from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
    from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
    from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: PLC0415

    provider = TracerProvider(
        sampler=_sampler(settings),
        resource=Resource.create(
            {
                "service.name": part,
                "service.namespace": "pagemesh",
                "service.instance.id": f"{part}-{os.getpid()}",
            }
        ),
    )
    exporter, delay_ms = _exporter(part, settings)
    provider.add_span_processor(BatchSpanProcessor(exporter, schedule_delay_millis=delay_ms))
    _tracing = Tracing(
        part=part,
        tracer=provider.get_tracer("pagemesh"),
        parent_based=settings.traces_sampler.startswith("parentbased_"),
        shutdown=provider.shutdown,
    )


_last_formatted: tuple[SpanContext | None, str] = (None, "")


def format_traceparent(span_context: SpanContext) -> str:
    """The `traceparent` value of a span context (version 00)."""
    global _last_formatted  # noqa: PLW0603 - a one-entry cache, see below
    last, value = _last_formatted
    # An unsampled page passes the same context to each of its calls: format it once.
    if last is not span_context:
        value = (
            f"00-{span_context.trace_id:032x}-{span_context.span_id:016x}-{int(span_context.trace_flags):02x}"
        )
        _last_formatted = (span_context, value)
    return value


def parse_traceparent(value: str) -> SpanContext | None:
    """The remote span context a `traceparent` value names, or None when it is malformed.

    Parsed by hand rather than by the SDK's propagator: it runs on every call of every server.
    """
    if len(value) < 55 or value[2] != "-" or value[35] != "-" or value[52] != "-":
        return None
    version = value[:2]
    if version == "ff" or (version == "00" and len(value) != 55) or (len(value) > 55 and value[55] != "-"):
        return None
    try:
        trace_id = int(value[3:35], 16)
        span_id = int(value[36:52], 16)
        flags = int(value[53:55], 16)
    except ValueError:
        return None
    if not trace_id or not span_id:
        return None
    return SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(flags & 1))


def traceparent_of(metadata: Sequence[tuple[str, Any]] | None) -> str:
    """The caller's `traceparent` value in gRPC invocation metadata, as it came ('' when none)."""
    for key, value in metadata or ():
        if key == TRACEPARENT and isinstance(value, str):
            return value
    return ""


def extract_traceparent(metadata: Sequence[tuple[str, Any]] | None) -> SpanContext | None:
    """The caller's span context from gRPC invocation metadata, if it sent one."""
    value = traceparent_of(metadata)
    return parse_traceparent(value) if value else None


def serving_unsampled(traceparent: str) -> Token[str] | None:
    """When the caller's `traceparent` (`traceparent_of`) says its trace is not sampled and this process
    follows its parents' decisions: keeps the value as the current call's context and returns the token
    that ends it (`end_serving_unsampled`). None otherwise: the caller then makes a span context.

    Nothing is parsed here: a leaf server passes nothing on, and what does pass it on parses it then
    (`child_span`, `current_traceparent`). A value this does not take (another version, malformed)
    goes the long way, where `parse_traceparent` decides."""
    tracing_ = _tracing
    if tracing_ is None or not tracing_.parent_based or not _UNSAMPLED_V00.fullmatch(traceparent):
        return None
    return _unsampled_caller.set(traceparent)


def end_serving_unsampled(token: Token[str]) -> None:
    """Ends what `serving_unsampled` began."""
    _unsampled_caller.reset(token)


def current_traceparent() -> str:
    """The `traceparent` of the current span ('' when there is none), e.g. for an event's envelope."""
    span_context = trace.get_current_span().get_span_context()
    if span_context.is_valid:
        return format_traceparent(span_context)
    return _unsampled_caller.get()


def _start(
    tracing_: Tracing,
    name: str,
    kind: SpanKind,
    attributes: Mapping[str, Any],
    parent: SpanContext | None,
    *,
    links: Sequence[Link] = (),
) -> Span:
    parent_context = (
        trace.set_span_in_context(NonRecordingSpan(parent)) if parent is not None else otel_context.Context()
    )
    return tracing_.tracer.start_span(
        name, context=parent_context, kind=kind, attributes=dict(attributes), links=links
    )


def child_span(
    name: str,
    kind: SpanKind,
    attributes: Mapping[str, Any],
    parent: SpanContext | None = None,
) -> tuple[Span | None, SpanContext | None]:
    """A new span under `parent` (default: the current span), and the context to pass on.

    Returns (span, its context) when the span is sampled; (None, the context to propagate) when it is
    not, without making a span if the sampler follows an unsampled parent; (None, None) when this
    process does not trace. The caller ends the span.
    """
    tracing_ = _tracing
    if tracing_ is None:
        return None, None
    if parent is None:
        current = trace.get_current_span().get_span_context()
        if current.is_valid:
            parent = current
        else:
            caller = _unsampled_caller.get()
            parent = parse_traceparent(caller) if caller else None
    if parent is not None and not parent.trace_flags.sampled and tracing_.parent_based:
        return None, parent
    span = _start(tracing_, name, kind, attributes, parent)
    span_context = span.get_span_context()
    if not span.is_recording():
        return None, span_context
    return span, span_context


def linked_span(name: str, kind: SpanKind, attributes: Mapping[str, Any], traceparent: str) -> Span | None:
    """A span that continues the trace named by `traceparent` and links to that span (for bus consumers).

    A consumer handles an event long after the page that produced it; OpenTelemetry's messaging
    conventions make its span a child of the producer's context *and* link it, so the trace shows it
    and tools that follow links find it. None when unsampled or not tracing.
    """
    tracing_ = _tracing
    if tracing_ is None:
        return None
    producer = parse_traceparent(traceparent) if traceparent else None
    if producer is not None and not producer.trace_flags.sampled and tracing_.parent_based:
        return None
    links = [Link(producer)] if producer is not None else []
    span = _start(tracing_, name, kind, attributes, producer, links=links)
    return span if span.is_recording() else None


@contextmanager
def activated(span_context: SpanContext | None, span: Span | None = None) -> Iterator[None]:
    """Makes `span` (or a non-recording span of `span_context`) current inside the block."""
    if span is None and span_context is None:
        yield
        return
    current = span if span is not None else NonRecordingSpan(span_context or INVALID_SPAN.get_span_context())
    token = otel_context.attach(trace.set_span_in_context(current))
    try:
        yield
    finally:
        otel_context.detach(token)
