"""Spans as JSON lines under `<data dir>/traces/`: written by each process, read by `pagemesh trace`.

Each line is one OTLP/JSON `ExportTraceServiceRequest` (the format of the OpenTelemetry Collector's file
exporter), so the files can also be shipped later with the Collector's `otlpjsonfile` receiver. Each
process writes its own file, `<part>-<pid>.jsonl`, so lines never interleave; a file that grows past
`max_bytes` is moved to `<name>.1` (replacing the previous one) and started again.

Lines are built by hand rather than through protobuf's JSON printer: OTLP/JSON writes ids as hex, not
base64, and this runs on the exporter's thread, which shares the interpreter with the server.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, StatusCode

__all__ = ["JsonLinesSpanExporter", "SpanRecord", "read_spans"]

_KINDS = {
    SpanKind.INTERNAL: 1,
    SpanKind.SERVER: 2,
    SpanKind.CLIENT: 3,
    SpanKind.PRODUCER: 4,
    SpanKind.CONSUMER: 5,
}
_KIND_NAMES = {number: kind.name for kind, number in _KINDS.items()}
_STATUS = {StatusCode.UNSET: 0, StatusCode.OK: 1, StatusCode.ERROR: 2}
_STATUS_NAMES = {0: "UNSET", 1: "OK", 2: "ERROR"}


def _any_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, Sequence):
        return {"arrayValue": {"values": [_any_value(v) for v in value]}}
    return {"stringValue": str(value)}


def _attributes(attributes: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    return [{"key": key, "value": _any_value(value)} for key, value in (attributes or {}).items()]


def _span_json(span: ReadableSpan) -> dict[str, Any]:
    context = span.get_span_context()
    assert context is not None
    entry: dict[str, Any] = {
        "traceId": f"{context.trace_id:032x}",
        "spanId": f"{context.span_id:016x}",
        "name": span.name,
        "kind": _KINDS[span.kind],
        "startTimeUnixNano": str(span.start_time),
        "endTimeUnixNano": str(span.end_time),
        "attributes": _attributes(span.attributes),
    }
    if span.parent is not None:
        entry["parentSpanId"] = f"{span.parent.span_id:016x}"
    if span.events:
        entry["events"] = [
            {"timeUnixNano": str(e.timestamp), "name": e.name, "attributes": _attributes(e.attributes)}
            for e in span.events
        ]
    if span.links:
        entry["links"] = [
            {
                "traceId": f"{link.context.trace_id:032x}",
                "spanId": f"{link.context.span_id:016x}",
                "attributes": _attributes(link.attributes),
            }
            for link in span.links
        ]
    status = span.status
    if status.status_code is not StatusCode.UNSET:
        entry["status"] = {"code": _STATUS[status.status_code], "message": status.description or ""}
    return entry


class JsonLinesSpanExporter(SpanExporter):
    """Appends each batch of spans to `<directory>/<part>-<pid>.jsonl` as one OTLP/JSON line."""

    def __init__(self, directory: Path, part: str, max_bytes: int = 64 * 1024 * 1024) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / f"{part}-{os.getpid()}.jsonl"
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        self._file: IO[str] | None = self.path.open("a", encoding="utf-8")

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if not spans:
            return SpanExportResult.SUCCESS
        resource = spans[0].resource
        line = json.dumps(
            {
                "resourceSpans": [
                    {
                        "resource": {"attributes": _attributes(dict(resource.attributes))},
                        "scopeSpans": [
                            {"scope": {"name": "pagemesh"}, "spans": [_span_json(span) for span in spans]}
                        ],
                    }
                ]
            },
            separators=(",", ":"),
        )
        with self._lock:
            if self._file is None:
                return SpanExportResult.FAILURE
            self._file.write(line + "\n")
            self._file.flush()
            if self._file.tell() > self._max_bytes:
                self._file.close()
                self.path.replace(self.path.with_name(self.path.name + ".1"))
                self._file = self.path.open("a", encoding="utf-8")
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True


@dataclass
class SpanRecord:
    """One span as read back from the files."""

    trace_id: str
    span_id: str
    parent_span_id: str
    name: str
    kind: str
    """INTERNAL, SERVER, CLIENT, PRODUCER or CONSUMER."""
    start_ns: int
    end_ns: int
    service: str
    """The part that made it (its resource's `service.name`)."""
    attributes: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    """(trace id, span id) of each linked span."""
    status: str = "UNSET"
    status_message: str = ""

    @property
    def duration_ns(self) -> int:
        """How long it took."""
        return self.end_ns - self.start_ns


def _value(any_value: Mapping[str, Any]) -> Any:
    if "stringValue" in any_value:
        return any_value["stringValue"]
    if "intValue" in any_value:
        return int(any_value["intValue"])
    if "doubleValue" in any_value:
        return float(any_value["doubleValue"])
    if "boolValue" in any_value:
        return bool(any_value["boolValue"])
    if "arrayValue" in any_value:
        return [_value(v) for v in any_value["arrayValue"].get("values", [])]
    return None


def _attribute_map(items: Iterable[Mapping[str, Any]] | None) -> dict[str, Any]:
    return {item["key"]: _value(item.get("value", {})) for item in items or ()}


def _records(line: str) -> Iterator[SpanRecord]:
    request = json.loads(line)
    for resource_spans in request.get("resourceSpans", ()):
        resource = _attribute_map(resource_spans.get("resource", {}).get("attributes"))
        service = str(resource.get("service.name", "?"))
        for scope_spans in resource_spans.get("scopeSpans", ()):
            for span in scope_spans.get("spans", ()):
                status = span.get("status", {})
                yield SpanRecord(
                    trace_id=span["traceId"],
                    span_id=span["spanId"],
                    parent_span_id=span.get("parentSpanId", ""),
                    name=span.get("name", ""),
                    kind=_KIND_NAMES.get(int(span.get("kind", 1)), "INTERNAL"),
                    start_ns=int(span["startTimeUnixNano"]),
                    end_ns=int(span["endTimeUnixNano"]),
                    service=service,
                    attributes=_attribute_map(span.get("attributes")),
                    events=[
                        (int(e["timeUnixNano"]), e.get("name", ""), _attribute_map(e.get("attributes")))
                        for e in span.get("events", ())
                    ],
                    links=[(link["traceId"], link["spanId"]) for link in span.get("links", ())],
                    status=_STATUS_NAMES.get(int(status.get("code", 0)), "UNSET"),
                    status_message=status.get("message", ""),
                )


def read_spans(directory: Path, containing: str = "") -> list[SpanRecord]:
    """The spans in the JSON-lines files of `directory` (a line still being written is skipped).

    With `containing`, only the batches (lines) whose text contains it are parsed: a trace or request
    id is found in a large directory without decoding every span.
    """
    spans: list[SpanRecord] = []
    for path in sorted(directory.glob("*.jsonl*")):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for line in text.splitlines():
            if not line.strip() or containing not in line:
                continue
            try:
                spans.extend(_records(line))
            except (ValueError, KeyError, TypeError):
                continue
    return spans
