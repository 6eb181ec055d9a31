"""The aggregator's trace context in-process, over in-memory backends: what each backend call carries.

Beside the end-to-end traces (test_traces.py): an unsampled page started here (an HTTP page) must pass
its one decision to every call, or each backend would start traces of its own; and a page served for an
unsampled caller passes the caller's `traceparent` on as it came, though the server never parsed it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from aggregator import FunctionDownstream, PageAssembler
from pagemesh.runtime import Settings
from pagemesh.telemetry import (
    TRACEPARENT,
    configure_telemetry,
    current_traceparent,
    format_traceparent,
    parse_traceparent,
    read_spans,
    tracing,
)
from pagemesh.telemetry._calls import ServerCallTelemetry
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


UNSAMPLED = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-00"


async def test_a_page_for_an_unsampled_caller_passes_the_callers_traceparent_on_unchanged(
    sampling: Path,
) -> None:
    configure_telemetry("aggregator", Settings(data_dir=sampling, traces_sampler="parentbased_always_on"))
    server = ServerCallTelemetry("/pagemesh.page.v2.PageService/GetProductPage")
    doubles = backends()
    serving = server.start(((TRACEPARENT, UNSAMPLED), ("x-request-id", "r-4")), "r-4")
    assert serving is not None
    assert serving.span is None
    assert serving.token is None  # no OpenTelemetry context made: the value is kept as it came
    assert serving.unsampled is not None
    assert current_traceparent() == UNSAMPLED  # what an event published now carries
    await PageAssembler(doubles).assemble("P00001", "u-alice", request_id="r-4")
    server.finish(serving, grpc.StatusCode.OK, 0.01, "unauthenticated")
    assert current_traceparent() == ""
    assert traceparents(doubles) == [UNSAMPLED] * 6
    current = tracing()
    assert current is not None
    current.shutdown()
    assert read_spans(sampling / "traces") == []


@pytest.mark.parametrize(
    "value",
    [
        "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01",  # sampled: a server span
        "00-0AF7651916CD43DD8448EB211C80319C-00F067AA0BA902B7-00",  # upper case: not W3C
        "00-00000000000000000000000000000000-00f067aa0ba902b7-00",  # no trace
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-00",  # no parent span
        "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-00-x",  # version 00 is 55 characters
        "01-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-00-x",  # a later version: parsed
        "garbage",
    ],
)
async def test_only_a_well_formed_unsampled_traceparent_skips_the_span_context(
    sampling: Path, value: str
) -> None:
    configure_telemetry("product", Settings(data_dir=sampling, traces_sampler="parentbased_always_on"))
    server = ServerCallTelemetry("/pagemesh.product.v2.ProductService/GetProduct")
    serving = server.start(((TRACEPARENT, value),), "r-5")
    assert serving is not None
    assert serving.unsampled is None  # the long way: parsed into a context, or a span made
    expected = parse_traceparent(value)
    if expected is not None and not expected.trace_flags.sampled:
        assert current_traceparent() == format_traceparent(expected)  # as version 00, lower case
    server.finish(serving, grpc.StatusCode.OK, 0.01, "unauthenticated")
    assert current_traceparent() == ""


async def test_a_sampler_that_ignores_the_parent_still_sees_unsampled_callers(sampling: Path) -> None:
    configure_telemetry("product", Settings(data_dir=sampling, traces_sampler="always_on"))
    server = ServerCallTelemetry("/pagemesh.product.v2.ProductService/GetProduct")
    serving = server.start(((TRACEPARENT, UNSAMPLED),), "r-6")
    assert serving is not None
    assert serving.unsampled is None
    assert serving.span is not None  # always_on samples it anyway, under the caller's trace
    assert f"{serving.span.get_span_context().trace_id:032x}" == UNSAMPLED[3:35]
    server.finish(serving, grpc.StatusCode.OK, 0.01, "unauthenticated")
