"""What the event bus reports: its counters, and the consumer's span linked to the page that published.

The bus code calls these; nothing here knows a broker:

- `event_published(event_type, count)` after an event is durably published; the envelope's `traceparent` is
  `current_traceparent()` at that moment (the page's context, when a page published it);
- `consuming_event(group, event_type, event_id, traceparent)`: a context manager around handling one event,
  whose CONSUMER span continues the producer's trace and links to the producer's span; it counts the
  outcome (`processed`, or `failed` when the block raises; `mark_duplicate()` inside it for an event the
  group had already handled); `consuming_events(group, events)` does the same for a batch handled at once;
- `event_dead_lettered(group, event_type)` when a group gives up on an event;
- `set_consumer_lag(group, messages)` after each poll: events published but not yet handled by the group.

Label values are the event's type (a contract's full message name) and the group (a service name): both
bounded. Event ids go on the span only, never on a metric.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace import SpanKind, Status, StatusCode

from pagemesh.telemetry._metrics import BUS_CONSUMED, BUS_DEAD_LETTERED, BUS_LAG, BUS_PUBLISHED, labelled
from pagemesh.telemetry._tracing import linked_span, metrics_on, tracing

__all__ = [
    "OUTCOMES",
    "ConsumedEvent",
    "Consumption",
    "consuming_event",
    "consuming_events",
    "event_dead_lettered",
    "event_published",
    "set_consumer_lag",
]

OUTCOMES = ("processed", "duplicate", "failed")


def event_published(event_type: str, count: int = 1) -> None:
    """Counts `count` events published."""
    if metrics_on():
        labelled(BUS_PUBLISHED, event_type).inc(count)


def event_dead_lettered(group: str, event_type: str) -> None:
    """Counts one event moved to `group`'s dead-letter queue."""
    if metrics_on():
        labelled(BUS_DEAD_LETTERED, group, event_type).inc()


def set_consumer_lag(group: str, messages: int) -> None:
    """Records how many events `group` has yet to handle."""
    if metrics_on():
        labelled(BUS_LAG, group).set(messages)


class Consumption:
    """The handling of one event, inside `consuming_event`."""

    __slots__ = ("outcome",)

    def __init__(self) -> None:
        self.outcome = "processed"

    def mark_duplicate(self) -> None:
        """The group had already handled this event (idempotency): counted as `duplicate`."""
        self.outcome = "duplicate"


ConsumedEvent = tuple[str, str, str]
"""(event type, event id, the envelope's traceparent) of an event being handled."""


@contextmanager
def consuming_events(group: str, events: Sequence[ConsumedEvent]) -> Iterator[Consumption]:
    """Handles a batch of events, each under a CONSUMER span linked to its producer; counts the outcome.

    Each event of a batch gets its own span (covering the batch's handling), so every page's trace shows
    its own consumption. A single event's span is also made current, for the handler's own work.
    """
    spans = []
    if tracing() is not None:
        batch = {
            "messaging.system": "pagemesh",
            "messaging.operation.type": "process",
            "messaging.consumer.group.name": group,
            "messaging.batch.message_count": len(events),
        }
        spans = [
            linked_span(
                f"process {event_type}",
                SpanKind.CONSUMER,
                {**batch, "messaging.message.id": event_id, "pagemesh.event_type": event_type},
                traceparent,
            )
            for event_type, event_id, traceparent in events
        ]
    current = spans[0] if len(spans) == 1 else None
    token = otel_context.attach(trace.set_span_in_context(current)) if current is not None else None
    consumption = Consumption()
    try:
        yield consumption
    except BaseException as error:
        consumption.outcome = "failed"
        for span in spans:
            if span is not None:
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, f"{type(error).__name__}: {error}"))
        raise
    finally:
        if token is not None:
            otel_context.detach(token)
        if metrics_on():
            for event_type, count in Counter(event_type for event_type, _, _ in events).items():
                labelled(BUS_CONSUMED, group, event_type, consumption.outcome).inc(count)
        for span in spans:
            if span is not None:
                span.set_attribute("pagemesh.outcome", consumption.outcome)
                span.end()


def consuming_event(
    group: str, event_type: str, event_id: str, traceparent: str
) -> AbstractContextManager[Consumption]:
    """`consuming_events` for one event: its span is current inside the block."""
    return consuming_events(group, [(event_type, event_id, traceparent)])
