"""`pagemesh trace REQUEST_ID|TRACE_ID|latest`: a page's trace as a waterfall, from the data dir's span files.

The spans are the JSON lines every process writes under `<data dir>/traces/` when no OTLP collector is
set. A page's request id is in its `x-request-id` (trailing metadata, the HTTP `X-Request-Id` header and
every log line); `latest` is the page that finished last. Processes write spans in batches a fraction of a
second apart, so a page that has only just finished is read again once its last spans are in.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from pagemesh.cli import ArgumentParser
from pagemesh.runtime import NotFoundError, PagemeshError, Settings
from pagemesh.telemetry._files import SpanRecord, read_spans
from pagemesh.telemetry._waterfall import render_waterfall

__all__ = ["build_parser", "find_trace", "main"]

_SETTLE_NS = 1_000_000_000
"""A trace whose last span ended less than this ago may still have spans on their way to the files."""


class TraceNotFoundError(NotFoundError):
    """No spans answer to the id asked for."""


def build_parser() -> ArgumentParser:
    """The options of `pagemesh trace`."""
    parser = ArgumentParser(
        prog="pagemesh trace",
        description="Draw a page's trace as a waterfall: each hop's start and duration as a bar, hedges and "
        "degraded sections marked. Reads the span files under <data dir>/traces/.",
    )
    parser.add_argument(
        "id", metavar="REQUEST_ID|TRACE_ID|latest", help="a page's request id, a trace id, or `latest`"
    )
    parser.add_argument(
        "--data-dir", type=Path, help="the mesh's data directory (default: PAGEMESH_DATA_DIR or ./var)"
    )
    parser.add_argument("--width", type=int, default=48, help="the bars' width in characters (default 48)")
    return parser


def _trace_id_of(directory: Path, wanted: str) -> str:
    if wanted == "latest":
        pages = [span for span in read_spans(directory, '"name":"page"') if span.name == "page"]
        if not pages:
            raise TraceNotFoundError(
                f"no page has been traced in {directory} yet: fetch one (e.g. `pagemesh page P00001`) and "
                "note that only a share of pages is traced (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG)"
            )
        return max(pages, key=lambda span: span.end_ns).trace_id
    lowered = wanted.lower()
    if len(lowered) == 32 and all(c in "0123456789abcdef" for c in lowered):
        return lowered
    matches = [
        span for span in read_spans(directory, wanted) if span.attributes.get("pagemesh.request_id") == wanted
    ]
    if not matches:
        raise TraceNotFoundError(
            f"no spans for request id {wanted!r} in {directory}: the page was not traced (only a share of "
            "pages is, see OTEL_TRACES_SAMPLER_ARG) or its spans went to an OTLP collector"
        )
    return matches[0].trace_id


def find_trace(directory: Path, wanted: str) -> list[SpanRecord]:
    """The spans of the trace `wanted` names (request id, trace id or `latest`), once all are written."""
    if not directory.is_dir():
        raise TraceNotFoundError(
            f"{directory} does not exist: no process has written spans there (is the mesh running with "
            "this data dir, and without OTEL_EXPORTER_OTLP_ENDPOINT?)"
        )
    # A page served a moment ago may not be in the files yet: look again until it would have been.
    deadline = time.monotonic() + _SETTLE_NS / 1e9
    while True:
        try:
            trace_id = _trace_id_of(directory, wanted)
            break
        except TraceNotFoundError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.1)
    spans = [span for span in read_spans(directory, trace_id) if span.trace_id == trace_id]
    if not spans:
        raise TraceNotFoundError(f"no spans for trace {trace_id} in {directory}")
    newest = max(span.end_ns for span in spans)
    wait_ns = newest + _SETTLE_NS - time.time_ns()
    if wait_ns > 0:
        time.sleep(wait_ns / 1e9)
        spans = [span for span in read_spans(directory, trace_id) if span.trace_id == trace_id]
    return spans


def main(argv: list[str]) -> int:
    """Prints the waterfall; one line on stderr and exit 1 when there is no such trace."""
    parser = build_parser()
    options = parser.parse_args(argv)
    if options.width < 10:
        parser.error(f"--width must be at least 10, got {options.width}")
    try:
        settings = Settings.from_environment()
        if options.data_dir:
            settings = replace(settings, data_dir=options.data_dir)
        spans = find_trace(settings.traces_dir, options.id)
    except PagemeshError as error:
        print(f"pagemesh trace: {error.message}", file=sys.stderr)
        return 1
    print("\n".join(render_waterfall(spans, options.width).lines))
    return 0
