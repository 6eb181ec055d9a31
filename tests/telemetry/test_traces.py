"""Traces through every hop, from real processes: a page's spans, hedges, degraded sections, waterfalls."""

from __future__ import annotations

import subprocess
import time
import urllib.request

import grpc

from pagemesh.page.v2 import page_pb2, page_pb2_grpc
from pagemesh.runtime import REQUEST_ID_KEY, SERVICES
from pagemesh.security import spiffe_id
from pagemesh.telemetry import SpanRecord, read_spans
from pagemesh.telemetry.trace_cli import find_trace
from tests.harness import operator_channel
from tests.telemetry.conftest import TracedMesh, pagemesh


def fetch_page(
    address: str, product_id: str, user_id: str = "", metadata: tuple[tuple[str, str], ...] = ()
) -> tuple[page_pb2.GetProductPageResponse, str]:
    """The page and its request id."""
    with operator_channel(address) as channel:
        response, call = page_pb2_grpc.PageServiceStub(channel).GetProductPage.with_call(
            page_pb2.GetProductPageRequest(product_id=product_id, user_id=user_id),
            timeout=10,
            metadata=metadata,
        )
    request_ids = [value for key, value in call.trailing_metadata() or () if key == REQUEST_ID_KEY]
    assert request_ids, "the aggregator returns the request id it made"
    return response, str(request_ids[0])


def only(spans: list[SpanRecord], **where: object) -> SpanRecord:
    found = matching(spans, **where)
    assert len(found) == 1, (where, [(s.service, s.name) for s in found])
    return found[0]


def matching(spans: list[SpanRecord], **where: object) -> list[SpanRecord]:
    def fits(span: SpanRecord) -> bool:
        for key, value in where.items():
            actual = getattr(span, key) if hasattr(span, key) else span.attributes.get(key.replace("__", "."))
            if actual != value:
                return False
        return True

    return [span for span in spans if fits(span)]


def test_one_page_is_one_trace_of_page_client_and_server_spans(traced: TracedMesh) -> None:
    page, request_id = fetch_page(traced.aggregator.address, "P00002", "u-alice")
    assert not page.degraded_sections
    # The bus consumers' spans join the trace later (see the next test); this one is about the page.
    spans = [s for s in find_trace(traced.traces, request_id) if s.kind != "CONSUMER"]

    trace_ids = {span.trace_id for span in spans}
    assert len(trace_ids) == 1
    # Every span about this request is in that one trace, in whichever process made it.
    about = [
        s
        for s in read_spans(traced.traces, request_id)
        if s.attributes.get("pagemesh.request_id") == request_id
    ]
    assert len(about) == 1 + 1 + 6  # the aggregator's server span, the page span, the backends' server spans
    assert {s.trace_id for s in about} == trace_ids

    root = only(spans, kind="SERVER", service="aggregator")
    assert root.parent_span_id == ""  # the test client sent no traceparent
    assert root.attributes["rpc.service"] == "pagemesh.page.v2.PageService"
    assert root.attributes["pagemesh.request_id"] == request_id
    assert root.attributes["pagemesh.caller"] == spiffe_id("operator")
    page_span = only(spans, name="page")
    assert page_span.parent_span_id == root.span_id
    assert page_span.attributes["pagemesh.product_id"] == "P00002"
    assert page_span.attributes["pagemesh.degraded_sections"] == []

    clients = matching(spans, kind="CLIENT")
    assert len(clients) == 6
    assert {c.attributes["pagemesh.backend"] for c in clients} == set(SERVICES)
    for client in clients:
        backend = client.attributes["pagemesh.backend"]
        assert client.parent_span_id == page_span.span_id
        assert client.service == "aggregator"
        assert client.attributes["pagemesh.contract"] == f"pagemesh.{backend}.v2"
        assert client.attributes["pagemesh.api_version"] == "v2"
        assert client.status == "UNSET"
        server = only(spans, kind="SERVER", parent_span_id=client.span_id)
        assert server.service == backend
        assert server.attributes["rpc.service"] == client.attributes["rpc.service"]
        assert server.attributes["rpc.method"] == client.attributes["rpc.method"]
        assert server.attributes["pagemesh.caller"] == spiffe_id("aggregator")
        assert client.start_ns <= server.start_ns
        assert server.end_ns <= client.end_ns + 5_000_000
    assert len(spans) == 1 + 1 + 6 + 6


def test_each_consumer_group_handles_the_page_view_in_a_span_linked_to_the_page(traced: TracedMesh) -> None:
    _, request_id = fetch_page(traced.aggregator.address, "P00005", "u-alice")
    deadline = time.monotonic() + 20
    while True:
        spans = find_trace(traced.traces, request_id)
        consumers = matching(spans, kind="CONSUMER")
        if len(consumers) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    page_span = only(spans, name="page")
    assert sorted(c.attributes["messaging.consumer.group.name"] for c in consumers) == [
        "history",
        "recommendations",
    ]
    for consumer in consumers:
        assert consumer.service == consumer.attributes["messaging.consumer.group.name"]
        assert consumer.trace_id == page_span.trace_id
        assert consumer.parent_span_id == page_span.span_id
        assert (page_span.trace_id, page_span.span_id) in consumer.links
        assert consumer.attributes["pagemesh.outcome"] == "processed"
        assert consumer.start_ns >= page_span.start_ns


def test_a_callers_traceparent_is_continued_and_an_unsampled_one_makes_no_spans(traced: TracedMesh) -> None:
    trace_id, parent = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    _, request_id = fetch_page(
        traced.aggregator.address, "P00003", metadata=(("traceparent", f"00-{trace_id}-{parent}-01"),)
    )
    spans = find_trace(traced.traces, request_id)
    assert {s.trace_id for s in spans} == {trace_id}
    assert only(spans, kind="SERVER", service="aggregator").parent_span_id == parent

    unsampled = "0af7651916cd43dd8448eb211c80319c"
    _, quiet_id = fetch_page(
        traced.aggregator.address, "P00003", metadata=(("traceparent", f"00-{unsampled}-{parent}-00"),)
    )
    time.sleep(1.5)  # longer than the exporters' batch delay
    assert not [
        s for s in read_spans(traced.traces, quiet_id) if s.attributes.get("pagemesh.request_id") == quiet_id
    ]
    assert not [s for s in read_spans(traced.traces, unsampled) if s.trace_id == unsampled]


def test_a_hedged_degraded_section_shows_two_sibling_spans_and_its_status(traced: TracedMesh) -> None:
    page, request_id = fetch_page(traced.troubled.address, "P00004")
    # Reviews answer after 1 s; on a busy machine another section may miss the 300 ms deadline too.
    assert page_pb2.SECTION_REVIEWS in [d.section for d in page.degraded_sections]
    spans = find_trace(traced.traces, request_id)
    page_span = only(spans, name="page")

    reviews = matching(spans, kind="CLIENT", pagemesh__backend="reviews")
    assert len(reviews) == 2
    assert {c.parent_span_id for c in reviews} == {page_span.span_id}  # siblings under the page
    assert sorted(bool(c.attributes.get("pagemesh.hedge")) for c in reviews) == [False, True]
    for client in reviews:
        assert client.status == "ERROR"
        # Each attempt reached the reviews service: its server span is the attempt's child.
        assert only(spans, kind="SERVER", parent_span_id=client.span_id).service == "reviews"
    hedge = only(reviews, pagemesh__hedge=True)
    first = only(reviews, pagemesh__hedge=None)
    assert hedge.start_ns - first.start_ns >= 15_000_000  # sent after the 20 ms hedge delay

    assert "reviews" in page_span.attributes["pagemesh.degraded_sections"]
    events = {attrs["pagemesh.section"]: (name, attrs) for _, name, attrs in page_span.events}
    assert set(events) == set(page_span.attributes["pagemesh.degraded_sections"])
    name, attributes = events["reviews"]
    assert name == "section degraded"
    assert attributes["pagemesh.section"] == "reviews"
    assert attributes["pagemesh.status"] == "DEADLINE_EXCEEDED"
    assert attributes["rpc.grpc.status_code"] == grpc.StatusCode.DEADLINE_EXCEEDED.value[0]
    assert "300 ms" in attributes["pagemesh.message"]


def run_trace(traced: TracedMesh, *args: str) -> subprocess.CompletedProcess[str]:
    return pagemesh("trace", *args, env=traced.environment())


def wait_for_consumers(traced: TracedMesh, request_id: str) -> None:
    """Until both consumer groups have handled the page's view (their spans are written)."""
    deadline = time.monotonic() + 20
    while len(matching(find_trace(traced.traces, request_id), kind="CONSUMER")) < 2:
        assert time.monotonic() < deadline, "the page view was not consumed within 20 s"
        time.sleep(0.2)


def test_pagemesh_trace_latest_draws_the_page_that_just_happened(traced: TracedMesh) -> None:
    _, request_id = fetch_page(traced.aggregator.address, "P00005", "u-alice")
    wait_for_consumers(traced, request_id)
    done = run_trace(traced, "latest")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("trace ")
    assert f"request {request_id}" in lines[0]
    assert "page P00005 (signed in)" in lines[0]
    assert "14 spans" in lines[0]
    assert lines[1].split()[:2] == ["PART", "SPAN"]
    consumed = [line for line in lines if line.startswith("consumed: ")]
    assert sorted(line.split(" by ")[1].split()[0] for line in consumed) == ["history", "recommendations"]
    assert all("ms after the page" in line and line.endswith("processed") for line in consumed)
    rows = [line for line in lines[2:-1] if line not in consumed]
    assert rows[0].startswith("aggregator")
    assert "GetProductPage v2" in rows[0]
    assert "└ page P00005" in rows[1]
    for backend in SERVICES:
        # The aggregator's call, then the backend's own span under it.
        assert any(r.startswith("aggregator") and f"→ {backend} " in r for r in rows), backend
        assert any(r.startswith(backend) for r in rows), backend
    for row in rows:
        bar = row.split("|")[1]
        assert len(bar) == 48, row
        assert "█" in bar, row
    assert lines[-1].startswith("legend:")

    # The same page by its request id, narrower.
    by_id = run_trace(traced, request_id, "--width", "20")
    assert by_id.returncode == 0, by_id.stderr
    assert by_id.stdout.splitlines()[0] == lines[0]
    assert all(
        len(r.split("|")[1]) == 20 for r in by_id.stdout.splitlines()[2:-1] if not r.startswith("consumed: ")
    )


def test_pagemesh_trace_marks_hedges_and_degraded_sections(traced: TracedMesh) -> None:
    _, request_id = fetch_page(traced.troubled.address, "P00006")
    done = run_trace(traced, request_id)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    hedge_rows = [r for r in out.splitlines() if "→ reviews" in r]
    assert len(hedge_rows) == 2
    assert sum("HEDGE" in r for r in hedge_rows) == 1
    assert all("░" in r.split("|")[1] for r in hedge_rows)  # failed calls
    page_row = out.splitlines()[3]
    assert "└ page P00006" in page_row
    assert "reviews" in page_row.split("degraded: ")[1].split(", ")
    assert any(line.startswith("degraded: reviews DEADLINE_EXCEEDED: ") for line in out.splitlines())
    # On a busy machine other sections may be hedged too (the hedge delay is a fixed 20 ms here).
    hedged = [line for line in out.splitlines() if line.startswith("hedged: ")]
    assert len(hedged) == 1
    assert "reviews" in hedged[0].removeprefix("hedged: ").split(", ")


def test_pagemesh_trace_says_what_is_missing_in_one_line(traced: TracedMesh) -> None:
    done = run_trace(traced, "ffffffffffffffff")
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "no spans for request id 'ffffffffffffffff'" in done.stderr

    empty = pagemesh("trace", "latest", "--data-dir", str(traced.data_dir / "nowhere"))
    assert empty.returncode == 1
    assert empty.stderr.startswith("pagemesh trace: ")
    assert "does not exist" in empty.stderr


def test_an_http_page_continues_the_trace_a_proxy_started(traced: TracedMesh) -> None:
    trace_id, parent = "5bf92f3577b34da6a3ce929d0e0e4737", "10f067aa0ba902b8"
    request = urllib.request.Request(
        f"{traced.aggregator.base_url}/products/P00007",
        headers={"traceparent": f"00-{trace_id}-{parent}-01"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        request_id = response.headers["X-Request-Id"]
    spans = find_trace(traced.traces, request_id)
    page_span = only(spans, name="page")
    assert page_span.trace_id == trace_id
    assert page_span.parent_span_id == parent
    assert len(matching(spans, kind="CLIENT")) == 5  # an anonymous visitor has no history section


def test_pagemesh_page_trace_then_pagemesh_trace_draws_that_page(traced: TracedMesh) -> None:
    page = pagemesh(
        "page", "P00008", "--trace", "--address", traced.aggregator.address, env=traced.environment()
    )
    assert page.returncode == 0, page.stderr
    assert page.stdout.splitlines()[0].endswith("(P00008)")
    hint = page.stderr.strip()
    assert hint.startswith("trace ")
    trace_id = hint.split()[1].rstrip(":")
    assert hint.endswith(f"see it with `pagemesh trace {trace_id}`")
    drawn = run_trace(traced, trace_id)
    assert drawn.returncode == 0, drawn.stderr
    assert drawn.stdout.startswith(f"trace {trace_id}  request ")
    assert "page P00008" in drawn.stdout.splitlines()[0]
