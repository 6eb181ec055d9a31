"""The waterfall's drawing rules on hand-made spans (the end-to-end ones are in test_traces.py)."""

from __future__ import annotations

from pagemesh.telemetry import SpanRecord
from pagemesh.telemetry._waterfall import render_waterfall

T = "4bf92f3577b34da6a3ce929d0e0e4736"
MS = 1_000_000


def span(
    span_id: str, parent: str, what: tuple[str, str, str], start: float, end: float, **attributes: object
) -> SpanRecord:
    """A span `what` = (name, kind, service) from `start` to `end` ms."""
    name, kind, service = what
    return SpanRecord(
        trace_id=T,
        span_id=span_id,
        parent_span_id=parent,
        name=name,
        kind=kind,
        start_ns=int(start * MS),
        end_ns=int(end * MS),
        service=service,
        attributes=dict(attributes),
    )


def test_consumers_are_listed_after_the_page_not_drawn_on_its_axis() -> None:
    spans = [
        span("a" * 16, "", ("page", "INTERNAL", "aggregator"), 0, 10, **{"pagemesh.product_id": "P00001"}),
        span(
            "b" * 16,
            "a" * 16,
            ("pagemesh.reviews.v2.ReviewService/ListReviews", "CLIENT", "aggregator"),
            1,
            9,
            **{"rpc.method": "ListReviews", "pagemesh.api_version": "v2", "pagemesh.backend": "reviews"},
        ),
        span(
            "c" * 16,
            "b" * 16,
            ("pagemesh.reviews.v2.ReviewService/ListReviews", "SERVER", "reviews"),
            3,
            7,
            **{"rpc.method": "ListReviews", "pagemesh.api_version": "v2", "rpc.grpc.status_code": 0},
        ),
        span(
            "d" * 16,
            "a" * 16,
            ("process pagemesh.events.v1.ProductViewed", "CONSUMER", "history"),
            2010,
            2013,
            **{
                "messaging.consumer.group.name": "history",
                "pagemesh.event_type": "pagemesh.events.v1.ProductViewed",
                "pagemesh.outcome": "processed",
            },
        ),
    ]
    lines = render_waterfall(spans, width=10).lines
    assert lines[0] == f"trace {T}  request -  page P00001  10.0 ms  3 spans"
    rows = lines[2:5]
    assert [row.split()[0] for row in rows] == ["aggregator", "aggregator", "reviews"]
    assert rows[0].split("|")[1] == "█" * 10  # the page fills the axis: the consumer is not on it
    assert rows[1].split("|")[1] == " ████████ "
    assert rows[2].split("|")[1] == "   ████   "
    assert lines[5] == (
        "consumed: pagemesh.events.v1.ProductViewed by history (in history) +2000.0 ms after the page, "
        "3.00 ms, processed"
    )


def test_a_server_span_that_ended_with_an_error_code_is_drawn_as_failed() -> None:
    spans = [
        span(
            "a" * 16,
            "",
            ("pagemesh.reviews.v2.ReviewService/ListReviews", "SERVER", "reviews"),
            0,
            4,
            **{"rpc.method": "ListReviews", "pagemesh.api_version": "v2", "rpc.grpc.status_code": 1},
        )
    ]
    row = render_waterfall(spans, width=4).lines[2]
    assert row.split("|")[1] == "░░░░"
    assert row.endswith("CANCELLED")
