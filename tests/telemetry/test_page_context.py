"""The aggregator's trace context in-process, over in-memory backends: what each backend call carries.

Beside the end-to-end traces (test_traces.py): an unsampled page started here (an HTTP page) must pass
its one decision to every call, or each backend would start traces of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator import FunctionDownstream, PageAssembler
from pagemesh.runtime import Settings
from pagemesh.telemetry import TRACEPARENT, configure_telemetry, parse_traceparent, read_spans, tracing
from tests.aggregator.doubles import backends


@pytest.fixture
def sampling(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    configure_telemetry("aggregator", Settings(tracing=False))


def traceparents(downstreams: dict[str, FunctionDownstream]) -> list[str]:
    """The `traceparent` each recorded call carried (calls without one are left out)."""
    return [
        metadata[TRACEPARENT]
        for downstream in downstreams.values()
        for _, _, _, metadata in downstream.calls
        if TRACEPARENT in metadata
    ]


async def test_an_unsampled_page_passes_one_unsampled_context_to_every_call(sampling: Path) -> None:
    configure_telemetry(
        "aggregator",
        Settings(data_dir=sampling, traces_sampler="parentbased_traceidratio", traces_sampler_ratio=0),
    )
    doubles = backends()
    assembler = PageAssembler(doubles)
    await assembler.assemble("P00001", "u-alice", request_id="r-1")
    sent = [parse_traceparent(value) for value in traceparents(doubles)]
    assert len(sent) == 6
    assert all(context is not None and not context.trace_flags.sampled for context in sent)
    assert len({context.trace_id for context in sent if context is not None}) == 1
    current = tracing()
    assert current is not None
    current.shutdown()
    assert read_spans(sampling / "traces") == []


async def test_a_sampled_page_sends_each_call_its_own_client_span(sampling: Path) -> None:
    configure_telemetry("aggregator", Settings(data_dir=sampling, traces_sampler="parentbased_always_on"))
    doubles = backends()
    assembler = PageAssembler(doubles)
    await assembler.assemble("P00001", "u-alice", request_id="r-2")
    current = tracing()
    assert current is not None
    current.shutdown()
    spans = {span.span_id: span for span in read_spans(sampling / "traces")}
    sent = [parse_traceparent(value) for value in traceparents(doubles)]
    assert len(sent) == 6
    page = next(span for span in spans.values() if span.name == "page")
    assert page.parent_span_id == ""  # no server span in-process: the page starts the trace
    for context in sent:
        assert context is not None
        assert context.trace_flags.sampled
        client = spans[f"{context.span_id:016x}"]  # each call carries its own client span's id
        assert client.kind == "CLIENT"
        assert client.parent_span_id == page.span_id
        assert client.trace_id == page.trace_id


async def test_without_tracing_no_traceparent_is_sent(sampling: Path) -> None:
    configure_telemetry("aggregator", Settings(tracing=False))
    doubles = backends()
    await PageAssembler(doubles).assemble("P00001", "u-alice", request_id="r-3")
    assert sum(len(d.calls) for d in doubles.values()) == 6
    assert traceparents(doubles) == []


async def test_the_result_carries_the_pages_context_for_its_events(sampling: Path) -> None:
    configure_telemetry("aggregator", Settings(data_dir=sampling, traces_sampler="parentbased_always_on"))
    result = await PageAssembler(backends()).assemble("P00001", "u-alice", request_id="r-4")
    current = tracing()
    assert current is not None
    current.shutdown()
    page = next(span for span in read_spans(sampling / "traces") if span.name == "page")
    context = parse_traceparent(result.traceparent)
    assert context is not None
    assert (f"{context.trace_id:032x}", f"{context.span_id:016x}") == (page.trace_id, page.span_id)
    assert context.trace_flags.sampled
