"""Benchmark of telemetry's own work per call and per page, in one process (no sockets, no other load).

`bench/page.py` measures what telemetry costs a whole mesh in pages/s; on a shared machine that figure
moves by tens of percent from one run to the next. This one times the code telemetry adds to each RPC and
each page, in CPU microseconds, so its share of a page's CPU can be read without that noise:

- per server call (the interceptor's part): metrics only; metrics and an unsampled span path (the
  caller's `traceparent` read and passed on); metrics and a sampled span (exported to JSON lines);
- per backend call in the aggregator: the client side, unsampled and sampled (under the page's context);
- per page: the page span and page metrics, unsampled and sampled (under the gRPC call's context).

A page is 7 server calls (the aggregator's and six backends'), 6 client calls and one page. Prints a table
and writes JSON (default `artifacts/bench/telemetry.json`).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Generator, Sequence
from pathlib import Path
from typing import Any

import grpc
from google.protobuf.message import Message

from aggregator._backends import BACKENDS
from aggregator._downstream import Metadata
from aggregator._telemetry import BackendTelemetry, PageTelemetry
from pagemesh.runtime import Settings
from pagemesh.telemetry import activated, configure_telemetry, extract_traceparent, tracing
from pagemesh.telemetry._calls import ServerCallTelemetry

ROOT = Path(__file__).resolve().parent.parent
METHOD = "/pagemesh.reviews.v2.ReviewService/ListReviews"
UNSAMPLED = (
    ("x-request-id", "r"),
    ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"),
)
SAMPLED = (("x-request-id", "r"), ("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
CALLER = "spiffe://pagemesh.local/ns/default/sa/aggregator"


def cpu_us(work: Callable[[], object], count: int) -> float:
    """CPU microseconds per call of `work` (process time: the exporter's thread counts too)."""
    for _ in range(min(count, 1000)):
        work()
    started = time.process_time()
    for _ in range(count):
        work()
    current = tracing()
    if current is not None:
        current.shutdown()  # the spans' export is part of their cost
    return (time.process_time() - started) / count * 1e6


def configure(data_dir: Path, *, metrics: bool, traces: str | None) -> None:
    settings = Settings(data_dir=data_dir, metrics=metrics, tracing=traces is not None)
    if traces is not None:
        settings = Settings(data_dir=data_dir, metrics=metrics, traces_sampler=traces)
    configure_telemetry("bench", settings)


def server_call(metadata: Metadata) -> Callable[[], object]:
    telemetry = ServerCallTelemetry(METHOD)

    def call() -> None:
        active = telemetry.start(metadata, "r")
        telemetry.finish(active, grpc.StatusCode.OK, 0.001, CALLER)

    return call


def under(parent: Metadata, work: Callable[[], object]) -> Callable[[], object]:
    """`work` run as it is in the aggregator: under the page's context (here, a caller's)."""
    context = extract_traceparent(parent)

    def call() -> None:
        with activated(context):
            work()

    return call


def client_call(parent: Metadata) -> Callable[[], object]:
    telemetry = BackendTelemetry(BACKENDS["reviews"], "127.0.0.1:50055")
    metadata: Metadata = (("x-request-id", "r"),)

    def call() -> None:
        pending = telemetry.start("v2", "ListReviews", metadata, lambda sent: _Done())
        pending.cancel()

    return under(parent, call)


class _Done:
    """A call that has already answered (the client span ends when it is let go)."""

    def done(self) -> bool:
        return True

    def cancel(self) -> bool:
        return False

    def add_done_callback(self, callback: Callable[[object], object], /) -> None:
        callback(self)

    def __await__(self) -> Generator[Any, None, Message]:
        yield from ()
        return Message()


def page(parent: Metadata) -> Callable[[], object]:
    telemetry = PageTelemetry()

    def call() -> None:
        trace = telemetry.begin("P00001", True, "r")
        telemetry.end(trace, code="OK", seconds=0.01, degraded=(), versions={})

    return under(parent, call)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--count", type=int, default=20_000, help="calls per figure (default 20000)")
    parser.add_argument("--out", type=Path, default=ROOT / "artifacts" / "bench" / "telemetry.json")
    options = parser.parse_args(argv)
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="pagemesh-bench-telemetry-") as scratch:
        data_dir = Path(scratch)
        cases: list[tuple[str, bool, str | None, Callable[[], Callable[[], object]]]] = [
            ("server call: nothing", False, None, lambda: server_call(UNSAMPLED)),
            ("server call: metrics", True, None, lambda: server_call(UNSAMPLED)),
            (
                "server call: metrics + unsampled trace",
                True,
                "parentbased_traceidratio",
                lambda: server_call(UNSAMPLED),
            ),
            (
                "server call: metrics + sampled span",
                True,
                "parentbased_always_on",
                lambda: server_call(SAMPLED),
            ),
            (
                "client call: unsampled trace",
                True,
                "parentbased_traceidratio",
                lambda: client_call(UNSAMPLED),
            ),
            ("client call: sampled span", True, "parentbased_always_on", lambda: client_call(SAMPLED)),
            ("page: metrics + unsampled trace", True, "parentbased_traceidratio", lambda: page(UNSAMPLED)),
            ("page: metrics + sampled span", True, "parentbased_always_on", lambda: page(SAMPLED)),
        ]
        for name, metrics, traces, make in cases:
            configure(data_dir, metrics=metrics, traces=traces)
            figures[name] = round(cpu_us(make(), options.count), 2)
            print(f"  {name:<42} {figures[name]:8.2f} us CPU", flush=True)
        configure_telemetry("bench", Settings(tracing=False))
    nothing = figures["server call: nothing"]
    per_page = {
        "metrics": 7 * (figures["server call: metrics"] - nothing),
        "metrics + unsampled trace": 7 * (figures["server call: metrics + unsampled trace"] - nothing)
        + 6 * figures["client call: unsampled trace"]
        + figures["page: metrics + unsampled trace"],
        "metrics + sampled trace": 7 * (figures["server call: metrics + sampled span"] - nothing)
        + 6 * figures["client call: sampled span"]
        + figures["page: metrics + sampled span"],
    }
    print()
    for name, us in per_page.items():
        print(f"  per page, {name:<32} {us:8.1f} us CPU")
    out = options.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"per_call_us": figures, "per_page_us": per_page}, indent=2) + "\n")
    print(f"\nJSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
