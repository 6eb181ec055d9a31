"""The bus's telemetry API, in-process: the consumer span continues and links to the producer's trace,
outcomes are counted per group. (The end-to-end test through a real bus lives with the bus's consumers.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from pagemesh.runtime import Settings
from pagemesh.telemetry import (
    configure_telemetry,
    consuming_event,
    consuming_events,
    current_traceparent,
    event_dead_lettered,
    event_published,
    read_spans,
    set_consumer_lag,
    tracing,
)

EVENT = "pagemesh.events.v1.ProductViewed"
TRACE_ID, PRODUCER = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"


@pytest.fixture
def traced_here(tmp_path: Path) -> Iterator[Path]:
    """This process traces every span to JSON lines under `tmp_path`, then stops tracing."""
    configure_telemetry("history", Settings(data_dir=tmp_path, traces_sampler="parentbased_always_on"))
    yield tmp_path / "traces"
    configure_telemetry("history", Settings(tracing=False))


def consumed(group: str, outcome: str) -> float:
    labels = {"group": group, "event_type": EVENT, "outcome": outcome}
    return REGISTRY.get_sample_value("pagemesh_bus_consumed_total", labels) or 0.0


def test_a_consumer_span_continues_the_producers_trace_and_links_to_it(traced_here: Path) -> None:
    group = "history-test"
    before = {outcome: consumed(group, outcome) for outcome in ("processed", "duplicate", "failed")}
    with consuming_event(group, EVENT, "evt-1", f"00-{TRACE_ID}-{PRODUCER}-01"):
        # Work done while handling the event belongs to its trace (e.g. an event it publishes in turn).
        inside = current_traceparent()
    with consuming_event(group, EVENT, "evt-1", f"00-{TRACE_ID}-{PRODUCER}-01") as again:
        again.mark_duplicate()
    with (
        pytest.raises(ValueError, match="bad payload"),
        consuming_event(group, EVENT, "evt-2", f"00-{TRACE_ID}-{PRODUCER}-01"),
    ):
        raise ValueError("bad payload")
    # An unsampled producer: no span, still counted.
    with consuming_event(group, EVENT, "evt-3", f"00-{'1' * 32}-{PRODUCER}-00"):
        pass
    current = tracing()
    assert current is not None
    current.shutdown()  # flushes the batch to the file

    spans = read_spans(traced_here)
    assert [s.attributes["messaging.message.id"] for s in spans] == ["evt-1", "evt-1", "evt-2"]
    for span in spans:
        assert span.kind == "CONSUMER"
        assert span.trace_id == TRACE_ID
        assert span.parent_span_id == PRODUCER
        assert span.links == [(TRACE_ID, PRODUCER)]
        assert span.attributes["messaging.consumer.group.name"] == group
        assert span.service == "history"
    assert inside == f"00-{TRACE_ID}-{spans[0].span_id}-01"
    assert [s.attributes["pagemesh.outcome"] for s in spans] == ["processed", "duplicate", "failed"]
    assert spans[2].status == "ERROR"
    assert "bad payload" in spans[2].status_message

    assert consumed(group, "processed") - before["processed"] == 2
    assert consumed(group, "duplicate") - before["duplicate"] == 1
    assert consumed(group, "failed") - before["failed"] == 1


def test_published_dead_lettered_and_lag_are_counted() -> None:
    def sample(name: str, **labels: str) -> float:
        return REGISTRY.get_sample_value(name, labels) or 0.0

    published = sample("pagemesh_bus_published_total", event_type=EVENT)
    dead = sample("pagemesh_bus_dead_lettered_total", group="recommendations", event_type=EVENT)
    event_published(EVENT)
    event_published(EVENT)
    event_dead_lettered("recommendations", EVENT)
    set_consumer_lag("recommendations", 17)
    assert sample("pagemesh_bus_published_total", event_type=EVENT) - published == 2
    assert sample("pagemesh_bus_dead_lettered_total", group="recommendations", event_type=EVENT) - dead == 1
    assert sample("pagemesh_bus_lag_messages", group="recommendations") == 17


def test_a_batch_gives_each_sampled_event_its_own_linked_span(traced_here: Path) -> None:
    group = "recommendations-test"
    other = "5bf92f3577b34da6a3ce929d0e0e4737"
    with consuming_events(
        group,
        [
            (EVENT, "evt-a", f"00-{TRACE_ID}-{PRODUCER}-01"),
            (EVENT, "evt-b", f"00-{other}-{PRODUCER}-01"),
            (EVENT, "evt-c", f"00-{'2' * 32}-{PRODUCER}-00"),  # unsampled: counted, no span
        ],
    ):
        assert current_traceparent() == ""  # several producers: no single span is current
    current = tracing()
    assert current is not None
    current.shutdown()
    spans = sorted(read_spans(traced_here), key=lambda s: str(s.attributes["messaging.message.id"]))
    assert [(s.trace_id, s.attributes["messaging.message.id"]) for s in spans] == [
        (TRACE_ID, "evt-a"),
        (other, "evt-b"),
    ]
    assert all(s.attributes["messaging.batch.message_count"] == 3 for s in spans)
    assert consumed(group, "processed") == 3
