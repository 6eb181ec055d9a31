"""A trace drawn as a waterfall in the terminal: one row per span, its start and duration as a bar.

    trace 63ba5eac…  request 63eb395a00000000  page P00001  16.1 ms  14 spans
    PART             SPAN                                |0 ms                     16.1 ms|     MS
    aggregator       GetProductPage v2                   |███████████████████████████████| 16.08
    aggregator       └ page P00001                       |███████████████████████████████| 15.74
    aggregator         ├ → product GetProduct v2         | ██████████████████████████     | 13.30
    product            │ └ GetProduct v2                 |            ██                  |  0.67

Rows are in tree order (children under their parent, by start time). Bars: `█` a call that answered,
`▓` a hedge, `░` a call that failed or was cancelled. Below the rows: the degraded sections with their
status, the hedged ones, and the bus consumers that handled the page's events (with how long after).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import grpc

from pagemesh.telemetry._files import SpanRecord

__all__ = ["Waterfall", "render_waterfall"]

_FULL, _HEDGE, _FAILED, _EMPTY = "█", "▓", "░", " "
_CODE_NAMES = {code.value[0]: code.name for code in grpc.StatusCode}
_LABEL_WIDTH = 44


@dataclass(frozen=True)
class Waterfall:
    """A rendered trace: its lines, and the page span it was drawn for (if any)."""

    lines: list[str]
    page: SpanRecord | None


def _label(span: SpanRecord) -> str:
    attributes = span.attributes
    method = attributes.get("rpc.method")
    version = attributes.get("pagemesh.api_version", "")
    if span.kind == "CLIENT" and method:
        return f"→ {attributes.get('pagemesh.backend', '')} {method} {version}".replace("  ", " ")
    if span.kind == "SERVER" and method:
        return f"{method} {version}".strip()
    if span.name == "page":
        return f"page {attributes.get('pagemesh.product_id', '')}".strip()
    if span.kind == "CONSUMER":
        group = attributes.get("messaging.consumer.group.name", "")
        return f"⇢ {span.name}" + (f" ({group})" if group else "")
    return span.name


def _failed(span: SpanRecord) -> bool:
    """Failed, or a call that ended with a status other than OK (e.g. a server's cancelled call)."""
    return span.status == "ERROR" or span.attributes.get("rpc.grpc.status_code", 0) != 0


def _marks(span: SpanRecord) -> str:
    marks = []
    if span.attributes.get("pagemesh.hedge"):
        marks.append("HEDGE")
    if span.status == "ERROR":
        marks.append(span.status_message or "ERROR")
    elif _failed(span):
        marks.append(_CODE_NAMES.get(span.attributes["rpc.grpc.status_code"], "failed"))
    degraded = span.attributes.get("pagemesh.degraded_sections")
    if degraded:
        marks.append("degraded: " + ", ".join(map(str, degraded)))
    if span.links and span.kind == "CONSUMER":
        marks.append("linked to " + ", ".join(f"span {span_id[:8]}" for _, span_id in span.links))
    return "  ".join(marks)


def _tree(spans: Sequence[SpanRecord]) -> list[tuple[SpanRecord, str]]:
    """(span, its tree prefix) in depth-first order, children by start time."""
    by_id = {span.span_id: span for span in spans}
    children: dict[str, list[SpanRecord]] = {}
    roots: list[SpanRecord] = []
    for span in spans:
        if span.parent_span_id and span.parent_span_id in by_id:
            children.setdefault(span.parent_span_id, []).append(span)
        else:
            roots.append(span)
    ordered: list[tuple[SpanRecord, str]] = []

    def walk(span: SpanRecord, prefix: str, last: bool, depth: int) -> None:
        branch = "" if depth == 0 else ("└ " if last else "├ ")
        ordered.append((span, prefix + branch))
        kids = sorted(children.get(span.span_id, ()), key=lambda s: (s.start_ns, s.name))
        below = prefix + ("" if depth == 0 else ("  " if last else "│ "))
        for i, kid in enumerate(kids):
            walk(kid, below, i == len(kids) - 1, depth + 1)

    for root in sorted(roots, key=lambda s: s.start_ns):
        walk(root, "", True, 0)
    return ordered


def _consumers(spans: Sequence[SpanRecord]) -> dict[str, SpanRecord]:
    """The bus consumers' spans and everything under them, by span id."""
    found = {span.span_id: span for span in spans if span.kind == "CONSUMER"}
    grew = True
    while grew:
        below = {s.span_id: s for s in spans if s.parent_span_id in found and s.span_id not in found}
        found.update(below)
        grew = bool(below)
    return found


def _bar(span: SpanRecord, start: int, total: int, width: int) -> str:
    first = min(width - 1, int((span.start_ns - start) / total * width))
    last = max(first + 1, min(width, round((span.end_ns - start) / total * width)))
    if _failed(span):
        glyph = _FAILED
    elif span.attributes.get("pagemesh.hedge"):
        glyph = _HEDGE
    else:
        glyph = _FULL
    return _EMPTY * first + glyph * (last - first) + _EMPTY * (width - last)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def render_waterfall(spans: Sequence[SpanRecord], width: int = 48) -> Waterfall:
    """The waterfall of one trace's spans."""
    if not spans:
        return Waterfall(["(no spans)"], None)
    # Bus consumers handle the page's events later (an outbox, a broker, a poll): they are listed under
    # the rows with their delay, so the page's own hops keep the whole width of the bars.
    later = _consumers(spans)
    spans = [span for span in spans if span.span_id not in later] or list(spans)
    start = min(span.start_ns for span in spans)
    end = max(span.end_ns for span in spans)
    total = max(end - start, 1)
    page = next((span for span in spans if span.name == "page"), None)
    request_id = next(
        (str(s.attributes["pagemesh.request_id"]) for s in spans if "pagemesh.request_id" in s.attributes),
        "-",
    )
    head = f"trace {spans[0].trace_id}  request {request_id}"
    if page is not None:
        head += f"  page {page.attributes.get('pagemesh.product_id', '?')}"
        if page.attributes.get("pagemesh.signed_in"):
            head += " (signed in)"
    lines = [f"{head}  {total / 1e6:.1f} ms  {len(spans)} spans"]
    scale_left, scale_right = "0 ms", f"{total / 1e6:.1f} ms"
    scale = scale_left + " " * max(1, width - len(scale_left) - len(scale_right)) + scale_right
    lines.append(f"{'PART':<16} {'SPAN':<{_LABEL_WIDTH}} |{scale}|      MS")
    for span, prefix in _tree(spans):
        label = _fit(prefix + _label(span), _LABEL_WIDTH)
        row = (
            f"{_fit(span.service, 16):<16} {label:<{_LABEL_WIDTH}} |{_bar(span, start, total, width)}| "
            f"{span.duration_ns / 1e6:7.2f}"
        )
        marks = _marks(span)
        lines.append(f"{row}  {marks}" if marks else row)
    if page is not None:
        for _, name, attributes in page.events:
            if name == "section degraded":
                lines.append(
                    f"degraded: {attributes.get('pagemesh.section')} "
                    f"{attributes.get('pagemesh.status')}: {attributes.get('pagemesh.message')}"
                )
    hedged = sorted(
        {str(s.attributes.get("pagemesh.backend")) for s in spans if s.attributes.get("pagemesh.hedge")}
    )
    if hedged:
        lines.append("hedged: " + ", ".join(hedged))
    for consumer in sorted(later.values(), key=lambda s: s.start_ns):
        if consumer.kind != "CONSUMER":
            continue
        group = consumer.attributes.get("messaging.consumer.group.name", "?")
        outcome = consumer.attributes.get("pagemesh.outcome", consumer.status.lower())
        lines.append(
            f"consumed: {consumer.attributes.get('pagemesh.event_type', consumer.name)} by {group} "
            f"(in {consumer.service}) {(consumer.start_ns - end) / 1e6:+.1f} ms after the page, "
            f"{consumer.duration_ns / 1e6:.2f} ms, {outcome}"
        )
    lines.append(f"legend: {_FULL} answered  {_HEDGE} hedge  {_FAILED} failed or cancelled")
    return Waterfall(lines, page)
